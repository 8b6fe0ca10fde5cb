/**
 * The PR state marker: `<!-- fleetwright:state v1 {json} -->` in the PR body holds the target
 * (shared/DESIGN.md §3.1: GitHub is the database). Rendered and parsed only here.
 *
 * Safety: the JSON is escaped so that it can never close the HTML comment early (`--` and `>` are
 * written as `\u002d`/`\u003e`, which JSON.parse reads back unchanged). A marker that is damaged
 * (bad JSON, failing validation, duplicated) or foreign (another version) parses to a typed
 * failure; callers must then leave the PR alone rather than overwrite what they cannot read.
 */
import { Target } from '../target/target.ts';
import { escapeJsonForComment } from './comment-json.ts';

const MARKER_START = '<!-- fleetwright:state ';
const MARKER = /<!-- fleetwright:state (\S+) ([\s\S]*?) -->/g;
export const MARKER_VERSION = 'v1';

/** The result of reading a PR body. */
export type ParsedStateMarker =
  | { status: 'ok'; target: Target }
  /** No marker at all: a PR the app did not write (or whose marker a human deleted). */
  | { status: 'missing' }
  /** A marker of another version: written by a newer (or much older) fleetwright. */
  | { status: 'foreign'; version: string }
  /** Unreadable: JSON, validation or duplicate markers. `error` says which. */
  | { status: 'damaged'; error: string };

/** `<!-- fleetwright:state v1 {...} -->` for `target` (validated first: a bug must not write junk). */
export function renderStateMarker(target: Target): string {
  const valid = Target.parse(target);
  return `${MARKER_START}${MARKER_VERSION} ${escapeJsonForComment(JSON.stringify(valid))} -->`;
}

/** Reads the marker in a PR body. Never throws. */
export function parseStateMarker(body: string | null | undefined): ParsedStateMarker {
  if (!body || !body.includes(MARKER_START)) return { status: 'missing' };
  const matches = [...body.matchAll(MARKER)];
  if (matches.length === 0) return { status: 'damaged', error: 'unterminated marker' };
  if (matches.length > 1) return { status: 'damaged', error: `${matches.length} markers in one body` };
  const [, version = '', json = ''] = matches[0] ?? [];
  if (version !== MARKER_VERSION) return { status: 'foreign', version };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return { status: 'damaged', error: `invalid JSON: ${(error as Error).message}` };
  }
  const result = Target.safeParse(data);
  if (!result.success) {
    const first = result.error.issues[0];
    return {
      status: 'damaged',
      error: `invalid state: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim(),
    };
  }
  return { status: 'ok', target: result.data };
}

/**
 * The body with its marker replaced by one for `target`. Returns `undefined` when the body has no
 * readable v1 marker: the caller must not write (fail safe, never clobber a foreign marker).
 */
export function replaceStateMarker(body: string, target: Target): string | undefined {
  if (parseStateMarker(body).status !== 'ok') return undefined;
  const marker = renderStateMarker(target);
  return body.replace(MARKER, () => marker);
}
