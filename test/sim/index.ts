/**
 * The GitHub simulator for tests (issue 5): `new GitHubSim().start()`, then point Octokit or
 * Probot at `sim.apiUrl` (or `GHE_HOST=sim.host`, `GHE_PROTOCOL=http`). See README.md.
 */
export {
  GitHubSim,
  type Actor,
  type CreateRepoOptions,
  type FileInput,
  type RefUpdate,
  type RepoRef,
  type SimOptions,
  type StaleWrite,
} from './simulator.ts';
export type { CiContext, CiPlan, CiScript, CiWorkflowPlan, CiJobPlan, CiConclusion } from './ci.ts';
export type { DeliveryOptions, DeliveryRecord, WebhookEvent } from './webhooks.ts';
export type { FaultSpec, RequestRecord } from './requests.ts';
export { simOctokit } from './octokit.ts';
