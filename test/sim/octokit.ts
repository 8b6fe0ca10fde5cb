/**
 * A real Octokit (Probot's, with its plugins) pointed at the simulator, authenticated with a
 * freshly minted installation token; retries and throttling off so tests are fast and see
 * every error. This is what `context.octokit` looks like to the adapter.
 */
import { ProbotOctokit } from 'probot';
import type { GitHubSim } from './simulator.ts';

export type SimOctokit = InstanceType<typeof ProbotOctokit>;

export function simOctokit(
  sim: GitHubSim,
  options: { installationId?: number; baseUrl?: string } = {},
): SimOctokit {
  const installationId = options.installationId ?? [...sim.installations.keys()][0];
  if (installationId === undefined) throw new Error('the simulator has no installation yet');
  const token = sim.mintToken(installationId);
  return new ProbotOctokit({
    auth: { token },
    baseUrl: options.baseUrl ?? sim.apiUrl,
    retry: { enabled: false },
    throttle: { enabled: false },
  });
}
