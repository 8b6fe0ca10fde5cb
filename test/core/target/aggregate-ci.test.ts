import { describe, expect, it } from 'vitest';
import type { CiSnapshotLike } from '../../../src/core/target/aggregate-ci.ts';
import { aggregateCi, summarizeCi } from '../../../src/core/target/aggregate-ci.ts';

let id = 0;
const run = (
  name: string,
  status: string,
  conclusion: string | null,
  appSlug: string | null = 'github-actions',
) => ({
  id: ++id,
  name,
  status,
  conclusion,
  appSlug,
});
const snap = (
  checkRuns: CiSnapshotLike['checkRuns'],
  statuses: CiSnapshotLike['statuses'] = [],
): CiSnapshotLike => ({
  sha: 'a'.repeat(40),
  checkRuns,
  statuses,
});

describe('core/target/aggregate-ci', () => {
  it.each<[string, CiSnapshotLike, string]>([
    ['nothing at all', snap([]), 'none'],
    [
      'only our own check runs',
      snap([
        run('fleetwright/judge', 'completed', 'failure', 'fleetwright'),
        run('x', 'completed', 'failure', 'fleetwright'),
      ]),
      'none',
    ],
    [
      'all success',
      snap([run('build', 'completed', 'success'), run('lint', 'completed', 'success')]),
      'green',
    ],
    [
      'neutral and skipped pass',
      snap([
        run('build', 'completed', 'success'),
        run('docs', 'completed', 'neutral'),
        run('deploy', 'completed', 'skipped'),
      ]),
      'green',
    ],
    ['one failure', snap([run('build', 'completed', 'success'), run('test', 'completed', 'failure')]), 'red'],
    ['timed out', snap([run('test', 'completed', 'timed_out')]), 'red'],
    ['cancelled', snap([run('test', 'completed', 'cancelled')]), 'red'],
    ['unknown conclusion fails closed', snap([run('test', 'completed', 'exploded')]), 'red'],
    ['in progress', snap([run('build', 'in_progress', null)]), 'pending'],
    [
      'red while another is still running waits for all',
      snap([run('a', 'completed', 'failure'), run('b', 'queued', null)]),
      'pending',
    ],
    ['stale counts as pending', snap([run('build', 'completed', 'stale')]), 'pending'],
    ['status success', snap([], [{ context: 'ci/jenkins', state: 'success' }]), 'green'],
    ['status pending', snap([], [{ context: 'ci/jenkins', state: 'pending' }]), 'pending'],
    ['status error', snap([], [{ context: 'ci/jenkins', state: 'error' }]), 'red'],
    [
      'newest status per context wins',
      snap(
        [],
        [
          { context: 'ci', state: 'success' },
          { context: 'ci', state: 'failure' },
        ],
      ),
      'green',
    ],
  ])('%s → %s', (_name, snapshot, verdict) => {
    expect(aggregateCi(snapshot, { ownAppSlug: 'fleetwright' })).toBe(verdict);
  });

  it('keeps the latest re-run of a check (highest id)', () => {
    const first = run('test', 'completed', 'failure');
    const rerun = run('test', 'completed', 'success');

    expect(aggregateCi(snap([rerun, first]))).toBe('green');
  });

  it('ignores named checks and noisy apps, and names what failed', () => {
    const summary = summarizeCi(
      snap(
        [
          run('b-test', 'completed', 'failure'),
          run('a-lint', 'completed', 'failure'),
          run('coverage', 'completed', 'failure', 'codecov'),
        ],
        [{ context: 'ci/x', state: 'failure' }],
      ),
      { ignoreAppSlugs: ['codecov'] },
    );

    expect(summary).toEqual({
      verdict: 'red',
      failing: ['a-lint', 'b-test', 'ci/x'],
      pending: [],
      passed: 0,
    });
  });
});
