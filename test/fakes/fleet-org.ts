/**
 * The simulated organisation of the issue-5 fleet scenarios: 52 repositories with every kind of
 * baseline and every reason to skip one. Shared by the workflow scenario (FakeGitHost) and the
 * simulator scenario (real Probot over HTTP), so both prove the same things about the same org.
 */
import type { Target } from '../../src/core/target/target.ts';

export type Baseline = 'green' | 'red' | 'pending' | 'none';

export interface RepoPlan {
  name: string;
  baseline: Baseline;
  spec?: { archived?: boolean; fork?: boolean; empty?: boolean; disabled?: boolean };
  /** The state the target ends in, and why. */
  expected: Partial<Target>;
}

const range = (count: number, make: (index: number) => RepoPlan) =>
  Array.from({ length: count }, (_, index) => make(index));

/**
 * The plans; `notApplicableDetail` is what the scenario's coder says when there is nothing to
 * change (asserted when given). Manifests exclude `legacy-*`.
 */
export function buildFleetOrgPlans(options: { notApplicableDetail?: string } = {}): RepoPlan[] {
  const detail = options.notApplicableDetail === undefined ? {} : { detail: options.notApplicableDetail };
  return [
    ...range(30, (i) => ({
      name: `svc-${String(i).padStart(2, '0')}`,
      baseline: 'green',
      expected: { state: 'merged' },
    })),
    ...range(3, (i) => ({ name: `slow-${i}`, baseline: 'pending', expected: { state: 'merged' } })),
    ...range(4, (i) => ({
      name: `red-${i}`,
      baseline: 'red',
      expected: { state: 'skipped', reason: 'baseline-red' },
    })),
    ...range(3, (i) => ({
      name: `noci-${i}`,
      baseline: 'none',
      expected: { state: 'skipped', reason: 'no-ci' },
    })),
    ...range(4, (i) => ({
      name: `na-${i}`,
      baseline: 'green',
      expected: { state: 'not-applicable', reason: 'nothing-to-change', ...detail },
    })),
    ...range(2, (i) => ({
      name: `arch-${i}`,
      baseline: 'green',
      spec: { archived: true },
      expected: { state: 'skipped', reason: 'archived' },
    })),
    ...range(2, (i) => ({
      name: `fork-${i}`,
      baseline: 'green',
      spec: { fork: true },
      expected: { state: 'skipped', reason: 'fork' },
    })),
    ...range(2, (i) => ({
      name: `legacy-${i}`,
      baseline: 'green',
      expected: { state: 'skipped', reason: 'excluded' },
    })),
    {
      name: 'empty-0',
      baseline: 'none',
      spec: { empty: true },
      expected: { state: 'skipped', reason: 'empty' },
    },
    {
      name: 'disabled-0',
      baseline: 'green',
      spec: { disabled: true },
      expected: { state: 'skipped', reason: 'disabled' },
    },
  ];
}
