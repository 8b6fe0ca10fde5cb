/**
 * The migration dashboard over the real workflows and queue, on the fake GitHub: created on the
 * first fan-out, debounced (many target changes → one edit, 30 s apart, nothing when nothing
 * changed), never written before it was read, and — through interleaved advances, duplicated
 * webhooks and ticks — always equal to a fresh render of what the PR markers and the ledger say,
 * also after a restart that keeps only GitHub.
 */
import { describe, expect, it, vi } from 'vitest';
import { renderDashboardIssue } from '../../src/core/dashboard/render-dashboard.ts';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { buildDashboardKey } from '../../src/core/markers/hidden-key.ts';
import { parseLedger } from '../../src/core/markers/ledger.ts';
import { GitHostError } from '../../src/shared/errors.ts';
import {
  DASHBOARD_MIN_INTERVAL_MS,
  buildDashboardInput,
  requestDashboardSync,
  syncDashboard,
} from '../../src/workflows/dashboard.ts';
import { onCiChanged, onConfigPushed, onPullRequestClosed, onTimer } from '../../src/workflows/enqueue.ts';
import { Harness, buildMigration } from './harness.ts';

const CONFIG = { owner: 'acme', repo: 'fleetwright-config' };
const BRANCH = renderBranchName('use-fetch');
const KEY_LINE = /^<!-- fleetwright:key [^\n]* -->\n/;

/** 6 green repos (PRs), 2 not applicable, 2 red baselines, 2 without CI. */
function buildFleet(): Harness {
  const harness = new Harness({
    migrations: [buildMigration({ policy: { maxOpenPrs: 20, prsPerHour: 50, maxConcurrentCoders: 4 } })],
    script: (task) =>
      task.repo.startsWith('acme/na-')
        ? { outcome: 'not-applicable', reason: 'no use of request' }
        : {
            outcome: 'changed',
            files: { 'src/http.ts': `// migrated ${task.repo}\nexport const get = fetch;\n` },
          },
  });
  const names = [
    ...['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `svc-${x}`),
    'na-1',
    'na-2',
    'red-1',
    'red-2',
    'noci-1',
    'noci-2',
  ];
  for (const name of names) {
    const { ref, headSha } = harness.github.addRepo({
      name,
      files: { 'src/http.ts': "import request from 'request';\n" },
    });
    if (!headSha || name.startsWith('noci')) continue;
    harness.github.setCheckRun(ref, headSha, {
      name: 'build',
      conclusion: name.startsWith('red') ? 'failure' : 'success',
    });
  }
  return harness;
}

function dashboards(harness: Harness) {
  return harness.github.issues(CONFIG);
}

/** The stored body without its key line, as the renderer returns it. */
function storedBody(harness: Harness): string {
  const [issue] = dashboards(harness);
  return (issue?.body ?? '').replace(KEY_LINE, '');
}

function freshRender(harness: Harness) {
  return renderDashboardIssue(buildDashboardInput(harness.deps.view, 'use-fetch', harness.clock.now()));
}

async function settle(harness: Harness): Promise<void> {
  await harness.drain();
  harness.clock.advance(DASHBOARD_MIN_INTERVAL_MS);
  onTimer(harness.deps);
  await harness.drain();
}

describe('workflows/dashboard', () => {
  it('is created on the first fan-out, titled after the migration, and shows what the view holds', async () => {
    const harness = buildFleet();

    onConfigPushed(harness.deps, { deliveryId: 'push-1' });
    await settle(harness);

    const issues = dashboards(harness);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ title: 'fleetwright: Replace request with fetch', state: 'open' });
    expect(storedBody(harness)).toBe(freshRender(harness).body);
    expect(storedBody(harness)).toContain('| **total** | **12** |');
    expect(parseLedger(issues[0]!.body, 'use-fetch')).toMatchObject({ status: 'ok' });
    const ledger = parseLedger(issues[0]!.body, 'use-fetch');
    expect(ledger.status === 'ok' ? ledger.entries.map((entry) => [entry.repo, entry.state]) : []).toEqual([
      ['acme/na-1', 'not-applicable'],
      ['acme/na-2', 'not-applicable'],
      ['acme/noci-1', 'skipped'],
      ['acme/noci-2', 'skipped'],
      ['acme/red-1', 'skipped'],
      ['acme/red-2', 'skipped'],
    ]);
  });

  it('debounces: many target changes make one edit, the next waits 30 s, and nothing changed costs nothing', async () => {
    const harness = buildFleet();

    onConfigPushed(harness.deps, { deliveryId: 'push-1' });
    await harness.drain();

    // Twelve targets went through admission, baseline, the coder and their PRs: one edit so far.
    expect(harness.github.counts.ensureIssue).toBe(1);
    expect(harness.deps.view.isDashboardDirty('use-fetch')).toBe(true);
    expect(requestDashboardSync(harness.deps, 'use-fetch')).toBe(false); // too soon: the beat writes it
    harness.clock.advance(DASHBOARD_MIN_INTERVAL_MS);
    expect(requestDashboardSync(harness.deps, 'use-fetch')).toBe(true);
    expect(requestDashboardSync(harness.deps, 'use-fetch')).toBe(false); // one pending sync at a time
    await harness.drain();
    expect(harness.github.counts.ensureIssue).toBe(2);
    expect(storedBody(harness)).toBe(freshRender(harness).body);

    // Nothing changed: ticks and beats make no request at all.
    const requests = harness.github.totalRequests();
    for (let beat = 0; beat < 3; beat += 1) {
      harness.clock.advance(DASHBOARD_MIN_INTERVAL_MS);
      onTimer(harness.deps);
      requestDashboardSync(harness.deps, 'use-fetch');
      await harness.drain();
    }
    expect(harness.github.counts.ensureIssue).toBe(2);
    expect(harness.github.totalRequests()).toBe(requests);
  });

  it('never writes before it has read the issue: the ledger and the pause would be lost', async () => {
    const harness = buildFleet();
    let down = true;
    const findIssue = harness.github.findIssue.bind(harness.github);
    vi.spyOn(harness.github, 'findIssue').mockImplementation(async (...args) => {
      if (down) throw new GitHostError('bad gateway', { status: 502 });
      return findIssue(...args);
    });

    onConfigPushed(harness.deps, { deliveryId: 'push-1' });
    await harness.drain();

    expect(harness.github.counts.ensureIssue ?? 0).toBe(0);
    expect(harness.deps.view.isLedgerLoaded('use-fetch')).toBe(false);
    // GitHub is back: the next sync reads first, then writes.
    down = false;
    harness.clock.advance(DASHBOARD_MIN_INTERVAL_MS);
    await expect(syncDashboard(harness.deps, 'use-fetch')).resolves.toBe('written');
    expect(harness.deps.view.isLedgerLoaded('use-fetch')).toBe(true);
    expect(storedBody(harness)).toBe(freshRender(harness).body);
  });

  it('admits nothing until the dashboard was read, so a restart cannot skip an owner’s pause', async () => {
    const harness = buildFleet();
    let down = true;
    const findIssue = harness.github.findIssue.bind(harness.github);
    vi.spyOn(harness.github, 'findIssue').mockImplementation(async (...args) => {
      if (down) throw new GitHostError('bad gateway', { status: 502 });
      return findIssue(...args);
    });

    onConfigPushed(harness.deps, { deliveryId: 'push-1' });
    await settle(harness);
    await settle(harness);

    expect(harness.github.openPullRequests()).toHaveLength(0);
    expect(harness.deps.view.targets('use-fetch').every((target) => target.state === 'queued')).toBe(true);
    // GitHub is back: the next beat's sync reads the dashboard, the tick after it admits.
    down = false;
    await settle(harness);
    await settle(harness);
    expect(harness.deps.view.isLedgerLoaded('use-fetch')).toBe(true);
    expect(harness.github.openPullRequests()).toHaveLength(6);
  });

  it('stays consistent with the markers through interleaved advances, duplicated webhooks and ticks, and after a restart', async () => {
    const harness = buildFleet();
    const { github } = harness;
    let delivery = 0;
    onConfigPushed(harness.deps, { deliveryId: 'push-1' });
    await harness.drain();

    for (let round = 0; round < 6; round += 1) {
      // CI results arrive for every open PR (red for svc-a and svc-b in the first rounds, so the
      // coder repairs), twice and out of order, with ticks and dashboard beats in between.
      for (const pr of github.openPullRequests()) {
        const ref = { owner: 'acme', repo: pr.repo.split('/')[1]! };
        const red = round < 2 && (pr.repo === 'acme/svc-a' || pr.repo === 'acme/svc-b');
        github.setCheckRun(ref, pr.headSha, { name: 'build', conclusion: red ? 'failure' : 'success' });
        const id = `ci-${++delivery}`;
        onCiChanged(harness.deps, { repo: pr.repo, branch: BRANCH, headSha: pr.headSha, deliveryId: id });
        onTimer(harness.deps);
        onCiChanged(harness.deps, { repo: pr.repo, branch: BRANCH, headSha: pr.headSha, deliveryId: id });
        requestDashboardSync(harness.deps, 'use-fetch');
      }
      harness.clock.advance(DASHBOARD_MIN_INTERVAL_MS / 3);
      await harness.drain();
      if (round === 3) {
        github.closePullRequest({ owner: 'acme', repo: 'svc-c' }, BRANCH, true);
        onPullRequestClosed(harness.deps, {
          repo: 'acme/svc-c',
          branch: BRANCH,
          merged: true,
          deliveryId: 'merged',
        });
        onPullRequestClosed(harness.deps, {
          repo: 'acme/svc-c',
          branch: BRANCH,
          merged: true,
          deliveryId: 'merged',
        });
        await harness.drain();
      }
    }
    await settle(harness);

    // The last write is a fresh render of the view…
    const body = storedBody(harness);
    expect(body).toBe(freshRender(harness).body);
    expect(body).toContain('| merged | 1 |');
    // …and the view is what GitHub says: a restarted server rebuilds it from the PR markers and
    // the ledger alone, renders the very same body, and so makes no edit.
    const edits = github.counts.ensureIssue;
    harness.restart();
    onConfigPushed(harness.deps, { deliveryId: 'startup' });
    await settle(harness);
    expect(freshRender(harness).body).toBe(body);
    expect(github.counts.ensureIssue).toBe(edits);
    expect(harness.errors()).toEqual([]);
  });

  it('restores a dashboard pause after a restart, and stays paused when its marker was damaged', async () => {
    const harness = buildFleet();
    onConfigPushed(harness.deps, { deliveryId: 'push-1' });
    await settle(harness);
    harness.deps.view.setPause('use-fetch', { by: 'alice', at: '2026-11-21T09:30:00.000Z' });
    await syncDashboard(harness.deps, 'use-fetch', { force: true });

    harness.restart();
    onConfigPushed(harness.deps, { deliveryId: 'startup-1' });
    await settle(harness);
    expect(harness.deps.view.findPause('use-fetch')).toEqual({ by: 'alice', at: '2026-11-21T09:30:00.000Z' });
    expect(harness.deps.view.policyFor('use-fetch')?.paused).toBe(true);

    // Someone edits the hidden text: a stop someone asked for must not be lost to it.
    const [issue] = dashboards(harness);
    await harness.github.ensureIssue(CONFIG, buildDashboardKey('use-fetch'), {
      title: issue!.title,
      body: issue!.body.replace(KEY_LINE, '').replace('"by":"alice"', '"by":"not a login"'),
    });
    harness.restart();
    onConfigPushed(harness.deps, { deliveryId: 'startup-2' });
    await settle(harness);
    expect(harness.deps.view.policyFor('use-fetch')?.paused).toBe(true);
    expect(
      harness.logs.some((entry) => entry.message === 'Dashboard pause marker unreadable, staying paused'),
    ).toBe(true);
    // The next write repairs the marker.
    expect(storedBody(harness)).toContain('<!-- fleetwright:pause v1 {"by":"ghost"');
  });

  it('keeps the issue key the renderer names', () => {
    expect(buildDashboardKey('use-fetch')).toBe('fleetwright:dashboard:use-fetch');
  });
});
