/**
 * Webhook payload fidelity: every event the simulator emits carries at least the keys of
 * GitHub's recorded example for the same event and action (@octokit/webhooks-examples), at the
 * top level, in its main object and in `repository`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };
import { GitHubSim, simOctokit, type DeliveryRecord } from './index.ts';

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

const MAIN_OBJECT: Record<string, string> = {
  pull_request: 'pull_request',
  check_run: 'check_run',
  check_suite: 'check_suite',
  workflow_run: 'workflow_run',
  issue_comment: 'comment',
  issues: 'issue',
  status: 'commit',
  push: 'head_commit',
  installation: 'installation',
};

/** Fields GitHub sends only in situations the simulator does not model (the issue example is a draft PR's issue). */
const OPTIONAL = new Set(['deployment', 'enterprise', 'issue.draft']);

let sim: GitHubSim;
let delivered: DeliveryRecord[];

beforeAll(async () => {
  sim = await new GitHubSim().start();
  sim.deliverTo(() => {});
  sim.setCi(() => ({
    workflows: [{ name: 'CI', jobs: [{ name: 'test', conclusion: 'failure' }] }],
    statuses: [{ context: 'lint', state: 'success' }],
  }));
  const repo = { owner: 'acme', repo: 'shapes' };
  const stored = sim.createRepo({ owner: 'acme', name: 'shapes', files: { 'a.txt': 'a\n' } });
  const octokit = simOctokit(sim);
  const main = sim.branchHead(stored, 'main')!;
  sim.commit(repo, { branch: 'fw/x', parents: [main], files: { 'b.txt': 'b\n' } });
  const { data: pr } = await octokit.rest.pulls.create({
    ...repo,
    head: 'fw/x',
    base: 'main',
    title: 'PR',
    draft: true,
  });
  await octokit.rest.issues.createComment({ ...repo, issue_number: pr.number, body: 'hello' });
  await octokit.rest.issues.addLabels({ ...repo, issue_number: pr.number, labels: ['fleetwright'] });
  await octokit.rest.issues.create({ ...repo, title: 'Dashboard' });
  sim.close(repo, pr.number);
  await sim.settle();
  delivered = [...sim.deliveries];
});

afterAll(async () => {
  await sim.stop();
});

function exampleFor(event: string, action: string | undefined): Record<string, unknown> | undefined {
  const group = (examples as unknown as ExampleGroup[]).find((g) => g.name === event);
  return (
    group?.examples.find((e) => e.action === action) ??
    (action === undefined ? group?.examples[0] : undefined)
  );
}

function missing(example: unknown, ours: unknown, prefix = ''): string[] {
  if (typeof example !== 'object' || example === null || typeof ours !== 'object' || ours === null) return [];
  return Object.keys(example).filter(
    (key) => !(key in ours) && !OPTIONAL.has(key) && !OPTIONAL.has(`${prefix}${key}`),
  );
}

describe('test/sim webhook payloads vs GitHub’s recorded examples', () => {
  it('emits the events the scenario should cause', () => {
    const kinds = new Set(delivered.map((d) => `${d.event}.${d.action ?? ''}`));

    for (const kind of [
      'installation.created',
      'push.',
      'pull_request.opened',
      'pull_request.labeled',
      'pull_request.closed',
      'issue_comment.created',
      'issues.opened',
      'check_run.created',
      'check_run.completed',
      'check_suite.completed',
      'workflow_run.completed',
      'status.',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('has every key of the example at the top level, in the main object and in repository', () => {
    const checked: string[] = [];
    const problems: string[] = [];
    for (const delivery of delivered) {
      const example = exampleFor(delivery.event, delivery.action);
      if (!example) continue;
      const kind = `${delivery.event}.${delivery.action ?? ''}`;
      checked.push(kind);
      const main = MAIN_OBJECT[delivery.event];
      const gaps = [
        ...missing(example, delivery.payload).map((k) => `${kind}: ${k}`),
        ...(main
          ? missing(example[main], delivery.payload[main], `${main}.`).map((k) => `${kind}: ${main}.${k}`)
          : []),
        ...missing(example.repository, delivery.payload.repository).map((k) => `${kind}: repository.${k}`),
      ];
      problems.push(...gaps);
    }

    expect(new Set(checked).size).toBeGreaterThanOrEqual(12);
    expect([...new Set(problems)]).toEqual([]);
  });
});
