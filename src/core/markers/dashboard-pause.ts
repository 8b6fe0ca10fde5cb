/**
 * The dashboard pause (`/migrate pause` on the migration's dashboard issue): who paused and when,
 * kept as a hidden marker in the dashboard issue body, next to the ledger. GitHub is the
 * database: a restarted server reads it back with the ledger, so a pause survives restarts, and
 * the visible dashboard says "Paused by @x at …". Rendered and parsed only here.
 *
 * The effective pause of a migration is the manifest's `rollout.paused` OR this marker
 * (src/workflows/fleet-view.ts `policyFor`).
 */
import { z } from 'zod';
import { escapeJsonForComment } from './comment-json.ts';

/** Who paused the migration from the dashboard, and when (ISO time). */
export const DashboardPause = z.object({
  by: z.string().regex(/^[A-Za-z0-9-]{1,39}(\[bot\])?$/),
  at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a time'),
});
export type DashboardPause = z.infer<typeof DashboardPause>;

const PAUSE = /<!-- fleetwright:pause (\S+) ([\s\S]*?) -->/g;

/** `<!-- fleetwright:pause v1 {"by":…,"at":…} -->`; throws on an invalid login or time. */
export function renderPauseMarker(pause: DashboardPause): string {
  const valid = DashboardPause.parse(pause);
  return `<!-- fleetwright:pause v1 ${escapeJsonForComment(JSON.stringify({ by: valid.by, at: valid.at }))} -->`;
}

/** The result of `parsePauseMarker`: paused, not paused, or a marker that cannot be read. */
export type ParsedPause =
  { status: 'paused'; pause: DashboardPause } | { status: 'running' } | { status: 'damaged'; error: string };

/**
 * Reads the pause marker from a dashboard body; never throws. Two markers, or one that does not
 * parse, are `damaged`: the caller treats that as paused (fail closed: a pause someone asked for
 * must not be lost to a stray edit), and the next dashboard write repairs it.
 */
export function parsePauseMarker(body: string | null | undefined): ParsedPause {
  const matches = body ? [...body.matchAll(PAUSE)] : [];
  if (matches.length === 0) return { status: 'running' };
  if (matches.length > 1) return { status: 'damaged', error: 'more than one pause marker' };
  const [, version, json = ''] = matches[0] ?? [];
  if (version !== 'v1') return { status: 'damaged', error: `unknown pause marker version ${version ?? ''}` };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return { status: 'damaged', error: `invalid JSON: ${(error as Error).message}` };
  }
  const parsed = DashboardPause.safeParse(data);
  return parsed.success
    ? { status: 'paused', pause: parsed.data }
    : { status: 'damaged', error: 'invalid pause marker' };
}
