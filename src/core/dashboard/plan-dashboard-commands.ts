/**
 * What a dashboard command will do to each target, decided before anything is queued, so the
 * reply can say it per target ("retrying 7 of 9: 2 are running now"). Pure: the same `step` the
 * target's own job runs later decides here too, on the view's copy of the target. The job may
 * still find the target moved on in between (a CI result arrived); its own `step` then decides,
 * and the dashboard shows the result.
 */
import type { Policy } from '../target/policy.ts';
import { step } from '../target/step.ts';
import type { Target } from '../target/target.ts';
import { compareText } from './group-failures.ts';
import type { RetrySelection } from './select-retry-targets.ts';

/**
 * `selection` with the targets `step` would not retry now moved to `excluded`, with the reason.
 * A dashboard retry never discards human commits (`force: false`).
 */
export function planDashboardRetry(
  selection: RetrySelection,
  policy: Policy,
  now: Date,
  actor: string,
): RetrySelection {
  if (selection.error) return selection;
  const targets: Target[] = [];
  const excluded = [...selection.excluded];
  for (const target of selection.targets) {
    const transition = step(
      target,
      { type: 'command-received', command: { name: 'retry', force: false }, actor },
      policy,
      now,
    );
    if (transition.outcome === 'applied') {
      targets.push(target);
      continue;
    }
    excluded.push({
      repo: target.repo,
      state: target.state,
      why: whyNotRetried(transition.outcome, transition.note),
    });
  }
  excluded.sort((a, b) => compareText(a.repo, b.repo));
  return { ...selection, targets, excluded };
}

/** `step`'s notes on commands are sentences meant for the commenter; these cover the rest. */
function whyNotRetried(outcome: string, note: string | undefined): string {
  if (note) return note;
  switch (outcome) {
    case 'ignored-unsupported':
      return 'this fleetwright version cannot retry it yet';
    case 'ignored-blocked':
      return 'the migration is paused or disabled; `/migrate resume` first';
    default:
      return 'not retryable in this state';
  }
}

/**
 * The targets a migration pause stopped mid-way, which `/migrate resume` continues: PRs that
 * wanted a repair while the migration was paused (`paused`, reason `stopped`, with the CI failure
 * they stopped on). A maintainer's `/migrate stop` records a `human` failure instead, and stays
 * stopped: only that PR's maintainers restart it.
 */
export function selectResumeTargets(targets: readonly Target[]): Target[] {
  return targets.filter(
    (target) =>
      target.state === 'paused' &&
      target.reason === 'stopped' &&
      target.prNumber !== undefined &&
      target.failure?.class !== 'human',
  );
}
