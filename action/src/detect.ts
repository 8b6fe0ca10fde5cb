/**
 * Detect mode: find the build system(s) in a directory and plan the commands a developer would
 * run before pushing — install, format check, lint, type check, build, test — in that order.
 * The run stops at the first failing step, so cheap checks come first.
 *
 * `detectSteps` is pure: it sees a top-level listing and the contents of a few manifest files
 * (`loadProjectSnapshot` reads them). Everything that comes from the repository and lands in a
 * shell command (solution file names) is quoted; script names and Make targets are only ever
 * taken from fixed lists, never from file contents.
 */
import { readdir, open } from 'node:fs/promises';
import { join } from 'node:path';

/** The order steps run in; a phase can hold steps of several ecosystems. */
export const PHASES = ['install', 'format', 'lint', 'typecheck', 'build', 'test'] as const;
export type Phase = (typeof PHASES)[number];

export type Ecosystem =
  'node' | 'maven' | 'gradle' | 'go' | 'cargo' | 'python' | 'dotnet' | 'swift' | 'cmake' | 'make';

/** One command to run, with a label for the log and the report. */
export interface PlannedStep {
  readonly ecosystem: Ecosystem;
  readonly phase: Phase;
  /** Short label, e.g. `lint (npm run lint)`. */
  readonly name: string;
  /** Shell command, run with bash in the working directory. */
  readonly command: string;
}

export interface DetectResult {
  /** Ecosystems found, in detection order. */
  readonly ecosystems: readonly Ecosystem[];
  /** Steps in run order (by phase, then ecosystem). Empty when nothing was recognised. */
  readonly steps: readonly PlannedStep[];
  /** Why a choice was made or a step skipped, for the log. */
  readonly notes: readonly string[];
}

/** What detection sees of the project directory. */
export interface ProjectSnapshot {
  /** Top-level names; directories end with `/`. */
  readonly entries: readonly string[];
  /** Contents of the manifest files named in `MANIFEST_FILES` that exist (possibly truncated). */
  readonly files: Readonly<Record<string, string>>;
  /** Decides `python` vs `python3`. */
  readonly platform: NodeJS.Platform;
}

/** A manifest file could not be understood; `file` names it. */
export class DetectError extends Error {
  override name = 'DetectError';
  readonly file: string;
  constructor(message: string, file: string, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
  }
}

/** Files whose contents detection reads, with how many bytes are enough. */
export const MANIFEST_FILES: Readonly<Record<string, number>> = {
  'package.json': 1024 * 1024,
  // Only the header tells yarn classic from berry.
  'yarn.lock': 4096,
  'pyproject.toml': 512 * 1024,
  'setup.cfg': 256 * 1024,
  'tox.ini': 256 * 1024,
  Makefile: 512 * 1024,
  makefile: 512 * 1024,
  GNUmakefile: 512 * 1024,
};

const NODE_FORMAT_SCRIPTS = ['format:check', 'format-check', 'check-format', 'fmt:check', 'prettier:check'];
const NODE_LINT_SCRIPTS = ['lint'];
const NODE_TYPECHECK_SCRIPTS = ['typecheck', 'type-check', 'check-types', 'tsc'];
const NODE_BUILD_SCRIPTS = ['build'];
const NODE_TEST_SCRIPTS = ['test'];
/** `npm init` writes this placeholder; running it only ever fails. */
const NPM_PLACEHOLDER_TEST = 'no test specified';

type PackageManager = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';

/** Plans the steps for the project in `snapshot`. Throws `DetectError` on an unreadable package.json. */
export function detectSteps(snapshot: ProjectSnapshot): DetectResult {
  const has = (name: string) => snapshot.entries.includes(name);
  const hasDir = (name: string) => snapshot.entries.includes(`${name}/`);
  const hasExt = (...exts: string[]) =>
    snapshot.entries.filter((entry) => !entry.endsWith('/') && exts.some((ext) => entry.endsWith(ext)));
  const notes: string[] = [];
  const steps: PlannedStep[] = [];
  const ecosystems: Ecosystem[] = [];
  const add = (ecosystem: Ecosystem, phase: Phase, label: string, command: string) => {
    if (!ecosystems.includes(ecosystem)) ecosystems.push(ecosystem);
    steps.push({
      ecosystem,
      phase,
      name: `${label} (${command.length > 60 ? `${command.slice(0, 57)}...` : command})`,
      command,
    });
  };

  // Node: package.json scripts, with the package manager the lockfile belongs to.
  const packageJson = snapshot.files['package.json'];
  if (packageJson !== undefined) {
    const scripts = parsePackageScripts(packageJson);
    const manager = choosePackageManager(snapshot, parsePackageManagerField(packageJson), notes);
    const script = (names: readonly string[]) => names.find((name) => typeof scripts[name] === 'string');
    const format = script(NODE_FORMAT_SCRIPTS);
    const lint = script(NODE_LINT_SCRIPTS);
    const typecheck = script(NODE_TYPECHECK_SCRIPTS);
    const build = script(NODE_BUILD_SCRIPTS);
    let test = script(NODE_TEST_SCRIPTS);
    if (test !== undefined && scripts[test]?.includes(NPM_PLACEHOLDER_TEST)) {
      notes.push("package.json: the 'test' script is npm's placeholder; skipping it");
      test = undefined;
    }
    if ([format, lint, typecheck, build, test].some((name) => name !== undefined)) {
      if (hasDir('node_modules')) {
        notes.push('node_modules/ exists: dependencies are already installed, skipping the install step');
      } else {
        add('node', 'install', 'install', installCommand(manager, snapshot));
      }
      if (format) add('node', 'format', 'format check', runScript(manager, format));
      if (lint) add('node', 'lint', 'lint', runScript(manager, lint));
      if (typecheck) add('node', 'typecheck', 'type check', runScript(manager, typecheck));
      if (build) add('node', 'build', 'build', runScript(manager, build));
      if (test) add('node', 'test', 'test', runScript(manager, test));
    } else {
      notes.push('package.json has none of the scripts format:check, lint, typecheck, build, test');
    }
  }

  // Maven: `verify` compiles, runs the tests and the checks bound to the lifecycle.
  if (has('pom.xml')) {
    const mvn = has('mvnw') ? 'sh ./mvnw' : 'mvn';
    add('maven', 'test', 'verify', `${mvn} -B -ntp verify`);
  }

  // Gradle: `check` depends on compilation and tests; plain console keeps the log parseable.
  if (['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'].some(has)) {
    const gradle = has('gradlew') ? 'sh ./gradlew' : 'gradle';
    add('gradle', 'test', 'check', `${gradle} check --console=plain`);
  }

  if (has('go.mod')) {
    add(
      'go',
      'format',
      'gofmt',
      `unformatted=$(find . -name '*.go' -not -path './vendor/*' -print0 | xargs -0 -r gofmt -l); ` +
        `if [ -n "$unformatted" ]; then echo "gofmt: these files are not formatted (run gofmt -w):"; echo "$unformatted"; exit 1; fi`,
    );
    add('go', 'lint', 'vet', 'go vet ./...');
    add('go', 'build', 'build', 'go build ./...');
    add('go', 'test', 'test', 'go test ./...');
  }

  if (has('Cargo.toml')) {
    // rustfmt and clippy are optional rustup components: skip rather than fail when absent.
    add(
      'cargo',
      'format',
      'rustfmt',
      'if cargo fmt --version >/dev/null 2>&1; then cargo fmt --all -- --check; else echo "rustfmt is not installed; skipping the format check"; fi',
    );
    add(
      'cargo',
      'lint',
      'clippy',
      'if cargo clippy --version >/dev/null 2>&1; then cargo clippy --all-targets; else echo "clippy is not installed; skipping lint"; fi',
    );
    add('cargo', 'build', 'build', 'cargo build --all-targets');
    add('cargo', 'test', 'test', 'cargo test');
  }

  if (['pyproject.toml', 'setup.cfg', 'setup.py', 'tox.ini', 'requirements.txt', 'Pipfile'].some(has)) {
    planPython(snapshot, notes, (phase, label, command) => add('python', phase, label, command));
  }

  const solutions = hasExt('.sln', '.slnx').sort();
  const projects = hasExt('.csproj', '.fsproj', '.vbproj').sort();
  if (solutions.length > 0 || projects.length > 0) {
    let targets: string[];
    if (solutions.length > 0) {
      targets = [solutions[0] as string];
      if (solutions.length > 1) notes.push(`several solutions found; using ${solutions[0]}`);
    } else {
      targets = projects;
    }
    const each = (verb: string) =>
      targets.map((target) => `dotnet ${verb} ${shellQuote(target)}`).join(' && ');
    add('dotnet', 'build', 'build', each('build'));
    add('dotnet', 'test', 'test', each('test'));
  }

  if (has('Package.swift')) {
    add('swift', 'build', 'build', 'swift build');
    add('swift', 'test', 'test', 'swift test');
  }

  // CMake and Make describe the build only when no language tool above did; a Makefile in a
  // Go or Node repository usually wraps the same commands we already run.
  if (ecosystems.length === 0 && has('CMakeLists.txt')) {
    const dir = '"${RUNNER_TEMP:-/tmp}/fleetwright-cmake-build"';
    add('cmake', 'build', 'build', `cmake -S . -B ${dir} && cmake --build ${dir}`);
    add('cmake', 'test', 'test', `ctest --test-dir ${dir} --output-on-failure`);
  }
  const makefile = ['GNUmakefile', 'makefile', 'Makefile'].find((name) => snapshot.files[name] !== undefined);
  if (ecosystems.length === 0 && makefile !== undefined) {
    planMake(snapshot.files[makefile] as string, makefile, notes, (phase, label, command) =>
      add('make', phase, label, command),
    );
  } else if (makefile !== undefined) {
    notes.push(`${makefile} ignored: the ${ecosystems.join(', ')} steps already cover the build`);
  }

  const order = (step: PlannedStep) => PHASES.indexOf(step.phase);
  const sorted = steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => order(a.step) - order(b.step) || a.index - b.index)
    .map(({ step }) => step);
  return { ecosystems, steps: sorted, notes };
}

function parsePackageJson(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DetectError(`package.json is not valid JSON: ${(error as Error).message}`, 'package.json', {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DetectError('package.json must contain a JSON object', 'package.json');
  }
  return parsed as Record<string, unknown>;
}

function parsePackageScripts(text: string): Record<string, string> {
  const scripts = parsePackageJson(text).scripts;
  if (scripts === undefined) return {};
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) {
    throw new DetectError('package.json: "scripts" must be an object', 'package.json');
  }
  return Object.fromEntries(
    Object.entries(scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The `packageManager` field (Corepack), e.g. `pnpm@9.1.0`, when it names a known manager. */
function parsePackageManagerField(text: string): 'npm' | 'pnpm' | 'yarn' | 'bun' | undefined {
  const field = parsePackageJson(text).packageManager;
  if (typeof field !== 'string') return undefined;
  const name = field.split('@')[0];
  return name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : undefined;
}

function choosePackageManager(
  snapshot: ProjectSnapshot,
  declared: 'npm' | 'pnpm' | 'yarn' | 'bun' | undefined,
  notes: string[],
): PackageManager {
  const has = (name: string) => snapshot.entries.includes(name);
  const yarnKind = (): PackageManager => {
    // Yarn 1 writes "# yarn lockfile v1"; Berry writes a YAML `__metadata` block instead.
    const header = snapshot.files['yarn.lock'];
    return header !== undefined && !header.includes('yarn lockfile v1') && header.includes('__metadata')
      ? 'yarn-berry'
      : 'yarn-classic';
  };
  const byLockfile: [string, () => PackageManager][] = [
    ['package-lock.json', () => 'npm'],
    ['npm-shrinkwrap.json', () => 'npm'],
    ['pnpm-lock.yaml', () => 'pnpm'],
    ['yarn.lock', yarnKind],
    ['bun.lockb', () => 'bun'],
    ['bun.lock', () => 'bun'],
  ];
  const found = byLockfile.filter(([file]) => has(file));
  if (declared !== undefined) {
    const match = found.find(([, kind]) => kind().startsWith(declared));
    if (found.length > 0 && match === undefined) {
      notes.push(`packageManager says ${declared} but the lockfile is ${found[0]?.[0]}; using ${declared}`);
    }
    if (declared === 'yarn') return has('yarn.lock') ? yarnKind() : 'yarn-berry';
    return declared;
  }
  if (found.length > 1) {
    notes.push(`several lockfiles (${found.map(([file]) => file).join(', ')}); using ${found[0]?.[0]}`);
  }
  const first = found[0];
  return first === undefined ? 'npm' : first[1]();
}

function installCommand(manager: PackageManager, snapshot: ProjectSnapshot): string {
  const has = (name: string) => snapshot.entries.includes(name);
  switch (manager) {
    case 'npm':
      return has('package-lock.json') || has('npm-shrinkwrap.json') ? 'npm ci' : 'npm install';
    case 'pnpm':
      return has('pnpm-lock.yaml') ? 'pnpm install --frozen-lockfile' : 'pnpm install';
    case 'yarn-classic':
      return has('yarn.lock') ? 'yarn install --frozen-lockfile' : 'yarn install';
    case 'yarn-berry':
      return has('yarn.lock') ? 'yarn install --immutable' : 'yarn install';
    case 'bun':
      return has('bun.lockb') || has('bun.lock') ? 'bun install --frozen-lockfile' : 'bun install';
  }
}

function runScript(manager: PackageManager, script: string): string {
  switch (manager) {
    case 'npm':
      return script === 'test' ? 'npm test' : `npm run ${script}`;
    case 'pnpm':
      return `pnpm run ${script}`;
    case 'yarn-classic':
    case 'yarn-berry':
      return `yarn run ${script}`;
    case 'bun':
      // `bun test` would start Bun's own test runner instead of the script.
      return `bun run ${script}`;
  }
}

/** True when an INI/TOML text has a section `[name]` or `[name.sub]`. */
function hasSection(text: string | undefined, name: string): boolean {
  if (text === undefined) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*\\[${escaped}(\\.[^\\]]*)?\\]\\s*$`, 'm').test(text);
}

function planPython(
  snapshot: ProjectSnapshot,
  notes: string[],
  add: (phase: Phase, label: string, command: string) => void,
): void {
  const has = (name: string) => snapshot.entries.includes(name);
  const { files } = snapshot;
  const pyproject = files['pyproject.toml'];
  const python = snapshot.platform === 'win32' ? 'python' : 'python3';
  // A project manager's runner uses the project's environment; otherwise use the active Python.
  const runner = has('uv.lock')
    ? 'uv run '
    : has('poetry.lock')
      ? 'poetry run '
      : has('pdm.lock')
        ? 'pdm run '
        : '';
  const tool = (module: string, args: string) =>
    runner === '' ? `${python} -m ${module}${args}` : `${runner}${module}${args}`;
  if (runner === '') {
    notes.push('python: dependencies are not installed by detect mode; install them in an earlier step');
  }

  const ruff = hasSection(pyproject, 'tool.ruff') || has('ruff.toml') || has('.ruff.toml');
  if (hasSection(pyproject, 'tool.ruff.format'))
    add('format', 'ruff format', tool('ruff', ' format --check .'));
  else if (hasSection(pyproject, 'tool.black')) add('format', 'black', tool('black', ' --check .'));

  if (ruff) add('lint', 'ruff', tool('ruff', ' check .'));
  else if (
    has('.flake8') ||
    hasSection(files['setup.cfg'], 'flake8') ||
    hasSection(files['tox.ini'], 'flake8')
  ) {
    add('lint', 'flake8', tool('flake8', ''));
  }
  if (hasSection(pyproject, 'tool.mypy') || has('mypy.ini') || hasSection(files['setup.cfg'], 'mypy')) {
    add('typecheck', 'mypy', tool('mypy', ' .'));
  }

  const pytest =
    hasSection(pyproject, 'tool.pytest.ini_options') ||
    has('pytest.ini') ||
    has('conftest.py') ||
    hasSection(files['setup.cfg'], 'tool:pytest') ||
    hasSection(files['tox.ini'], 'pytest');
  const testDir = has('tests/') || has('test/');
  if (pytest || testDir) add('test', 'pytest', tool('pytest', ''));
  else notes.push('python: no pytest configuration and no tests/ directory; no test step');
}

/** Targets whose recipe is safe to run as "the build"; a default goal outside this list is not run. */
const MAKE_HARMFUL_DEFAULTS = [
  'help',
  'clean',
  'install',
  'deploy',
  'release',
  'publish',
  'push',
  'run',
  'serve',
];

function planMake(
  text: string,
  file: string,
  notes: string[],
  add: (phase: Phase, label: string, command: string) => void,
): void {
  const targets: string[] = [];
  let defaultGoal: string | undefined;
  for (const line of text.split('\n')) {
    const goal = /^\.DEFAULT_GOAL\s*:?=\s*([A-Za-z0-9_.-]+)/.exec(line);
    if (goal?.[1]) defaultGoal = goal[1];
    // `target:` or `a b: deps`, but not variable assignments (`X := y`, `X ::= y`).
    const rule = /^([A-Za-z0-9_.\- ]+?)\s*:(?![:=])/.exec(line);
    if (!rule?.[1]) continue;
    for (const name of rule[1].split(/\s+/)) {
      if (name !== '' && !name.startsWith('.') && !targets.includes(name)) targets.push(name);
    }
  }
  const defaultTarget = defaultGoal ?? targets[0];
  const target = (...names: string[]) => names.find((name) => targets.includes(name));
  const format = target('format-check', 'fmt-check', 'check-format', 'check-fmt');
  const lint = target('lint');
  const test = target('test', 'check');
  if (format) add('format', 'format check', `make ${format}`);
  if (lint) add('lint', 'lint', `make ${lint}`);
  if (defaultTarget === undefined) {
    notes.push(`${file} has no targets`);
  } else if (MAKE_HARMFUL_DEFAULTS.includes(defaultTarget)) {
    const build = target('build', 'all');
    if (build) add('build', 'build', `make ${build}`);
    notes.push(
      `${file}: the default goal '${defaultTarget}' is not a build; ${build ? `running 'make ${build}'` : 'no build step'}`,
    );
  } else if (defaultTarget !== test && defaultTarget !== lint && defaultTarget !== format) {
    add('build', 'build', 'make');
  }
  if (test) add('test', 'test', `make ${test}`);
}

/** Quotes a word for bash when it has anything but safe characters. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Reads the listing and manifest files `detectSteps` needs from `dir` (capped sizes). */
export async function loadProjectSnapshot(
  dir: string,
  platform: NodeJS.Platform = process.platform,
): Promise<ProjectSnapshot> {
  const dirents = await readdir(dir, { withFileTypes: true });
  const entries = dirents.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
  const files: Record<string, string> = {};
  for (const [name, limit] of Object.entries(MANIFEST_FILES)) {
    const dirent = dirents.find((entry) => entry.name === name);
    if (!dirent || !(dirent.isFile() || dirent.isSymbolicLink())) continue;
    files[name] = await readHead(join(dir, name), limit);
  }
  return { entries, files, platform };
}

async function readHead(path: string, limit: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await handle.read(buffer, 0, limit, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
