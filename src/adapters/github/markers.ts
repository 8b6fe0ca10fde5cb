/**
 * The hidden key marker that makes `ensureComment` and `ensureIssue` idempotent: an HTML
 * comment GitHub does not render, placed on the first line of the body the app writes.
 * Only bodies written by this app count (see `isOwnedByApp`), so a human pasting a marker
 * cannot make the app edit their comment.
 */
import { findHiddenKey, isHiddenKey, renderHiddenKey } from '../../core/markers/hidden-key.ts';
import { GitHostError } from '../../shared/errors.ts';

/** The marker line in core's hidden-key format; a bad key is a `GitHostError` before any request. */
export function renderKeyMarker(key: string): string {
  if (!isHiddenKey(key)) {
    throw new GitHostError(
      `invalid comment/issue key "${key}": use lowercase letters, digits and . _ : / - (at most 200)`,
    );
  }
  return renderHiddenKey(key);
}

export function withKeyMarker(key: string, body: string): string {
  return `${renderKeyMarker(key)}\n${body}`;
}

/** Only a marker on the first line counts: that is where the app writes it. */
export function hasKeyMarker(body: string | null | undefined, key: string): boolean {
  const firstLine = (body ?? '').split('\n', 1)[0] ?? '';
  return firstLine === renderHiddenKey(key) && findHiddenKey(firstLine) === key;
}

/** Was this comment/issue written by our app (its installation token)? */
export function isOwnedByApp(
  item: {
    user?: { login?: string; type?: string } | null;
    performed_via_github_app?: { id?: number } | null;
  },
  appId: number | undefined,
  botLogin: string | undefined,
): boolean {
  const viaApp = item.performed_via_github_app?.id;
  if (appId !== undefined && viaApp === appId) return true;
  if (botLogin !== undefined) return item.user?.login === botLogin;
  // No identity configured: an app-written item is the best we can tell (humans cannot forge it).
  return appId === undefined && viaApp !== undefined;
}
