/**
 * Shared set-up of the handler tests: the fleet runtime over the in-memory GitHub, and a test
 * Probot with the handlers a test registers. Each test file still seeds its own repos,
 * permissions and first push, since those are what its assertions depend on.
 */
import type { Probot } from 'probot';
import { parseAppConfig } from '../../src/app-config.ts';
import { FleetRuntime } from '../../src/fleet-runtime.ts';
import type { FleetHandlerDeps } from '../../src/handlers/fleet-deps.ts';
import type { Judge } from '../../src/ports/judge.ts';
import { silentLog } from '../../src/ports/log.ts';
import type { FakeGitHost } from '../fakes/fake-git-host.ts';
import { FakeWorkspaces } from '../fakes/fake-workspaces.ts';
import type { ManualClock } from '../fakes/manual-clock.ts';
import { ScriptedCoder } from '../fakes/scripted-coder.ts';
import { ScriptedJudge } from '../fakes/scripted-judge.ts';
import { buildTestProbot } from '../helpers/probot.ts';
import type { TestProbot } from '../helpers/probot.ts';

/** The `repository` object of a webhook payload for `acme/<name>`. */
export const repository = (name: string) => ({
  name,
  full_name: `acme/${name}`,
  owner: { login: 'acme' },
  default_branch: 'main',
});

/**
 * The runtime for the `fleetwright-config` config repo: a coder that always rewrites
 * `src/a.ts`, and `judgeFor` (a fresh approving ScriptedJudge per run unless given).
 */
export function buildFleetRuntime(
  github: FakeGitHost,
  clock: ManualClock,
  judgeFor: () => Judge = () => new ScriptedJudge(),
): FleetRuntime {
  return new FleetRuntime({
    configRepo: 'fleetwright-config',
    appSlug: 'fleetwright',
    hostFor: async () => github,
    coderFor: () => new ScriptedCoder(() => ({ outcome: 'changed', files: { 'src/a.ts': 'fetch\n' } })),
    judgeFor,
    workspaces: new FakeWorkspaces(),
    log: silentLog,
    clock,
  });
}

/** A test Probot over `runtime` with default app config, running the handlers `register` adds. */
export async function loadFleetProbot(
  runtime: FleetRuntime,
  register: (app: Probot, deps: FleetHandlerDeps) => void,
): Promise<TestProbot> {
  const deps: FleetHandlerDeps = { config: parseAppConfig({}), appSlug: 'fleetwright', fleet: runtime };
  const test = buildTestProbot();
  await test.probot.load((app) => register(app, deps));
  return test;
}
