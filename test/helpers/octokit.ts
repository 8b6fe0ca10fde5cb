/** A Probot Octokit for adapter tests: token auth, no retries, no throttling (nock answers). */
import { ProbotOctokit } from 'probot';
import type { Octokit } from '../../src/adapters/github/octokit.ts';

export function buildTestOctokit(): Octokit {
  return new ProbotOctokit({
    auth: { token: 'test' },
    retry: { enabled: false },
    throttle: { enabled: false },
  }) as Octokit;
}
