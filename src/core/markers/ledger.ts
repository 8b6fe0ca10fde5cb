/**
 * The migration ledger: outcomes of targets that never got a PR (baseline red, no CI, not
 * applicable, exhausted before the first push), kept as a hidden marker in the migration's
 * dashboard issue in the config repo. PR markers cannot hold them (there is no PR), and without
 * them a restarted server would re-run the coder on repositories it already found
 * not applicable, and would forget what those runs cost. Rendered and parsed only here.
 *
 * The dashboard's visible body (issue 8) may change freely; the marker line must be kept.
 */
import { z } from 'zod';
import type { Target } from '../target/target.ts';
import { Failure, TargetReason } from '../target/target.ts';
import { buildTarget } from '../target/target.ts';
import { escapeJsonForComment } from './comment-json.ts';

export const LedgerEntry = z.object({
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  state: z.enum(['skipped', 'not-applicable', 'exhausted']),
  reason: TargetReason.optional(),
  detail: z.string().max(200).optional(),
  revision: z.string().min(1).max(80),
  failure: Failure.optional(),
  iteration: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  at: z.string(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

const Ledger = z.object({ migrationId: z.string().min(1), entries: z.array(LedgerEntry) });

const LEDGER = /<!-- fleetwright:ledger (\S+) ([\s\S]*?) -->/g;

export type ParsedLedger =
  { status: 'ok'; entries: LedgerEntry[] } | { status: 'missing' } | { status: 'damaged'; error: string };

/** True for targets whose outcome only the ledger can remember. */
export function belongsInLedger(target: Target): boolean {
  if (target.prNumber !== undefined || target.lastPushedSha !== undefined) return false;
  if (target.state === 'skipped') return target.failure?.class !== 'ineligible';
  return target.state === 'not-applicable' || target.state === 'exhausted';
}

/** The ledger entry of a target (see `belongsInLedger`). */
export function buildLedgerEntry(target: Target): LedgerEntry {
  return {
    repo: target.repo,
    state: target.state as LedgerEntry['state'],
    ...(target.reason ? { reason: target.reason } : {}),
    ...(target.detail ? { detail: target.detail.slice(0, 200) } : {}),
    revision: target.manifestRevision,
    ...(target.failure ? { failure: target.failure } : {}),
    iteration: target.iteration,
    costUsd: target.usage.costUsd,
    at: target.stateSince,
  };
}

/** The target an entry stands for, as the view needs it after a restart. */
export function targetFromLedgerEntry(migrationId: string, entry: LedgerEntry): Target {
  const base = buildTarget({
    migrationId,
    manifestRevision: entry.revision,
    repo: entry.repo,
    now: new Date(entry.at),
  });
  return {
    ...base,
    state: entry.state,
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(entry.detail ? { detail: entry.detail } : {}),
    ...(entry.failure ? { failure: entry.failure } : {}),
    iteration: entry.iteration,
    usage: { ...base.usage, costUsd: entry.costUsd },
  };
}

/** `<!-- fleetwright:ledger v1 {...} -->`, entries sorted by repository. */
export function renderLedger(migrationId: string, entries: readonly LedgerEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.repo.localeCompare(b.repo));
  const valid = Ledger.parse({ migrationId, entries: sorted });
  return `<!-- fleetwright:ledger v1 ${escapeJsonForComment(JSON.stringify(valid))} -->`;
}

/** Reads the ledger of `migrationId` from an issue body; never throws. */
export function parseLedger(body: string | null | undefined, migrationId: string): ParsedLedger {
  const matches = body ? [...body.matchAll(LEDGER)] : [];
  if (matches.length === 0) return { status: 'missing' };
  if (matches.length > 1) return { status: 'damaged', error: 'more than one ledger' };
  const [, version, json = ''] = matches[0] ?? [];
  if (version !== 'v1') return { status: 'damaged', error: `unknown ledger version ${version ?? ''}` };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return { status: 'damaged', error: `invalid JSON: ${(error as Error).message}` };
  }
  const parsed = Ledger.safeParse(data);
  if (!parsed.success) return { status: 'damaged', error: 'invalid ledger' };
  if (parsed.data.migrationId !== migrationId)
    return { status: 'damaged', error: 'ledger of another migration' };
  return { status: 'ok', entries: parsed.data.entries };
}

/**
 * A minimal dashboard body around the ledger: counts per state. Issue 8 replaces the visible
 * part with the full dashboard and keeps the ledger line.
 */
export function renderLedgerIssueBody(input: {
  migrationId: string;
  title: string;
  targets: readonly Target[];
}): string {
  const counts = new Map<string, number>();
  for (const target of input.targets) counts.set(target.state, (counts.get(target.state) ?? 0) + 1);
  const lines = [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, count]) => `| ${state} | ${count} |`);
  const entries = input.targets.filter(belongsInLedger).map(buildLedgerEntry);
  return [
    `## ${input.title}`,
    '',
    `Migration \`${input.migrationId}\`: ${input.targets.length} targeted repositories.`,
    '',
    '| state | repositories |',
    '| --- | --- |',
    ...lines,
    '',
    renderLedger(input.migrationId, entries),
  ].join('\n');
}
