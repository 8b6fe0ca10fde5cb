/**
 * Hidden keys identify the app's own comments and issues (`ensureComment`, `ensureIssue`), so a
 * redelivered webhook edits the comment it posted instead of posting a second one. The key is an
 * HTML comment on the first line: invisible in GitHub's rendering, stable across edits. The
 * GitHub adapter, the simulator and the fake all embed and find keys through this module.
 */

const KEY = /^[a-z0-9][a-z0-9:._/-]{0,199}$/;
const KEY_LINE = /<!-- fleetwright:key ([a-z0-9][a-z0-9:._/-]{0,199}) -->/;

/** True when `key` may be embedded (lowercase, digits and `:._/-`, at most 200 characters). */
export function isHiddenKey(key: string): boolean {
  return KEY.test(key);
}

/** `<!-- fleetwright:key <key> -->`; throws on an invalid key (keys are built by this module's helpers). */
export function renderHiddenKey(key: string): string {
  if (!isHiddenKey(key)) throw new Error(`Invalid hidden key: ${JSON.stringify(key)}`);
  return `<!-- fleetwright:key ${key} -->`;
}

/** The body with its key line first: the form `ensureComment`/`ensureIssue` write. */
export function withHiddenKey(key: string, body: string): string {
  return `${renderHiddenKey(key)}\n${body}`;
}

/** The key embedded in a body, or `undefined` for bodies the app did not write. */
export function findHiddenKey(body: string | null | undefined): string | undefined {
  return body ? KEY_LINE.exec(body)?.[1] : undefined;
}

/** Comment kinds on a migration PR; one comment per kind, edited in place. */
export type CommentKind = 'ci-green' | 'exhausted' | 'stalled' | 'paused' | 'error' | 'judge' | 'status';

/** The key of the PR comment of `kind` for `migrationId`. */
export function buildCommentKey(migrationId: string, kind: CommentKind): string {
  return `fleetwright:comment:${migrationId}:${kind}`;
}

/** The key of a migration's dashboard issue in the config repo. */
export function buildDashboardKey(migrationId: string): string {
  return `fleetwright:dashboard:${migrationId}`;
}
