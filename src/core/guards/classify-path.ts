/**
 * Path conventions the guards rely on: which files are tests, lockfiles, CI or lint/coverage
 * configuration, and which language a file is written in. Pure string tests on repo-relative
 * paths with forward slashes.
 */

/** Languages whose test and comment conventions the guards know. */
export type Language =
  | 'js'
  | 'python'
  | 'go'
  | 'java'
  | 'rust'
  | 'csharp'
  | 'ruby'
  | 'php'
  | 'swift'
  | 'elixir'
  | 'cpp'
  | 'dart'
  | 'other';

const EXTENSIONS: Record<string, Language> = {
  js: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
  ts: 'js',
  tsx: 'js',
  mts: 'js',
  cts: 'js',
  vue: 'js',
  svelte: 'js',
  py: 'python',
  pyi: 'python',
  go: 'go',
  java: 'java',
  kt: 'java',
  kts: 'java',
  groovy: 'java',
  scala: 'java',
  rs: 'rust',
  cs: 'csharp',
  fs: 'csharp',
  vb: 'csharp',
  rb: 'ruby',
  php: 'php',
  swift: 'swift',
  ex: 'elixir',
  exs: 'elixir',
  c: 'cpp',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  h: 'cpp',
  hh: 'cpp',
  hpp: 'cpp',
  dart: 'dart',
};

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function extension(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The language of a source file by extension; `other` for everything else (config, docs, data). */
export function languageOf(path: string): Language {
  return EXTENSIONS[extension(path)] ?? 'other';
}

/** True for source files in a language the guards know. */
export function isCodeFile(path: string): boolean {
  return languageOf(path) !== 'other';
}

const TEST_DIR = /(?:^|\/)(?:__tests__|__test__|tests?|spec|specs|e2e|cypress|integration-tests|testing)\//;

/**
 * True when the path is a test file by the conventions of its language: `*.test.ts`,
 * `*.spec.js`, `__tests__/`, `test_*.py`, `*_test.py`, `conftest.py`, `*_test.go`,
 * `src/test/java/**`, `*Test.java`, `*Tests.cs`, `*.Tests/`, `spec/**\/*_spec.rb`,
 * `test/**\/*_test.rb`, `tests/**\/*.rs` (Rust integration tests), `*Test.php`, `*Tests.swift`,
 * `test/**\/*_test.exs`, `*_test.cc`, `*_test.dart`… Only source files count: fixtures and
 * snapshots under `tests/` are data, not tests.
 */
export function isTestFile(path: string): boolean {
  const lang = languageOf(path);
  if (lang === 'other') return false;
  const name = basename(path);
  const stem = name.slice(0, name.indexOf('.') > 0 ? name.indexOf('.') : name.length);
  if (/(?:^|\/)(?:fixtures?|__fixtures__|__snapshots__|testdata|__mocks__)\//.test(path)) return false;
  switch (lang) {
    case 'js':
      return /\.(?:test|spec|cy|e2e)\.[cm]?[jt]sx?$/.test(name) || TEST_DIR.test(path);
    case 'python':
      return (
        /^test_.*\.py$/.test(name) ||
        /_tests?\.py$/.test(name) ||
        name === 'conftest.py' ||
        TEST_DIR.test(path)
      );
    case 'go':
      return name.endsWith('_test.go');
    case 'java':
      return (
        /(?:^|\/)src\/(?:test|androidTest|integrationTest|testFixtures)\//.test(path) ||
        /(?:Test|Tests|IT)$/.test(stem) ||
        (name.endsWith('.groovy') && /Spec$/.test(stem))
      );
    case 'rust':
      return /(?:^|\/)tests\//.test(path) || /_tests?\.rs$/.test(name);
    case 'csharp':
      return (
        /(?:Test|Tests|Spec|Specs)$/.test(stem) ||
        /(?:^|\/)[^/]*\.(?:Unit|Integration)?Tests?\//.test(path) ||
        TEST_DIR.test(path)
      );
    case 'ruby':
      return (
        /_(?:spec|test)\.rb$/.test(name) || /^test_.*\.rb$/.test(name) || /(?:^|\/)(?:spec|test)\//.test(path)
      );
    case 'php':
      return /Test\.php$/.test(name) || /(?:^|\/)tests?\//.test(path);
    case 'swift':
      return /Tests?\.swift$/.test(name) || /(?:^|\/)Tests\//.test(path);
    case 'elixir':
      return /_test\.exs$/.test(name) || /(?:^|\/)test\//.test(path);
    case 'cpp':
      return /(?:_test|_unittest|Test)\.(?:c|cc|cpp|cxx)$/.test(name) || TEST_DIR.test(path);
    case 'dart':
      return /_test\.dart$/.test(name) || /(?:^|\/)test\//.test(path);
  }
}

const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'deno.lock',
  'Cargo.lock',
  'go.sum',
  'go.work.sum',
  'poetry.lock',
  'Pipfile.lock',
  'pdm.lock',
  'uv.lock',
  'Gemfile.lock',
  'composer.lock',
  'packages.lock.json',
  'paket.lock',
  'gradle.lockfile',
  'mix.lock',
  'pubspec.lock',
  'Podfile.lock',
  'Package.resolved',
  'flake.lock',
  'conan.lock',
]);

/** True for dependency lockfiles (machine-written; their size says nothing about the change). */
export function isLockfile(path: string): boolean {
  const name = basename(path);
  return LOCKFILES.has(name) || /^requirements.*\.lock$/.test(name) || name.endsWith('.lockfile');
}

/** True for CI pipeline definitions (GitHub Actions, GitLab, CircleCI, Azure, Jenkins, Travis, Buildkite…). */
export function isCiWorkflowFile(path: string): boolean {
  return (
    /^\.github\/(?:workflows\/[^/]+\.ya?ml|actions\/.+\/action\.ya?ml)$/.test(path) ||
    /^action\.ya?ml$/.test(path) ||
    /^\.gitlab-ci\.ya?ml$/.test(path) ||
    /^\.gitlab\/ci\//.test(path) ||
    /^\.circleci\//.test(path) ||
    /^azure-pipelines.*\.ya?ml$/.test(path) ||
    /(?:^|\/)Jenkinsfile$/.test(path) ||
    /^\.travis\.ya?ml$/.test(path) ||
    /^\.buildkite\//.test(path) ||
    /^bitbucket-pipelines\.ya?ml$/.test(path) ||
    /^\.drone\.ya?ml$/.test(path) ||
    /^\.woodpecker(?:\.ya?ml|\/)/.test(path)
  );
}

const BUILD_CONFIG_NAMES = new Set([
  'package.json',
  'Makefile',
  'makefile',
  'GNUmakefile',
  'justfile',
  'Justfile',
  'Taskfile.yml',
  'Taskfile.yaml',
  'tox.ini',
  'noxfile.py',
  'pytest.ini',
  'setup.cfg',
  'pyproject.toml',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'settings.gradle',
  'settings.gradle.kts',
  'Cargo.toml',
  'Rakefile',
  'composer.json',
  'phpunit.xml',
  'phpunit.xml.dist',
  '.pre-commit-config.yaml',
  'lefthook.yml',
  'turbo.json',
  'nx.json',
  'project.json',
  'Directory.Build.props',
  'codecov.yml',
  '.codecov.yml',
  '.coveragerc',
  '.mocharc.yml',
  '.mocharc.json',
  '.mocharc.js',
  'karma.conf.js',
  'playwright.config.ts',
  'cypress.config.ts',
]);

/** True for files that define how tests, lint and builds run (CI workflows included). */
export function isBuildConfigFile(path: string): boolean {
  const name = basename(path);
  return (
    isCiWorkflowFile(path) ||
    BUILD_CONFIG_NAMES.has(name) ||
    /^(?:jest|vitest|vite|karma|playwright|cypress|ava|wdio)\.config\.[cm]?[jt]s$/.test(name) ||
    /^vitest\.workspace\.[cm]?[jt]s$/.test(name) ||
    /^\.nycrc(?:\.json|\.ya?ml)?$/.test(name) ||
    /^\.c8rc(?:\.json)?$/.test(name) ||
    /^jest\.config\.json$/.test(name) ||
    /\.csproj$/.test(name) ||
    /^\.husky\//.test(path) ||
    /(?:^|\/)scripts\/(?:test|ci|lint|check)[^/]*\.(?:sh|bash)$/.test(path) ||
    /^(?:ci|test|run-tests)\.sh$/.test(name) ||
    /^\.ci\//.test(path)
  );
}

/** True for linter / type-checker configuration files. */
export function isLintConfigFile(path: string): boolean {
  const name = basename(path);
  return (
    /^\.eslintrc(?:\.(?:js|cjs|mjs|json|ya?ml))?$/.test(name) ||
    /^eslint\.config\.[cm]?[jt]s$/.test(name) ||
    /^(?:biome|\.?oxlintrc)\.jsonc?$/.test(name) ||
    /^\.stylelintrc(?:\.\w+)?$/.test(name) ||
    /^tsconfig(?:\.[\w-]+)?\.json$/.test(name) ||
    /^jsconfig\.json$/.test(name) ||
    name === 'package.json' ||
    /^(?:\.flake8|setup\.cfg|tox\.ini|pyproject\.toml|\.pylintrc|pylintrc|mypy\.ini|\.mypy\.ini|ruff\.toml|\.ruff\.toml|pyrightconfig\.json)$/.test(
      name,
    ) ||
    /^\.rubocop(?:_todo)?\.ya?ml$/.test(name) ||
    /^\.golangci\.(?:ya?ml|toml|json)$/.test(name) ||
    /^(?:clippy|\.clippy)\.toml$/.test(name) ||
    name === 'Cargo.toml' ||
    /^\.swiftlint\.ya?ml$/.test(name) ||
    /^detekt.*\.ya?ml$/.test(name) ||
    /^\.editorconfig$/.test(name) ||
    /^(?:checkstyle|pmd|spotbugs).*\.xml$/.test(name) ||
    /^\.?phpstan\.neon(?:\.dist)?$/.test(name) ||
    /^psalm\.xml$/.test(name) ||
    /^\.?php[-_]cs[-_]fixer(?:\.dist)?\.php$/.test(name) ||
    /^phpcs\.xml(?:\.dist)?$/.test(name) ||
    /^\.clang-tidy$/.test(name) ||
    /^\.globalconfig$/.test(name) ||
    /^\.editorconfig$/.test(name) ||
    /^analysis_options\.yaml$/.test(name) ||
    /^\.credo\.exs$/.test(name)
  );
}

/** True for files that can hold coverage thresholds (test runner, coverage tool and CI config). */
export function isCoverageConfigFile(path: string): boolean {
  const name = basename(path);
  return (
    isBuildConfigFile(path) ||
    /^\.simplecov$/.test(name) ||
    /^jacoco.*\.(?:gradle|kts|xml)$/.test(name) ||
    /^\.?codecov\.ya?ml$/.test(name) ||
    /^\.coveragerc$/.test(name)
  );
}

/** Languages and formats where leading whitespace carries meaning (a re-indent is a real change). */
export function isIndentSensitive(path: string): boolean {
  const name = basename(path);
  return (
    /\.(?:py|pyi|ya?ml|haml|pug|jade|slim|sass|styl|coffee|nim|fs|fsx|elm|hs|md|mk)$/i.test(name) ||
    /^(?:GNU)?[Mm]akefile$/.test(name)
  );
}
