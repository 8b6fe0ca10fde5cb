/** The Octokit type the GitHub adapters take: Probot's, as handed out on `context.octokit`. */
import type { ProbotOctokit } from 'probot';

export type Octokit = InstanceType<typeof ProbotOctokit>;

/** Minimal logger the adapters accept (a pino/Probot logger satisfies it). */
export interface AdapterLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: AdapterLogger = { debug: () => {}, warn: () => {} };
