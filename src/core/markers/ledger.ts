/**
 * The migration ledger: outcomes of targets that never got a PR (baseline red, no CI, not
 * applicable, exhausted before the first push), kept as a hidden marker in the migration's
 * dashboard issue in the config repo. PR markers cannot hold them (there is no PR), and without
 * them a restarted server would re-run the coder on repositories it already found
 * not applicable, and would forget what those runs cost. Rendered and parsed only here.
 *
 * The dashboard's visible body (issue 8) may change freely; the marker line must be kept.
 *
 * Two encodings, both parsed by `parseLedger`:
 * - `v1` (`full`): readable JSON, about 260 characters per entry;
 * - `v2` (`compact`): the same entries as columns (outcomes shared by many repositories are
 *   stored once), deflated and base64-encoded, about 15–25 characters per entry. Lossless.
 * `fitLedger` picks the first that fits the room the dashboard leaves, and beyond that keeps the
 * entries that are most expensive to learn again, and says how many it had to leave out.
 */
import { z } from 'zod';
import { compressText, decompressText } from '../../shared/compress-text.ts';
import type { Target } from '../target/target.ts';
import { Failure, TargetReason } from '../target/target.ts';
import { buildTarget } from '../target/target.ts';
import { escapeJsonForComment } from './comment-json.ts';

const Count = z.number().int().nonnegative();
const Tokens = z.tuple([Count, Count, Count, Count]);

export const LedgerEntry = z.object({
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  state: z.enum(['skipped', 'not-applicable', 'exhausted']),
  reason: TargetReason.optional(),
  detail: z.string().max(200).optional(),
  revision: z.string().min(1).max(80),
  failure: Failure.optional(),
  iteration: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  /** Tokens spent: input, output, cache write, cache read (absent when none), for the dashboard's totals. */
  tokens: Tokens.optional(),
  at: z.string(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

const Ledger = z.object({ migrationId: z.string().min(1), entries: z.array(LedgerEntry) });

const ROW = [
  z.string(),
  Count,
  Count,
  z.number().nonnegative(),
  z.union([z.number().int(), z.string()]),
] as const;

/** The v2 payload: outcome groups once, then one short row per repository. */
const CompactLedger = z.object({
  /** Migration id. */
  m: z.string().min(1),
  /** Base time (ms since the epoch) the rows' times are offsets from. */
  t: z.number().int(),
  /** Outcomes: state, reason, revision, failure, detail. */
  g: z.array(
    z.object({
      s: LedgerEntry.shape.state,
      r: TargetReason.optional(),
      v: LedgerEntry.shape.revision,
      f: Failure.optional(),
      d: LedgerEntry.shape.detail,
    }),
  ),
  /** Rows: repository, outcome index, iteration, cost in USD, time (offset in ms, or ISO text), tokens when any. */
  e: z.array(z.union([z.tuple([...ROW]), z.tuple([...ROW, Tokens])])),
});
type CompactLedger = z.infer<typeof CompactLedger>;

const LEDGER = /<!-- fleetwright:ledger (\S+) ([\s\S]*?) -->/g;
/** Inflating more than this is refused: a ledger of 100,000 repositories is a few MB. */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

/** `full`: v1, readable JSON; `compact`: v2, deflated columns (see the module comment). */
export type LedgerEncoding = 'full' | 'compact';

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
  const usage = target.usage;
  const tokens: [number, number, number, number] = [
    usage.inputTokens,
    usage.outputTokens,
    usage.cacheWriteTokens,
    usage.cacheReadTokens,
  ];
  return {
    repo: target.repo,
    state: target.state as LedgerEntry['state'],
    ...(target.reason ? { reason: target.reason } : {}),
    ...(target.detail ? { detail: target.detail.slice(0, 200) } : {}),
    revision: target.manifestRevision,
    ...(target.failure ? { failure: target.failure } : {}),
    iteration: target.iteration,
    costUsd: target.usage.costUsd,
    ...(tokens.some((count) => count > 0) ? { tokens } : {}),
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
    usage: {
      ...base.usage,
      ...(entry.tokens
        ? {
            inputTokens: entry.tokens[0],
            outputTokens: entry.tokens[1],
            cacheWriteTokens: entry.tokens[2],
            cacheReadTokens: entry.tokens[3],
          }
        : {}),
      costUsd: entry.costUsd,
    },
  };
}

/**
 * `<!-- fleetwright:ledger v1 {...} -->` (`full`) or `<!-- fleetwright:ledger v2 <base64> -->`
 * (`compact`), entries sorted by repository (code-unit order: the same entries always give the
 * same text, so an unchanged dashboard costs no edit).
 */
export function renderLedger(
  migrationId: string,
  entries: readonly LedgerEntry[],
  options: { encoding?: LedgerEncoding } = {},
): string {
  const valid = Ledger.parse({ migrationId, entries: sortByRepo(entries) });
  if (options.encoding === 'compact') {
    return `<!-- fleetwright:ledger v2 ${compressText(JSON.stringify(toCompact(valid.migrationId, valid.entries)))} -->`;
  }
  return `<!-- fleetwright:ledger v1 ${escapeJsonForComment(JSON.stringify(valid))} -->`;
}

/** `fitLedger`'s result. */
export interface FittedLedger {
  /** The marker; `''` only when not even an empty ledger fits. */
  text: string;
  encoding: LedgerEncoding;
  /** Entries the marker holds. */
  kept: number;
  /** Entries left out because even the compact form of all of them did not fit (sorted by repository). */
  dropped: LedgerEntry[];
}

/**
 * The ledger in at most `maxLength` characters: `full` when it fits, else `compact`, else the
 * compact form of as many entries as fit. Entries whose outcome cost a coder run (not applicable,
 * exhausted) are kept before skips (a skip is re-checked from CI alone, without the coder), then
 * by repository. Dropped entries are not lost work: after a restart those repositories are
 * planned again. The caller must say so where people can see it.
 */
export function fitLedger(
  migrationId: string,
  entries: readonly LedgerEntry[],
  maxLength: number,
): FittedLedger {
  const full = renderLedger(migrationId, entries);
  if (full.length <= maxLength) return { text: full, encoding: 'full', kept: entries.length, dropped: [] };
  const compact = renderLedger(migrationId, entries, { encoding: 'compact' });
  if (compact.length <= maxLength) {
    return { text: compact, encoding: 'compact', kept: entries.length, dropped: [] };
  }
  const ranked = [...entries].sort(
    (a, b) => keepRank(a) - keepRank(b) || b.costUsd - a.costUsd || compareRepo(a.repo, b.repo),
  );
  // The largest prefix of the ranking that fits (the length grows with the prefix).
  let low = 0;
  let high = ranked.length - 1;
  let best = renderLedger(migrationId, [], { encoding: 'compact' });
  if (best.length > maxLength) {
    return { text: '', encoding: 'compact', kept: 0, dropped: sortByRepo(entries) };
  }
  let kept = 0;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const text = renderLedger(migrationId, ranked.slice(0, middle + 1), { encoding: 'compact' });
    if (text.length <= maxLength) {
      best = text;
      kept = middle + 1;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return { text: best, encoding: 'compact', kept, dropped: sortByRepo(ranked.slice(kept)) };
}

function keepRank(entry: LedgerEntry): number {
  return entry.state === 'skipped' ? 1 : 0;
}

function sortByRepo(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return [...entries].sort((a, b) => compareRepo(a.repo, b.repo));
}

function compareRepo(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toCompact(migrationId: string, entries: readonly LedgerEntry[]): CompactLedger {
  const times = entries.map((entry) => Date.parse(entry.at)).filter((time) => !Number.isNaN(time));
  // A loop, not Math.min(...times): spreading ≈ 200,000 arguments overflows the stack.
  const base = times.length > 0 ? times.reduce((low, time) => Math.min(low, time)) : 0;
  const groups: CompactLedger['g'] = [];
  const index = new Map<string, number>();
  const rows: CompactLedger['e'] = entries.map((entry) => {
    const group = {
      s: entry.state,
      ...(entry.reason ? { r: entry.reason } : {}),
      v: entry.revision,
      ...(entry.failure ? { f: entry.failure } : {}),
      ...(entry.detail !== undefined ? { d: entry.detail } : {}),
    };
    const key = JSON.stringify(group);
    let at = index.get(key);
    if (at === undefined) {
      at = groups.length;
      groups.push(group);
      index.set(key, at);
    }
    const time = Date.parse(entry.at);
    // Offsets only where they read back to the very same text; anything else is kept verbatim.
    const when = !Number.isNaN(time) && new Date(time).toISOString() === entry.at ? time - base : entry.at;
    const row: CompactLedger['e'][number] = [entry.repo, at, entry.iteration, entry.costUsd, when];
    return entry.tokens ? [...row, entry.tokens] : row;
  });
  return { m: migrationId, t: base, g: groups, e: rows };
}

function fromCompact(data: CompactLedger): { migrationId: string; entries: unknown[] } | undefined {
  const entries: unknown[] = [];
  for (const [repo, groupIndex, iteration, costUsd, when, tokens] of data.e) {
    const group = data.g[groupIndex];
    if (!group) return undefined;
    entries.push({
      repo,
      state: group.s,
      ...(group.r ? { reason: group.r } : {}),
      ...(group.d !== undefined ? { detail: group.d } : {}),
      revision: group.v,
      ...(group.f ? { failure: group.f } : {}),
      iteration,
      costUsd,
      ...(tokens ? { tokens } : {}),
      at: typeof when === 'number' ? new Date(data.t + when).toISOString() : when,
    });
  }
  return { migrationId: data.m, entries };
}

/** Reads the ledger of `migrationId` from an issue body; never throws. */
export function parseLedger(body: string | null | undefined, migrationId: string): ParsedLedger {
  const matches = body ? [...body.matchAll(LEDGER)] : [];
  if (matches.length === 0) return { status: 'missing' };
  if (matches.length > 1) return { status: 'damaged', error: 'more than one ledger' };
  const [, version, payload = ''] = matches[0] ?? [];
  if (version !== 'v1' && version !== 'v2') {
    return { status: 'damaged', error: `unknown ledger version ${version ?? ''}` };
  }
  const json = version === 'v2' ? decompressText(payload, MAX_INFLATED_BYTES) : payload;
  if (json === undefined) return { status: 'damaged', error: 'invalid compressed ledger' };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return { status: 'damaged', error: `invalid JSON: ${(error as Error).message}` };
  }
  if (version === 'v2') {
    const compact = CompactLedger.safeParse(data);
    const expanded = compact.success ? fromCompact(compact.data) : undefined;
    if (!expanded) return { status: 'damaged', error: 'invalid compact ledger' };
    data = expanded;
  }
  const parsed = Ledger.safeParse(data);
  if (!parsed.success) return { status: 'damaged', error: 'invalid ledger' };
  if (parsed.data.migrationId !== migrationId)
    return { status: 'damaged', error: 'ledger of another migration' };
  return { status: 'ok', entries: parsed.data.entries };
}
