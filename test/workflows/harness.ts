/**
 * Builds the workflows over fakes: FakeGitHost behind the real pacer, the real in-process queue,
 * a ScriptedCoder and virtual time. `restart()` throws away everything in memory (view, queue,
 * pacer) and keeps only the fake GitHub, like a crashed server.
 */
import { InProcessJobs } from '../../src/adapters/local/in-process-jobs.ts';
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import type { Migration } from '../../src/core/migration.ts';
import { DEFAULT_POLICY } from '../../src/core/target/policy.ts';
import type { Policy } from '../../src/core/target/policy.ts';
import type { Target } from '../../src/core/target/target.ts';
import type { RepoRef } from '../../src/ports/git-host.ts';
import type { Log } from '../../src/ports/log.ts';
import { ContentPacer } from '../../src/workflows/content-pacer.ts';
import type { InstallationDeps, WorkflowJob } from '../../src/workflows/deps.ts';
import { FleetView } from '../../src/workflows/fleet-view.ts';
import { enqueueTick } from '../../src/workflows/fan-out.ts';
import { buildJobHandler } from '../../src/workflows/handle-job.ts';
import { buildPacedGitHost } from '../../src/workflows/paced-git-host.ts';
import type { RequestCounts } from '../../src/workflows/paced-git-host.ts';
import { FakeGitHost } from '../fakes/fake-git-host.ts';
import { FakeWorkspaces } from '../fakes/fake-workspaces.ts';
import { ManualClock } from '../fakes/manual-clock.ts';
import type { CoderScript } from '../fakes/scripted-coder.ts';
import { ScriptedCoder } from '../fakes/scripted-coder.ts';
import type { JudgeScript } from '../fakes/scripted-judge.ts';
import { ScriptedJudge } from '../fakes/scripted-judge.ts';

export const T0 = new Date('2026-11-21T09:00:00.000Z');

export interface LogEntry {
  level: string;
  meta: object;
  message: string;
}

export function buildMigration(
  overrides: {
    policy?: Partial<Policy>;
    selector?: Partial<Migration['selector']>;
    dryRun?: boolean;
    revision?: string;
    review?: Partial<Migration['review']>;
    judge?: Partial<Migration['judge']>;
  } = {},
): Migration {
  const { migrationSpentUsd: _spent, ...policy } = {
    ...DEFAULT_POLICY,
    dryRun: overrides.dryRun ?? false,
    // As in migrationFromManifest: the policy's owner preview is the manifest's `review.ownerPreview`.
    ownerPreview: overrides.review?.ownerPreview ?? false,
    ...overrides.policy,
  };
  return {
    id: 'use-fetch',
    revision: overrides.revision ?? 'rev-1',
    title: 'Replace request with fetch',
    description: 'The `request` package is deprecated; use the built-in `fetch`.',
    prompt: 'Replace every use of the request package with fetch.',
    selector: {
      repos: [],
      patterns: ['*'],
      topics: [],
      languages: [],
      exclude: [],
      includeArchived: false,
      includeForks: false,
      ...overrides.selector,
    },
    pr: { title: '{{migration.title}}', body: '{{migration.description}}', labels: ['dependencies'] },
    policy,
    coder: {
      model: 'claude-test',
      allowWorkflowEdits: false,
      allowedPaths: [],
      maxTurns: 20,
      maxOutputTokens: 4000,
      timeoutMinutes: 20,
    },
    judge: {
      model: 'claude-judge-test',
      maxOutputTokens: 2000,
      criteria: ['Keep error handling.'],
      guards: { limits: { maxChangedLines: 2000, maxChangedFiles: 60 }, severity: {} },
      ...overrides.judge,
    },
    review: { ownerPreview: false, owners: [], reviewers: 'codeowners', ...overrides.review },
  };
}

export class Harness {
  readonly clock = new ManualClock(T0);
  readonly github = new FakeGitHost({ now: () => this.clock.now() });
  readonly workspaces = new FakeWorkspaces();
  readonly coder: ScriptedCoder;
  readonly judge: ScriptedJudge;
  /** Judge models asked for, in order. */
  readonly judgeModels: string[] = [];
  readonly logs: LogEntry[] = [];
  migrations: Migration[];
  deps!: InstallationDeps;
  jobs!: InProcessJobs<WorkflowJob>;
  counts!: RequestCounts;
  pacer!: ContentPacer;

  /** Coder jobs the queue runs at once (the server's coder slots). */
  readonly coderConcurrency: number;

  constructor(options: {
    script: CoderScript;
    migrations: Migration[];
    judge?: JudgeScript;
    coderConcurrency?: number;
  }) {
    this.coderConcurrency = options.coderConcurrency ?? 2;
    this.coder = new ScriptedCoder(options.script);
    this.judge = new ScriptedJudge(options.judge);
    this.migrations = options.migrations;
    this.github.addRepo({ name: 'fleetwright-config', files: { 'README.md': '# config\n' } });
    this.restart();
  }

  /** A fresh server process: empty view, empty queue, new pacer; GitHub (the fake) unchanged. */
  restart(): void {
    const log: Log = {
      debug: (meta, message) => this.logs.push({ level: 'debug', meta, message }),
      info: (meta, message) => this.logs.push({ level: 'info', meta, message }),
      warn: (meta, message) => this.logs.push({ level: 'warn', meta, message }),
      error: (meta, message) => this.logs.push({ level: 'error', meta, message }),
    };
    this.pacer = new ContentPacer(this.clock);
    const paced = buildPacedGitHost(this.github, { pacer: this.pacer, clock: this.clock, log });
    this.counts = paced.counts;
    this.jobs = new InProcessJobs<WorkflowJob>({
      handle: buildJobHandler(() => this.deps),
      concurrency: Math.max(4, this.coderConcurrency),
      coderConcurrency: this.coderConcurrency,
      log,
    });
    this.deps = {
      installationId: 1,
      org: 'acme',
      configRepo: { owner: 'acme', repo: 'fleetwright-config' },
      host: paced.host,
      coderFor: () => this.coder,
      judgeFor: (model) => {
        this.judgeModels.push(model);
        return this.judge;
      },
      workspaces: this.workspaces,
      clock: this.clock,
      log,
      jobs: this.jobs,
      view: new FleetView(),
      appSlug: 'fleetwright',
      requestCounts: paced.counts,
      botLogin: this.github.botLogin,
      loadMigrations: async () => this.migrations,
    };
  }

  async drain(): Promise<void> {
    await this.jobs.drain();
  }

  /**
   * A target's scheduled poll as the job queue runs it: the advance, then admission (which
   * starts a queued retry or moved-base regenerate when a coder slot is free), drained.
   */
  async poll(repo: string, migrationId = 'use-fetch'): Promise<void> {
    enqueueTick(this.deps, migrationId, repo);
    await this.drain();
  }

  errors(): LogEntry[] {
    return this.logs.filter((entry) => entry.level === 'error');
  }
}

/** A coder that rewrites `src/http.ts` with the run's mode and call number, so every push differs. */
export const rewriteHttp: CoderScript = (task, call) => ({
  outcome: 'changed',
  files: { 'src/http.ts': `// ${task.mode} ${call}\n` },
});

/**
 * One migration over every repo with `policy`, the `rewriteHttp` coder, and `acme/api` holding
 * `src/http.ts` (`// v1`) with a green default branch.
 */
export function harnessWithApi(policy: Partial<Policy>): { harness: Harness; ref: RepoRef } {
  const harness = new Harness({
    migrations: [buildMigration({ policy, selector: { patterns: ['*'] } })],
    script: rewriteHttp,
  });
  const { ref, headSha } = harness.github.addRepo({ name: 'api', files: { 'src/http.ts': '// v1\n' } });
  harness.github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
  return { harness, ref };
}

/** The target in the state marker of the first PR; throws when the marker does not parse. */
export function firstPrMarker(harness: Harness): Target {
  const parsed = parseStateMarker(harness.github.allPullRequests()[0]!.body);
  if (parsed.status !== 'ok') throw new Error(parsed.status);
  return parsed.target;
}
