import { describe, expect, it, vi } from 'vitest';
import { parseStateMarker } from '../src/core/markers/state-marker.ts';
import { FleetRuntime } from '../src/fleet-runtime.ts';
import { silentLog } from '../src/ports/log.ts';
import type { NotificationTarget } from '../src/ports/notifier.ts';
import { renderBranchName } from '../src/core/markers/branch-name.ts';
import { onCiChanged, onConfigPushed } from '../src/workflows/enqueue.ts';
import { NotificationBatcher } from '../src/workflows/notification-batcher.ts';
import { FakeGitHost } from './fakes/fake-git-host.ts';
import { FakeWorkspaces } from './fakes/fake-workspaces.ts';
import { ManualClock } from './fakes/manual-clock.ts';
import { ScriptedCoder } from './fakes/scripted-coder.ts';
import { ScriptedJudge } from './fakes/scripted-judge.ts';

const manifest = `version: 1
id: use-fetch
title: Replace request with fetch
description: The request package is deprecated.
prompt: Replace every use of request with fetch.
targets:
  patterns: ["api-*"]
rollout:
  maxOpenPrs: 1
`;

describe('fleet-runtime', () => {
  it('goes from a manifest in the config repo to one draft PR, through the real manifest parser', async () => {
    const clock = new ManualClock(new Date('2026-11-21T09:00:00.000Z'));
    const github = new FakeGitHost({ now: () => clock.now() });
    github.addRepo({ name: 'fleetwright-config', files: { 'migrations/use-fetch.yml': manifest } });
    for (const name of ['api-a', 'api-b', 'web']) {
      const { ref, headSha } = github.addRepo({ name });
      github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
    }
    const coder = new ScriptedCoder(() => ({ outcome: 'changed', files: { 'src/x.ts': 'fetch\n' } }));
    const runtime = new FleetRuntime({
      configRepo: 'fleetwright-config',
      appSlug: 'fleetwright',
      hostFor: async () => github,
      coderFor: () => coder,
      judgeFor: () => new ScriptedJudge(),
      workspaces: new FakeWorkspaces(),
      log: silentLog,
      clock,
    });

    await runtime.reconcileInstallation(42, 'acme');
    const deps = await runtime.depsFor(42);
    await runtime.jobs.drain();
    onConfigPushed(deps, { deliveryId: 'push-1' });
    await runtime.jobs.drain();
    runtime.tickAll();
    await runtime.jobs.drain();

    const prs = github.allPullRequests();
    expect(prs.map((pr) => pr.repo)).toEqual(['acme/api-a']);
    expect(parseStateMarker(prs[0]!.body)).toMatchObject({
      status: 'ok',
      target: { migrationId: 'use-fetch', state: 'awaiting-ci' },
    });
    expect(deps.view.findTarget('use-fetch', 'acme/api-b')).toMatchObject({ state: 'queued' });
    expect(deps.view.findTarget('use-fetch', 'acme/web')).toBeUndefined();
    expect(coder.calls[0]?.task.migration.prompt).toBe('Replace every use of request with fetch.');
    expect(runtime.installationIds()).toEqual([42]);
    await expect(runtime.depsFor(7)).rejects.toThrow(/not registered/);
    expect(github.issues({ owner: 'acme', repo: 'fleetwright-config' })[0]?.title).toBe(
      'fleetwright: Replace request with fetch',
    );
    const stop = runtime.startTimer(60_000);
    stop();
  });

  it('writes a dashboard change on the dashboard beat, at most every 30 s, and nothing when nothing changed', async () => {
    const clock = new ManualClock(new Date('2026-11-21T09:00:00.000Z'));
    const github = new FakeGitHost({ now: () => clock.now() });
    github.addRepo({ name: 'fleetwright-config', files: { 'migrations/use-fetch.yml': manifest } });
    for (const name of ['api-a', 'api-b']) {
      const { ref, headSha } = github.addRepo({ name });
      github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
    }
    const runtime = new FleetRuntime({
      configRepo: 'fleetwright-config',
      appSlug: 'fleetwright',
      hostFor: async () => github,
      coderFor: () => new ScriptedCoder(() => ({ outcome: 'changed', files: { 'src/x.ts': 'fetch\n' } })),
      judgeFor: () => new ScriptedJudge(),
      workspaces: new FakeWorkspaces(),
      log: silentLog,
      clock,
    });
    await runtime.reconcileInstallation(42, 'acme');
    await runtime.jobs.drain();
    const deps = await runtime.depsFor(42);
    const edits = () => github.counts.ensureIssue ?? 0;
    const first = edits();
    expect(first).toBeGreaterThan(0);

    // A target changes right after the last edit: the beat waits for the minimum interval.
    const target = deps.view.findTarget('use-fetch', 'acme/api-b')!;
    deps.view.putTarget({
      ...target,
      state: 'skipped',
      reason: 'no-ci',
      failure: { class: 'no-ci', signature: 'no CI' },
    });
    runtime.syncDashboards();
    await runtime.jobs.drain();
    expect(edits()).toBe(first);
    clock.advance(30_000);
    runtime.syncDashboards();
    runtime.syncDashboards();
    await runtime.jobs.drain();
    expect(edits()).toBe(first + 1);
    expect(github.issues({ owner: 'acme', repo: 'fleetwright-config' })[0]?.body).toContain(
      '| skipped | 1 |',
    );
    // Nothing changed since: no job, no request.
    const requests = github.totalRequests();
    clock.advance(60_000);
    runtime.syncDashboards();
    await runtime.jobs.drain();
    expect(github.totalRequests()).toBe(requests);
  });

  it('hands an approved green PR over, with the manifest judge model, and flushes the Slack digest on the tick', async () => {
    const clock = new ManualClock(new Date('2026-11-21T09:00:00.000Z'));
    const github = new FakeGitHost({ now: () => clock.now() });
    github.addRepo({
      name: 'fleetwright-config',
      files: {
        'migrations/use-fetch.yml': `${manifest}model:\n  judge: claude-judge-x\n  judgeMaxOutputTokens: 1500\n`,
        'notifications.yml': 'version: 1\ndefault: https://hooks.slack.com/services/T1/B1/all\n',
      },
    });
    const { ref, headSha } = github.addRepo({ name: 'api-a' });
    github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
    const judge = new ScriptedJudge();
    const judgeModels: string[] = [];
    const sent: { target: NotificationTarget; text: string }[] = [];
    const notifications = new NotificationBatcher({
      notifier: {
        send: async (target, message) => {
          sent.push({ target, text: JSON.stringify(message) });
          return { type: 'sent' };
        },
      },
      clock,
      log: silentLog,
    });
    const runtime = new FleetRuntime({
      configRepo: 'fleetwright-config',
      appSlug: 'fleetwright',
      hostFor: async () => github,
      coderFor: () => new ScriptedCoder(() => ({ outcome: 'changed', files: { 'src/x.ts': 'fetch\n' } })),
      judgeFor: (model) => {
        judgeModels.push(model);
        return judge;
      },
      notifications,
      workspaces: new FakeWorkspaces(),
      log: silentLog,
      clock,
    });
    await runtime.reconcileInstallation(42, 'acme');
    const deps = await runtime.depsFor(42);
    await runtime.jobs.drain();
    const pr = github.allPullRequests()[0]!;
    github.setCheckRun(ref, pr.headSha, { name: 'build', conclusion: 'success' });

    onCiChanged(deps, {
      repo: pr.repo,
      branch: renderBranchName('use-fetch'),
      headSha: pr.headSha,
      deliveryId: 'ci-1',
    });
    await runtime.jobs.drain();

    expect(judgeModels).toEqual(['claude-judge-x']);
    expect(judge.calls[0]?.options).toMatchObject({ model: 'claude-judge-x', maxOutputTokens: 1500 });
    expect(parseStateMarker(github.allPullRequests()[0]!.body)).toMatchObject({ target: { state: 'ready' } });
    expect(github.allPullRequests()[0]!.draft).toBe(false);
    expect(notifications.pending()).toEqual({ default: [expect.stringContaining('api-a')] });
    expect(sent).toEqual([]);

    // The batcher gathers for a few minutes; the next timer beat sends one digest.
    clock.advance(10 * 60_000);
    runtime.tickAll();
    await runtime.jobs.drain();
    // Nothing else flushes here: the digest can only come from the tick.
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]!.target).toEqual({
      team: 'default',
      webhookUrl: 'https://hooks.slack.com/services/T1/B1/all',
    });
    expect(sent[0]!.text).toContain('api-a');
    expect(notifications.pending()).toEqual({});
  });
});
