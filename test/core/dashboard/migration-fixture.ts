/**
 * A realistic, deterministic 200-target migration for dashboard tests: targets in every state,
 * CI failures condensed from real-looking tsc output by the real condensers (`condenseText` →
 * `failureFromCi`), so grouping is tested on the signatures production would record.
 */
import { condenseText } from '../../../src/condense/condense.ts';
import type { DashboardMigration } from '../../../src/core/dashboard/render-dashboard.ts';
import { failureFromCi } from '../../../src/core/target/step.ts';
import { normalizeSignature } from '../../../src/core/target/normalize-signature.ts';
import type { Failure, Target, TargetReason, TargetState } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';

export const NOW = new Date('2026-11-21T12:00:00.000Z');
export const START = new Date('2026-11-10T08:00:00.000Z');
const HOUR = 3_600_000;

export const MIGRATION: DashboardMigration = {
  id: 'use-fetch',
  title: 'Replace `request` with native fetch',
  revision: 'm-00c0ffee00c0ffee',
  dryRun: false,
  policy: { enabled: true, paused: false, maxIterations: 5, maxCostPerRepoUsd: 5, maxTotalUsd: 500 },
};

/** A small deterministic PRNG (LCG), so the fixture is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const SERVICES = ['api', 'web', 'billing', 'search', 'auth', 'mailer', 'cli', 'docs', 'worker', 'gateway'];

/** A tsc error as CI prints it, for a repo-specific path and position. */
export function tscFailure(path: string, line: number, code: string, message: string): Failure {
  const report = condenseText(`${path}(${line},${(line % 17) + 1}): error ${code}: ${message}\n`, {
    exitCode: 2,
  });
  return failureFromCi(report, ['build']);
}

/** The same TS2345 error as ten repositories report it: different files, lines and type names. */
export function ts2345(index: number): Failure {
  const types = ['RequestInit', 'Headers', 'URLSearchParams', 'BodyInit', 'RequestInfo'];
  return tscFailure(
    `src/${SERVICES[index % SERVICES.length]}/http-client.ts`,
    10 + index * 7,
    'TS2345',
    `Argument of type 'string' is not assignable to parameter of type '${types[index % types.length]}'.`,
  );
}

interface Plan {
  state: TargetState;
  count: number;
  reason?: TargetReason;
  failure?: (index: number) => Failure;
  detail?: (index: number) => string;
}

const PLANS: Plan[] = [
  { state: 'merged', count: 60 },
  { state: 'ready', count: 20 },
  { state: 'owner-review', count: 10 },
  { state: 'awaiting-ci', count: 15 },
  { state: 'repairing', count: 5 },
  { state: 'judging', count: 3 },
  { state: 'drafting', count: 2 },
  { state: 'queued', count: 30 },
  {
    state: 'skipped',
    count: 8,
    reason: 'baseline-red',
    failure: () => ({
      class: 'baseline-ci',
      signature: normalizeSignature({ message: 'failing checks: build' }),
      example: 'build',
    }),
  },
  {
    state: 'skipped',
    count: 4,
    reason: 'baseline-red',
    failure: () => ({
      class: 'baseline-ci',
      signature: normalizeSignature({ message: 'failing checks: lint, test' }),
      example: 'lint, test',
    }),
  },
  {
    state: 'skipped',
    count: 5,
    reason: 'no-ci',
    failure: () => ({ class: 'no-ci', signature: 'no CI on the default branch' }),
  },
  {
    state: 'skipped',
    count: 3,
    reason: 'archived',
    failure: () => ({ class: 'ineligible', signature: 'archived' }),
  },
  {
    state: 'not-applicable',
    count: 7,
    reason: 'nothing-to-change',
    failure: () => ({
      class: 'not-applicable',
      signature: 'no use of request found',
      example: 'No use of `request` found.',
    }),
  },
  {
    state: 'not-applicable',
    count: 3,
    reason: 'nothing-to-change',
    failure: () => ({
      class: 'not-applicable',
      signature: 'already uses fetch',
      example: 'The code already uses fetch.',
    }),
  },
  { state: 'exhausted', count: 10, reason: 'iteration-budget', failure: ts2345 },
  {
    state: 'exhausted',
    count: 2,
    reason: 'cost-budget',
    failure: (index) =>
      tscFailure(
        `lib/legacy/${index}/index.ts`,
        3 + index,
        'TS2307',
        "Cannot find module 'request' or its corresponding type declarations.",
      ),
  },
  {
    state: 'stalled',
    count: 4,
    reason: 'ci-timeout',
    failure: () => ({
      class: 'ci-timeout',
      signature: normalizeSignature({ message: 'CI pending for more than 120 minutes' }),
    }),
  },
  {
    state: 'error',
    count: 3,
    reason: 'github-error',
    failure: () => ({
      class: 'github',
      signature: normalizeSignature({ message: 'GitHub answered 502 for push-commit' }),
      example: 'GitHub answered 502 for push-commit',
    }),
  },
  {
    state: 'paused',
    count: 3,
    reason: 'human-commit',
    failure: () => ({ class: 'human', signature: 'a person pushed to the branch' }),
    detail: (index) => `commit ${(0xabc0000 + index).toString(16)} by maintainer${index}`,
  },
  {
    state: 'closed',
    count: 3,
    reason: 'pr-closed',
    failure: () => ({ class: 'human', signature: 'PR closed without merge' }),
  },
];

const NO_PR: ReadonlySet<TargetState> = new Set(['queued', 'drafting', 'skipped', 'not-applicable']);

/** The 200 targets, in a scrambled order (the renderer must sort). */
export function buildMigrationTargets(): Target[] {
  const next = random(42);
  const targets: Target[] = [];
  let serial = 0;
  for (const plan of PLANS) {
    for (let index = 0; index < plan.count; index += 1) {
      serial += 1;
      const service = SERVICES[serial % SERVICES.length] ?? 'svc';
      const repo = `acme/${service}-${String(serial).padStart(3, '0')}`;
      const created = new Date(START.getTime() + Math.floor(next() * 48) * HOUR);
      const opened = new Date(created.getTime() + Math.floor(1 + next() * 48) * HOUR);
      const since = new Date(
        Math.min(NOW.getTime() - HOUR, opened.getTime() + Math.floor(next() * 150) * HOUR),
      );
      const iteration =
        plan.state === 'queued' ? 0 : plan.reason === 'iteration-budget' ? 5 : 1 + Math.floor(next() * 3);
      const cost =
        plan.state === 'queued' || plan.state === 'skipped'
          ? 0
          : Math.min(4.99, Math.round(iteration * (0.2 + next()) * 100) / 100);
      const base = buildTarget({
        migrationId: MIGRATION.id,
        manifestRevision: serial % 9 === 0 ? 'm-0000000000000001' : MIGRATION.revision,
        repo,
        now: created,
      });
      const hasPr = !NO_PR.has(plan.state);
      targets.push({
        ...base,
        state: plan.state,
        ...(plan.reason ? { reason: plan.reason } : {}),
        ...(plan.failure ? { failure: plan.failure(index) } : {}),
        ...(plan.detail ? { detail: plan.detail(index) } : {}),
        iteration,
        usage: {
          inputTokens: iteration * 12_000,
          outputTokens: iteration * 3_100,
          cacheWriteTokens: iteration > 0 ? 9_800 : 0,
          cacheReadTokens: Math.max(0, iteration - 1) * 9_800,
          costUsd: cost,
        },
        ...(hasPr
          ? {
              prNumber: 100 + serial,
              prOpenedAt: opened.toISOString(),
              lastPushedSha: `${serial.toString(16).padStart(7, '0')}a`,
            }
          : {}),
        stateSince: (plan.state === 'queued' ? created : since).toISOString(),
        updatedAt: (plan.state === 'queued' ? created : since).toISOString(),
      });
    }
  }
  // Deterministic shuffle.
  for (let index = targets.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [targets[index], targets[other]] = [targets[other] as Target, targets[index] as Target];
  }
  return targets;
}

const TEAMS = [
  'payments',
  'identity',
  'search',
  'growth',
  'platform',
  'mobile',
  'data',
  'infra',
  'ml',
  'support',
];
const NOUNS = [
  'api',
  'web',
  'worker',
  'gateway',
  'scheduler',
  'ledger',
  'catalog',
  'notifier',
  'importer',
  'sdk',
];
const KINDS = ['service', 'frontend', 'lib', 'cli', 'jobs', 'proxy', 'adapter', 'tools', 'bff', 'etl'];

/** A deterministic, varied repository name (not a counter that compresses to nothing). */
export function buildRepoName(index: number): string {
  let state = (index * 2_654_435_761) >>> 0;
  const pick = <T>(items: readonly T[]): T => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return items[state % items.length] as T;
  };
  return `acme/${pick(TEAMS)}-${pick(NOUNS)}-${pick(KINDS)}-${(state >>> 8).toString(36).slice(0, 3)}${index.toString(36)}`;
}

/**
 * `count` targets in the proportions of `base` (default: the 200-target fixture's states,
 * failures and costs), each on its own varied repository name: the dashboard at fleet scale.
 */
export function buildScaledTargets(
  count: number,
  base: readonly Target[] = buildMigrationTargets(),
): Target[] {
  return Array.from({ length: count }, (_, index) => ({
    ...(base[index % base.length] as Target),
    repo: buildRepoName(index),
  }));
}
