/**
 * The CI loop's invariants, checked on the simulator's state after a scenario (issue 6):
 * one PR per repository, every target in its expected state with its reason (and a failure
 * class and signature on every non-green end), the marker agreeing with the app, iterations
 * within budget, no duplicated comments or labels, no force-push over a commit the app did not
 * make, no push on a stale head, and nothing written after a person closed or merged the PR.
 *
 * Returns the violations as sentences instead of throwing, so a scenario reports all of them at
 * once and loop-invariants.test.ts can show that each check fails on a broken history.
 */
import { findHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import { parseStateMarker } from '../../../src/core/markers/state-marker.ts';
import type { Target, TargetReason, TargetState } from '../../../src/core/target/target.ts';
import type { GitHubSim } from '../index.ts';

export interface LoopExpectation {
  state: TargetState;
  /** Allowed reasons; omitted = any (a non-green end must still have one). */
  reasons?: readonly (TargetReason | undefined)[];
}

export interface LoopInvariantInput {
  sim: GitHubSim;
  org: string;
  branch: string;
  botLogin: string;
  maxIterations: number;
  /** The app's own view of a target (its memory), by repository name. */
  targetOf(repo: string): Target | undefined;
  /** What each repository (by name) must end as. */
  expected: Readonly<Record<string, LoopExpectation>>;
  /**
   * Per repository: the request index (`sim.requests.records.length`) once the app had recorded
   * a person's close or merge; after it the app must write nothing to that repository at all.
   */
  quietFrom?: Readonly<Record<string, number>>;
  /**
   * Per repository: `STALE_DATA` refusals the scenario provoked on purpose (a person pushed
   * while the coder ran). Defaults to 0: the app must never try to push on a head it has not seen.
   */
  staleWritesAllowed?: Readonly<Record<string, number>>;
}

/** States that end the loop without a green result; each must carry a reason and a failure. */
const NON_GREEN_ENDS: ReadonlySet<TargetState> = new Set([
  'closed',
  'paused',
  'stalled',
  'exhausted',
  'error',
  'skipped',
  'not-applicable',
]);

export function findLoopViolations(input: LoopInvariantInput): string[] {
  const { sim, org, branch, botLogin } = input;
  const violations: string[] = [];
  const ref = `refs/heads/${branch}`;
  for (const [name, expected] of Object.entries(input.expected)) {
    const repoRef = { owner: org, repo: name };
    const fullName = `${org}/${name}`;
    const fail = (message: string) => violations.push(`${name}: ${message}`);

    // One PR per repository, ever (closed ones count: a second PR is a duplicate).
    const prs = sim.pullRequests(repoRef).filter((pr) => pr.head === branch);
    if (prs.length !== 1) fail(`${prs.length} PRs on ${branch}`);
    const pr = prs[0];

    // The target's end state, its reason, and a failure class + signature on non-green ends.
    const target = input.targetOf(name);
    if (!target) {
      fail('no target in the app');
    } else {
      if (target.state !== expected.state) fail(`state ${target.state}, expected ${expected.state}`);
      if (expected.reasons && !expected.reasons.includes(target.reason))
        fail(
          `reason ${target.reason ?? '(none)'}, expected ${expected.reasons.map((r) => r ?? '(none)').join(' or ')}`,
        );
      if (NON_GREEN_ENDS.has(target.state)) {
        if (!target.reason) fail(`${target.state} without a reason`);
        if (!target.failure?.class || !target.failure.signature)
          fail(`${target.state} without a failure class and signature`);
      }
      if (target.iteration > input.maxIterations)
        fail(`iteration ${target.iteration} beyond the budget of ${input.maxIterations}`);
      // GitHub is the database: the PR marker says what the app believes (a closed PR is left as it was).
      if (pr && target.state !== 'closed') {
        const marker = parseStateMarker(pr.body);
        if (marker.status !== 'ok') fail(`marker ${marker.status}`);
        else if (marker.target.state !== target.state || marker.target.iteration !== target.iteration)
          fail(
            `marker says ${marker.target.state}/${marker.target.iteration}, app ${target.state}/${target.iteration}`,
          );
      }
    }

    if (pr) {
      // No duplicated comments: one per hidden key, and never the same body twice.
      const mine = sim.comments(repoRef, pr.number).filter((comment) => comment.author === botLogin);
      const keys = mine.map((comment) => findHiddenKey(comment.body)).filter(Boolean);
      if (new Set(keys).size !== keys.length) fail(`duplicated comment keys ${keys.join(', ')}`);
      if (new Set(mine.map((comment) => comment.body)).size !== mine.length)
        fail('duplicated comment bodies');
      if (new Set(pr.labels).size !== pr.labels.length) fail(`duplicated labels ${pr.labels.join(', ')}`);
    }

    // No force-push (or deletion) by the app over a commit it did not make.
    const repo = sim.getRepo(repoRef);
    for (const update of sim.refUpdates) {
      if (update.repo !== fullName || update.ref !== ref || !update.viaApp) continue;
      if (update.before === undefined || (!update.forced && update.after !== undefined)) continue;
      for (const sha of discardedCommits(sim, repoRef, update.before, update.after)) {
        const commit = repo.git.getCommit(sha);
        if (!commit || commit.authorLogin !== botLogin || !commit.verified)
          fail(`the app discarded ${sha.slice(0, 7)} by ${commit?.authorLogin ?? 'unknown'}`);
      }
    }

    // No push on a stale head: the app never asked to build on a head that had moved.
    const stale = sim.staleWrites.filter((write) => write.repo === fullName && write.ref === ref).length;
    const allowed = input.staleWritesAllowed?.[name] ?? 0;
    if (stale > allowed) fail(`${stale} pushes on a stale head (allowed ${allowed})`);

    // Nothing written once a person closed or merged the PR and the app recorded it.
    const quietFrom = input.quietFrom?.[name];
    if (quietFrom !== undefined) {
      const writes = sim.requests.records
        .slice(quietFrom)
        .filter((record) => record.write && record.path.includes(`/repos/${fullName}/`));
      if (writes.length > 0)
        fail(
          `${writes.length} writes after it was closed: ${[...new Set(writes.map((w) => w.kind))].join(', ')}`,
        );
      const pushes = sim.refUpdates.filter(
        (update) => update.repo === fullName && update.viaApp && update.requestIndex >= quietFrom,
      );
      if (pushes.length > 0) fail(`${pushes.length} pushes after it was closed`);
    }
  }
  return violations;
}

/**
 * Commits reachable from `before` that `after` no longer contains; for a deletion, those the
 * default branch does not contain.
 */
export function discardedCommits(
  sim: GitHubSim,
  repoRef: { owner: string; repo: string },
  before: string,
  deletedOrAfter: string | undefined,
): string[] {
  const repo = sim.getRepo(repoRef);
  const git = repo.git;
  const after = deletedOrAfter ?? sim.branches(repoRef)[repo.defaultBranch];
  const out: string[] = [];
  const seen = new Set<string>();
  const queue = [before];
  while (queue.length > 0) {
    const sha = queue.shift() as string;
    if (seen.has(sha)) continue;
    seen.add(sha);
    if (after !== undefined && git.isAncestor(sha, after)) continue;
    out.push(sha);
    queue.push(...(git.getCommit(sha)?.parents ?? []));
  }
  return out;
}
