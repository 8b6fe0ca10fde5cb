/**
 * Whether a commit on a fleetwright branch is provably the app's own, so the app may discard it
 * (regenerating on a moved base) or adopt it (a push whose marker was never saved). Discarding a
 * person's commit is the worst thing the app can do, so the test errs towards "foreign": a
 * commit only counts as the app's when GitHub itself vouches for both halves of the claim.
 *
 * - `authorLogin` is the account GitHub attributes the commit to. It is derived from the author
 *   e-mail, which anyone can set in `git commit --author`: on its own it proves nothing.
 * - `verified` is GitHub's signature verification. Commits the app creates through the API
 *   (`createCommitOnBranch`, Git Data without a custom author) are signed by GitHub; a person's
 *   `git push` with a forged author is unsigned, and a signature by a person's key does not
 *   verify for the bot's e-mail.
 *
 * Both together cannot be produced without the app's installation token. A commit-message
 * trailer (free text) proves nothing and is not read. The SHAs the PR marker records as pushed
 * are a fallback the reset also accepts (run-effects.ts), not a replacement: the list is bounded,
 * so an old commit of the app drops out of it. A commit whose verification is unknown
 * (`verified` absent) is foreign: the target pauses and a person decides, which is
 * recoverable; a discarded commit is not.
 */
export function isAppCommit(
  commit: { authorLogin: string | null; verified?: boolean },
  botLogin: string,
): boolean {
  return (
    commit.verified === true &&
    commit.authorLogin !== null &&
    commit.authorLogin.toLowerCase() === botLogin.toLowerCase()
  );
}

/**
 * Who a foreign commit is by, for the pause comment and the dashboard: its author, flagged when
 * it claims to be the app without GitHub's signature (a forged or re-written commit).
 */
export function describeCommitAuthor(
  commit: { authorLogin: string | null; verified?: boolean },
  botLogin: string,
): string | undefined {
  if (commit.authorLogin === null) return undefined;
  if (commit.authorLogin.toLowerCase() === botLogin.toLowerCase() && commit.verified !== true)
    return `${commit.authorLogin} (unsigned, so not the app's)`;
  return commit.authorLogin;
}
