/**
 * Loads a target's state from GitHub: the PR on `fleetwright/<id>` (its marker is the truth), or
 * the bare branch, or the in-memory view for targets that have no PR yet. What GitHub shows that
 * the target does not know yet (a merge, a close, a foreign commit, an orphan branch) comes back
 * as `observations`: events to step before the one being handled.
 */
import { renderBranchName } from '../core/markers/branch-name.ts';
import { parseStateMarker } from '../core/markers/state-marker.ts';
import type { Migration } from '../core/migration.ts';
import type { TargetEvent } from '../core/target/events.ts';
import { describeCommitAuthor, isAppCommit } from '../core/target/is-app-commit.ts';
import type { Target } from '../core/target/target.ts';
import { buildTarget } from '../core/target/target.ts';
import type { PullRequestInfo } from '../ports/git-host.ts';
import type { InstallationDeps } from './deps.ts';
import { toRepoRef } from './deps.ts';

export type LoadedTarget =
  | { status: 'ok'; target: Target; pr?: PullRequestInfo; observations: TargetEvent[] }
  /** A PR on our branch whose marker we cannot read (damaged, foreign, missing): hands off. */
  | { status: 'unmanaged'; reason: string; pr: PullRequestInfo };

export async function loadTarget(
  deps: InstallationDeps,
  migration: Migration,
  repo: string,
  /** The event being handled; a `tick` also reads whether the PR still merges cleanly. */
  event?: TargetEvent,
): Promise<LoadedTarget> {
  const ref = toRepoRef(repo);
  const branch = renderBranchName(migration.id);
  const cached = deps.view.findTarget(migration.id, repo);
  const pr = await deps.host.findPullRequestForBranch(ref, branch);
  if (pr) {
    const parsed = parseStateMarker(pr.body);
    if (parsed.status !== 'ok') {
      return {
        status: 'unmanaged',
        reason: parsed.status === 'damaged' ? `damaged marker: ${parsed.error}` : `${parsed.status} marker`,
        pr,
      };
    }
    if (
      parsed.target.migrationId !== migration.id ||
      parsed.target.repo.toLowerCase() !== repo.toLowerCase()
    ) {
      return { status: 'unmanaged', reason: 'marker belongs to another target', pr };
    }
    const target: Target = { ...parsed.target, prNumber: pr.number };
    const observations = await observePullRequest(deps, target, pr);
    if (observations.length === 0) observations.push(...(await observeBase(deps, target, pr, event)));
    return { status: 'ok', target, pr, observations };
  }

  const head = await deps.host.findBranchHead(ref, branch);
  const target =
    cached ??
    buildTarget({
      migrationId: migration.id,
      manifestRevision: migration.revision,
      repo,
      now: deps.clock.now(),
    });
  if (head === undefined || head === target.lastPushedSha) {
    if (head === undefined && target.lastPushedSha !== undefined && target.prNumber === undefined) {
      return { status: 'ok', target, observations: [{ type: 'branch-deleted' }] };
    }
    return { status: 'ok', target, observations: [] };
  }
  // A branch without a PR: ours if every commit on it since the base is provably the app's.
  const base = target.baseSha ?? target.baseRef ?? (await deps.host.findRepository(ref))?.defaultBranch;
  const commits = base === undefined ? [] : await deps.host.listCommitsBetween(ref, base, head);
  const ours = commits.length > 0 && commits.every((commit) => isAppCommit(commit, deps.botLogin));
  return { status: 'ok', target, observations: [{ type: 'branch-found', sha: head, ours }] };
}

async function observePullRequest(
  deps: InstallationDeps,
  target: Target,
  pr: PullRequestInfo,
): Promise<TargetEvent[]> {
  if (pr.merged) return target.state === 'merged' ? [] : [{ type: 'pr-merged' }];
  if (pr.state === 'closed') return target.state === 'closed' ? [] : [{ type: 'pr-closed' }];
  if (pr.headSha === target.lastPushedSha || pr.headSha === target.headSha) return [];
  if (target.lastPushedSha === undefined) return [{ type: 'human-commit-detected', sha: pr.headSha }];
  // The head moved. Our own commit whose marker was never saved (a crash after the push) is
  // adopted; anything else is a person's commit and pauses the target.
  const commits = await deps.host.listCommitsBetween(
    toRepoRef(target.repo),
    target.lastPushedSha,
    pr.headSha,
  );
  const foreign = commits.find((commit) => !isAppCommit(commit, deps.botLogin));
  if (!foreign && commits.length > 0 && (target.state === 'repairing' || target.state === 'drafting')) {
    return [{ type: 'commit-pushed', sha: pr.headSha }];
  }
  return [
    {
      type: 'human-commit-detected',
      sha: pr.headSha,
      ...withAuthor(foreign, deps.botLogin),
    },
  ];
}

/**
 * A PR the app waits on (awaiting CI, or stalled) that conflicts with its base gets no
 * `pull_request` CI at all: report `base-moved` with the base head so `step` regenerates the
 * change there. Lists do not carry `mergeable`, so a poll (`tick`) reads the PR itself; `null`
 * (GitHub still computing) is no news, the next poll asks again.
 */
async function observeBase(
  deps: InstallationDeps,
  target: Target,
  pr: PullRequestInfo,
  event: TargetEvent | undefined,
): Promise<TargetEvent[]> {
  if (target.state !== 'awaiting-ci' && target.state !== 'stalled') return [];
  if (pr.state !== 'open' || pr.merged || target.lastPushedSha === undefined) return [];
  if (pr.headSha !== target.lastPushedSha) return [];
  const ref = toRepoRef(target.repo);
  let mergeable = pr.mergeable;
  if (mergeable === null && event?.type === 'tick') {
    mergeable = (await deps.host.getPullRequest(ref, pr.number)).mergeable;
  }
  if (mergeable !== false) return [];
  const baseHead = await deps.host.findBranchHead(ref, pr.baseRef);
  if (baseHead === undefined || baseHead === target.baseSha) return [];
  return [{ type: 'base-moved', sha: baseHead }];
}

/** `{ author }` naming who made a foreign commit, when GitHub knows. */
export function withAuthor(
  commit: { authorLogin: string | null; verified?: boolean } | undefined,
  botLogin: string,
): { author?: string } {
  const author = commit ? describeCommitAuthor(commit, botLogin) : undefined;
  return author === undefined ? {} : { author };
}
