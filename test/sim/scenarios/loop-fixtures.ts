/**
 * What the CI-loop scenarios share: the migration manifest, a coder whose attempts are written
 * into the repository (`// migrated <repo> attempt <n>`), and a scripted CI that reads them back
 * and reports the way the companion Action does (a workflow plus the `fleetwright/report` check).
 */
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import { ScriptedCoder } from '../../fakes/scripted-coder.ts';
import type { CiContext, CiPlan } from '../index.ts';

export const MIGRATION_ID = 'use-fetch';
export const MIGRATION_BRANCH = `fleetwright/${MIGRATION_ID}`;

export function buildLoopManifest(options: { maxIterations: number; ciTimeoutMinutes: number }): string {
  return `version: 1
id: ${MIGRATION_ID}
title: Replace request with fetch
description: The request package is deprecated; use the built-in fetch.
prompt: Replace every use of the request package with fetch.
targets:
  patterns: ["*"]
  exclude: ["fleetwright-config"]
rollout:
  maxOpenPrs: 100
  prsPerHour: 100
  maxConcurrentCoders: 3
budget:
  maxIterations: ${options.maxIterations}
  ciTimeoutMinutes: ${options.ciTimeoutMinutes}
`;
}

/** The scripted coder: each run rewrites `src/http.ts` with its attempt number for the repo. */
export function buildAttemptCoder(onCall?: (repo: string, call: number) => void): ScriptedCoder {
  return new ScriptedCoder((task, call) => {
    onCall?.(task.repo, call);
    return {
      outcome: 'changed',
      files: { 'src/http.ts': `// migrated ${task.repo} attempt ${call}\nexport const get = fetch;\n` },
    };
  });
}

/** The attempt number the scripted coder wrote into `src/http.ts` (0 on the untouched default branch). */
export function attemptOf(ctx: CiContext): number {
  return Number(/attempt (\d+)/.exec(ctx.readFile('src/http.ts') ?? '')?.[1] ?? 0);
}

/** A FailureReport as the companion Action publishes it. */
export function buildReport(conclusion: 'success' | 'failure', message: string): FailureReport {
  return {
    schemaVersion: 1,
    conclusion,
    tools: ['tsc'],
    command: 'npm test',
    exitCode: conclusion === 'success' ? 0 : 2,
    findings:
      conclusion === 'success'
        ? []
        : [
            {
              kind: 'type-error',
              tool: 'tsc',
              file: 'src/http.ts',
              line: 1,
              column: 1,
              code: 'TS2322',
              severity: 'error',
              message,
              occurrences: 1,
            },
          ],
    dropped: [],
    truncated: false,
    testCounts: { passed: 10, failed: conclusion === 'success' ? 0 : 1, skipped: 0 },
  };
}

/**
 * CI with the companion Action: passes once the coder's attempt reaches `ci/required` (from the
 * repository; 1 = first try), the default branch (attempt 0) always passes. `hold` keeps the run
 * in progress until `sim.ci.complete` (a slow CI the scenario finishes when it wants).
 */
export function actionCi(ctx: CiContext, options: { hold?: boolean } = {}): CiPlan {
  const required = Number(ctx.readFile('ci/required') ?? '1');
  const attempt = attemptOf(ctx);
  const pass = attempt === 0 || attempt >= required;
  const message = `src/http.ts(1,1): error TS2322: attempt ${attempt} needs ${required}`;
  const conclusion = pass ? 'success' : 'failure';
  return {
    workflows: [{ name: 'CI', jobs: [{ name: 'build', conclusion, log: pass ? 'ok\n' : `${message}\n` }] }],
    report: buildReport(conclusion, message),
    ...(options.hold ? { hold: true as const } : {}),
  };
}
