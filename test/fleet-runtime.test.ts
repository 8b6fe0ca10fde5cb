import { describe, expect, it } from 'vitest';
import { parseStateMarker } from '../src/core/markers/state-marker.ts';
import { FleetRuntime } from '../src/fleet-runtime.ts';
import { silentLog } from '../src/ports/log.ts';
import { onConfigPushed } from '../src/workflows/enqueue.ts';
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
});
