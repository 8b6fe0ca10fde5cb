/**
 * Builds a Probot instance for handler tests: token auth (no JWT exchange), retries and
 * throttling off (otherwise every write waits >= 1 s), and a logger that records to an array.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface TestProbot {
  probot: Probot;
  logs: LogRecord[];
}

/** A Probot for `probot.receive(...)` tests; `baseUrl` points it at a local simulator. */
export function buildTestProbot(options: { baseUrl?: string } = {}): TestProbot {
  const logs: LogRecord[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(JSON.parse(chunk.toString()) as LogRecord);
      callback();
    },
  });
  const probot = new Probot({
    githubToken: 'test',
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    log: pino({ level: 'trace' }, stream),
    Octokit: ProbotOctokit.defaults((instanceOptions: object) => ({
      ...instanceOptions,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  return { probot, logs };
}
