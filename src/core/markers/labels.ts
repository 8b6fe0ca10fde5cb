/**
 * fleetwright's labels on PRs: `fleetwright` on every PR it manages, `fleetwright:<state>` for the
 * current state, and `fleetwright:needs-human` when a person has to act. Labels outside the
 * `fleetwright` namespace (the manifest's extra labels, people's own) are never removed.
 */
import type { TargetState } from '../target/target.ts';

export const BASE_LABEL = 'fleetwright';
export const LABEL_PREFIX = 'fleetwright:';
export const NEEDS_HUMAN_LABEL = 'fleetwright:needs-human';

const NEEDS_HUMAN: ReadonlySet<TargetState> = new Set(['exhausted', 'stalled', 'paused', 'error']);

/** The state label, e.g. `fleetwright:awaiting-ci`. */
export function renderStateLabel(state: TargetState): string {
  return `${LABEL_PREFIX}${state}`;
}

/** The fleetwright labels a PR in `state` carries, sorted. */
export function labelsForState(state: TargetState): string[] {
  const labels = [BASE_LABEL, renderStateLabel(state)];
  if (NEEDS_HUMAN.has(state)) labels.push(NEEDS_HUMAN_LABEL);
  return labels.sort();
}

/** True for labels this module owns (and may remove). */
export function isFleetwrightLabel(label: string): boolean {
  return label === BASE_LABEL || label.startsWith(LABEL_PREFIX);
}

/**
 * The label edits that move a PR from `current` labels to the state's labels: only fleetwright
 * labels are removed, nothing is touched when the set already matches.
 */
export function diffLabels(
  current: readonly string[],
  state: TargetState,
): { add: string[]; remove: string[] } {
  const wanted = new Set(labelsForState(state));
  const have = new Set(current);
  return {
    add: [...wanted].filter((label) => !have.has(label)).sort(),
    remove: [...have].filter((label) => isFleetwrightLabel(label) && !wanted.has(label)).sort(),
  };
}
