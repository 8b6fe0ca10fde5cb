/**
 * Guards on scope and configuration: files outside the allowed paths, CI workflows edited,
 * CI/build/lint configuration relaxed, inline suppressions added, coverage thresholds lowered.
 * Only ADDED lines count, and an added line identical to one removed elsewhere in the diff
 * (moved or re-indented) does not.
 */
import picomatch from 'picomatch';
import type { DiffLine } from '../diff/types.ts';
import {
  isBuildConfigFile,
  isCiWorkflowFile,
  isCodeFile,
  isCoverageConfigFile,
  isLintConfigFile,
} from './classify-path.ts';
import { changeBlocks, changedLines, lineNumber, LinePool, type FileView } from './diff-view.ts';
import { evidenceOf } from './evidence.ts';
import { blankStrings, findSuppressions } from './source-patterns.ts';
import type { GuardFinding } from './types.ts';

/** Files outside the manifest's allowed path globs (both sides of a rename must be inside). */
export function checkScope(
  views: readonly FileView[],
  allowedPaths: readonly string[] | undefined,
): GuardFinding[] {
  const globs = (allowedPaths ?? []).filter((g) => g.trim() !== '');
  if (globs.length === 0) return [];
  // A trailing slash means "this directory": match everything below it.
  const isMatch = picomatch(
    globs.map((g) => (g.endsWith('/') ? `${g}**` : g)),
    { dot: true },
  );
  const findings: GuardFinding[] = [];
  for (const { file } of views) {
    const paths = [...new Set([file.oldPath, file.newPath].filter((p): p is string => p !== undefined))];
    const outside = paths.filter((p) => !isMatch(p));
    if (outside.length === 0) continue;
    const first = file.hunks[0]?.lines.find((l) => l.type !== 'context');
    findings.push({
      kind: 'out-of-scope-path',
      severity: 'block',
      file: file.path,
      line: first === undefined ? undefined : lineNumber(first),
      message: `${outside.join(' and ')} ${outside.length > 1 ? 'are' : 'is'} outside the migration's allowed paths (${globs.join(', ')})`,
      evidence:
        file.status === 'renamed'
          ? `rename ${file.oldPath} → ${file.newPath}`
          : `${file.status} ${file.path}`,
    });
  }
  return findings;
}

/** Any edit of a CI pipeline definition: blocking unless the migration allows workflow edits. */
export function checkCiEdits(views: readonly FileView[], allowWorkflowEdits: boolean): GuardFinding[] {
  return views
    .filter(
      (v) => isCiWorkflowFile(v.path) || (v.file.oldPath !== undefined && isCiWorkflowFile(v.file.oldPath)),
    )
    .map((v) => {
      const { added, removed } = changedLines(v.file.hunks);
      const shown = [...removed, ...added];
      return {
        kind: 'ci-config-edited' as const,
        severity: allowWorkflowEdits ? ('warn' as const) : ('block' as const),
        file: v.path,
        line: shown[0] === undefined ? undefined : lineNumber(shown[0]),
        message: allowWorkflowEdits
          ? `CI workflow ${v.path} was ${v.file.status}`
          : `CI workflow ${v.path} was ${v.file.status}, but this migration does not allow workflow edits`,
        evidence: evidenceOf(shown),
      };
    });
}

interface RelaxPattern {
  pattern: RegExp;
  why: string;
  /** Only in files whose name matches. */
  files?: RegExp;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Added to CI, build or test-runner configuration, each of these makes failures pass. */
const CI_RELAXATIONS: RelaxPattern[] = [
  {
    pattern: /\bcontinue-on-error\s*:\s*(?:true|\$\{\{\s*true\s*\}\})/,
    why: 'a failing step no longer fails the job',
  },
  {
    pattern: /\ballow_failure\s*:\s*true\b|^\s*allow_failures\s*:|\bsoft_fail\s*:\s*true\b/,
    why: 'failures are allowed',
  },
  { pattern: /\|\|\s*(?:true|exit\s+0|:)(?=\s|$|["';)&|])/, why: 'the command can no longer fail' },
  { pattern: /^\s*set\s+\+e\b/, why: 'errors no longer stop the script' },
  {
    pattern: /--passWithNoTests\b|--pass-with-no-tests\b|\bpassWithNoTests\s*:\s*true/,
    why: 'an empty test run passes',
  },
  {
    pattern: /-DskipTests\b|-Dmaven\.test\.skip\s*=\s*true|<skipTests>\s*true|<maven\.test\.skip>\s*true/,
    why: 'tests are skipped',
  },
  {
    pattern:
      /-Dmaven\.test\.failure\.ignore\s*=\s*true|<testFailureIgnore>\s*true|\bignoreFailures\s*[=:]?\s*true/,
    why: 'test failures are ignored',
  },
  {
    pattern: /\s-x\s+(?::?\w+:)?(?:test|check|lint|detekt|ktlintCheck|spotbugsMain)\b/,
    why: 'a verification task is excluded',
  },
  {
    pattern: /<skip>\s*true\s*<\/skip>|\b(?:checkstyle|pmd|spotbugs|jacoco|enforcer)\.skip\s*=\s*true/,
    why: 'a verification plugin is skipped',
  },
  {
    pattern: /--exit-zero\b|--exitzero\b|--no-fail\b|\bfail_ci_if_error\s*:\s*false/,
    why: 'the tool never fails',
  },
  { pattern: /\bif\s*:\s*(?:false|\$\{\{\s*false\s*\}\})\s*$/, why: 'the job or step is disabled' },
  { pattern: /--no-verify\b/, why: 'hooks are bypassed' },
  {
    pattern:
      /--(?:deselect|ignore(?:-glob)?)[= ]\S*test|--testPathIgnorePatterns\b|\btestPathIgnorePatterns\b|--skip\s+\S*test/i,
    why: 'tests are excluded from the run',
  },
  {
    pattern:
      /"(?:test|tests|lint|check|typecheck|ci|verify)(?:[:\w-]*)"\s*:\s*"(?:\s*(?:echo\b[^"]*|exit 0|true|:)\s*)"/,
    why: 'the script does nothing',
  },
];

/** Lint/type-check configuration changes that turn checks off (in lint config files only). */
const LINT_RELAXATIONS: RelaxPattern[] = [
  {
    pattern: /["']?[@\w/-]+["']?\s*:\s*(?:\[\s*)?(?:["']off["']|0)\s*[,\]}]?\s*$/,
    why: 'an ESLint rule is turned off',
    files: /^(?:\.eslintrc.*|eslint\.config\..*|package\.json|\.?oxlintrc\.json)$/,
  },
  {
    pattern: /["']?[@\w/-]+["']?\s*:\s*(?:\[\s*)?["']warn["']/,
    why: 'an ESLint rule is downgraded to a warning',
    files: /^(?:\.eslintrc.*|eslint\.config\..*|package\.json)$/,
  },
  {
    pattern:
      /"(?:strict\w*|noImplicit\w+|noUnused\w+|noUnchecked\w+|exactOptionalPropertyTypes|noFallthroughCasesInSwitch|useUnknownInCatchVariables|alwaysStrict|noPropertyAccessFromIndexSignature|checkJs)"\s*:\s*false/,
    why: 'a TypeScript strictness option is disabled',
  },
  { pattern: /"skipLibCheck"\s*:\s*true/, why: 'type checking of declaration files is skipped' },
  {
    pattern: /^\s*(?:extend-)?(?:ignore|disable|per-file-ignores|extend-per-file-ignores)\s*=/,
    why: 'lint rules are ignored',
  },
  {
    pattern:
      /^\s*(?:ignore_errors|ignore_missing_imports)\s*=\s*[Tt]rue|^\s*(?:strict|disallow_\w+|warn_\w+|check_untyped_defs)\s*=\s*[Ff]alse/,
    why: 'type checking is relaxed',
  },
  { pattern: /^\s*Enabled\s*:\s*false\b|^\s*active\s*:\s*false\b/, why: 'a lint cop/rule is disabled' },
  {
    pattern: /^\s*(?:disabled_rules|disable|exclude-rules|exclude|Exclude)\s*:/,
    why: 'lint rules or files are excluded',
  },
  { pattern: /=\s*["']allow["']|\blevel\s*=\s*["']allow["']/, why: 'a Rust lint is allowed' },
  { pattern: /"[\w/-]+"\s*:\s*null\b/, why: 'a Stylelint rule is turned off', files: /^\.stylelintrc/ },
  { pattern: /^\s*disable-all\s*:\s*true\b/, why: 'all linters are disabled' },
];

/** Keys whose list entries are exclusions, so an added list item under them relaxes lint. */
const EXCLUSION_KEY =
  /^\s*["']?[\w.-]*(?:ignore|Ignore|disable|exclude|Exclude|disabled_rules)[\w.-]*["']?\s*[:=]\s*\[?\s*$/;
/** A bare list item: `- E501`, `"E501",`, `'no-console'`. */
const LIST_ITEM = /^\s*-?\s*["']?[\w./*@:-]+["']?\s*,?\s*$/;

/** Walks up from a list item (skipping removed lines and sibling items) to the key that owns the list. */
function underExclusionKey(lines: readonly DiffLine[], index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const line = lines[i] as DiffLine;
    if (line.type === 'del' || LIST_ITEM.test(line.content)) continue;
    return EXCLUSION_KEY.test(line.content);
  }
  return false;
}

/**
 * CI, build and lint configuration relaxed by added lines; inline lint/type/coverage suppressions
 * added to source files.
 */
export function checkRelaxations(views: readonly FileView[]): GuardFinding[] {
  // Built on first use: most diffs have no candidate line at all.
  let removedPool: LinePool | undefined;
  const removedLines = () => {
    if (removedPool === undefined) {
      removedPool = new LinePool();
      for (const view of views) {
        for (const line of changedLines(view.file.hunks).removed) removedPool.add(line.content);
      }
    }
    return removedPool;
  };
  const findings: GuardFinding[] = [];

  for (const view of views) {
    const buildConfig = isBuildConfigFile(view.path);
    const lintConfig = isLintConfigFile(view.path);
    const code = isCodeFile(view.path);
    for (const hunk of view.file.hunks) {
      for (const [index, line] of hunk.lines.entries()) {
        if (line.type !== 'add') continue;
        // An added line identical to a removed one elsewhere was moved, not added.
        const moved = () => removedLines().has(line.content);

        if (buildConfig) {
          const relax = CI_RELAXATIONS.find((r) => r.pattern.test(line.content));
          if (relax && !moved()) {
            findings.push(
              finding(
                'ci-config-relaxed',
                'block',
                view,
                line,
                `CI/build configuration relaxed in ${view.path}: ${relax.why}`,
              ),
            );
            continue;
          }
        }
        if (lintConfig) {
          const relax = LINT_RELAXATIONS.find(
            (r) =>
              r.pattern.test(line.content) && (r.files === undefined || r.files.test(basename(view.path))),
          );
          if (relax && !moved()) {
            findings.push(
              finding(
                'lint-rule-disabled',
                'block',
                view,
                line,
                `Lint configuration relaxed in ${view.path}: ${relax.why}`,
              ),
            );
            continue;
          }
          if (LIST_ITEM.test(line.content) && underExclusionKey(hunk.lines, index) && !moved()) {
            findings.push(
              finding(
                'lint-rule-disabled',
                'block',
                view,
                line,
                `Lint configuration relaxed in ${view.path}: an entry was added to an ignore/exclude list`,
              ),
            );
            continue;
          }
        }
        if (code || view.lang === 'other') {
          for (const suppression of findSuppressions(blankStrings(line.content, view.lang))) {
            if (moved()) break;
            const coverage = suppression.kind === 'coverage';
            findings.push(
              finding(
                coverage ? 'coverage-exclusion-added' : 'lint-suppression-added',
                'warn',
                view,
                line,
                coverage
                  ? `Code was excluded from coverage in ${view.path}`
                  : `A lint or type-check suppression was added in ${view.path}`,
              ),
            );
            break;
          }
        }
      }
    }
  }
  return findings;
}

function finding(
  kind: GuardFinding['kind'],
  severity: GuardFinding['severity'],
  view: FileView,
  line: DiffLine,
  message: string,
): GuardFinding {
  return { kind, severity, file: view.path, line: lineNumber(line), message, evidence: evidenceOf([line]) };
}

/** A line that names a coverage threshold (jest/vitest/nyc/c8, pytest-cov/coverage.py, jacoco, codecov, simplecov). */
const COVERAGE_KEY =
  /\b(?:branches|functions|lines|statements|fail[_-]under|cov-fail-under|minimum(?:_coverage)?|minimumCoverage|coveredRatio|COVEREDRATIO|threshold|thresholds|target|check-coverage|perFile|minimum_coverage|coverage)\b/i;
const NUMBER = /(\d+(?:\.\d+)?)\s*(%)?/g;

/**
 * Coverage thresholds lowered: a removed and an added line with the same shape where a number
 * went down, or a threshold line removed without a replacement.
 */
export function checkCoverage(views: readonly FileView[]): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const view of views) {
    if (!isCoverageConfigFile(view.path)) continue;
    for (const hunk of view.file.hunks) {
      const coverageContext =
        /coverage|covered|\bcov\b|--cov|threshold|jacoco|nyc|c8|codecov|simplecov/i.test(
          [view.path, hunk.heading, ...hunk.lines.map((l) => l.content)].join('\n'),
        );
      if (!coverageContext) continue;
      for (const block of changeBlocks(hunk)) {
        const added = [...block.added];
        for (const removed of block.removed) {
          if (!COVERAGE_KEY.test(removed.content)) continue;
          const before = numbersOf(removed.content);
          if (before.length === 0) continue;
          const shape = shapeOf(removed.content);
          const index = added.findIndex((a) => shapeOf(a.content) === shape);
          if (index < 0) {
            // Lowered to nothing: the threshold line is gone.
            if (!block.added.some((a) => COVERAGE_KEY.test(a.content) && numbersOf(a.content).length > 0)) {
              findings.push({
                kind: 'coverage-threshold-lowered',
                severity: 'block',
                file: view.path,
                line: lineNumber(removed),
                message: `A coverage threshold was removed from ${view.path}`,
                evidence: evidenceOf([removed]),
              });
            }
            continue;
          }
          const [replacement] = added.splice(index, 1) as [DiffLine];
          const after = numbersOf(replacement.content);
          if (after.some((value, i) => value < (before[i] ?? value))) {
            findings.push({
              kind: 'coverage-threshold-lowered',
              severity: 'block',
              file: view.path,
              line: lineNumber(replacement),
              message: `A coverage threshold was lowered in ${view.path}`,
              evidence: evidenceOf([removed, replacement]),
            });
          }
        }
      }
    }
  }
  return findings;
}

/** Numbers of a line as fractions of 1 when they look like percentages (80, 80%, 0.8 → 0.8). */
function numbersOf(line: string): number[] {
  return [...line.matchAll(NUMBER)].map((m) => {
    const value = Number(m[1]);
    return m[2] === '%' || value > 1 ? value / 100 : value;
  });
}

function shapeOf(line: string): string {
  return line.replace(NUMBER, '#').replace(/\s+/g, ' ').trim();
}
