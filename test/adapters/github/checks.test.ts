import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { OctokitGitHost } from '../../../src/adapters/github/octokit-git-host.ts';
import type { Annotation, CheckRunRequest } from '../../../src/ports/git-host.ts';
import { GitHostError } from '../../../src/shared/errors.ts';
import { buildTestOctokit } from '../../helpers/octokit.ts';

const API = 'https://api.github.com';
const REPO = '/repos/acme/config';
const SHA = 'c'.repeat(40);
const ref = { owner: 'acme', repo: 'config' };
const ensureCheckRun = (request: CheckRunRequest, options: { appId?: number } = {}) =>
  new OctokitGitHost(buildTestOctokit(), undefined, options).ensureCheckRun(ref, request);

const annotation = (line: number): Annotation => ({
  path: 'migrations/a.yml',
  startLine: line,
  endLine: line,
  startColumn: 3,
  endColumn: 9,
  level: 'failure',
  message: `problem ${line}`,
  title: 'fleetwright: schema',
});
const request = (overrides: Partial<CheckRunRequest> = {}): CheckRunRequest => ({
  name: 'fleetwright/manifests',
  headSha: SHA,
  status: 'completed',
  conclusion: 'failure',
  title: '1 error in 1 manifest',
  summary: 'summary',
  annotations: [annotation(1)],
  ...overrides,
});

function mockExisting(runs: object[], query: Record<string, string> = {}) {
  nock(API)
    .get(`${REPO}/commits/${SHA}/check-runs`)
    .query({ check_name: 'fleetwright/manifests', filter: 'latest', ...query })
    .reply(200, { total_count: runs.length, check_runs: runs });
}

describe('adapters/github/checks', () => {
  it('creates a completed run with wire-format annotations', async () => {
    mockExisting([]);
    const body = vi.fn((_body: unknown) => true);
    nock(API).post(`${REPO}/check-runs`, body).reply(201, { id: 7 });

    const result = await ensureCheckRun(request());

    expect(result).toEqual({ id: 7 });
    expect(body.mock.lastCall?.[0]).toEqual({
      name: 'fleetwright/manifests',
      head_sha: SHA,
      status: 'completed',
      conclusion: 'failure',
      output: {
        title: '1 error in 1 manifest',
        summary: 'summary',
        annotations: [
          {
            path: 'migrations/a.yml',
            start_line: 1,
            end_line: 1,
            start_column: 3,
            end_column: 9,
            annotation_level: 'failure',
            message: 'problem 1',
            title: 'fleetwright: schema',
          },
        ],
      },
    });
  });

  it('sends 120 annotations as 50 + 50 + 20 and drops columns on multi-line spans', async () => {
    mockExisting([]);
    const created = vi.fn((_body: { output: { annotations: unknown[] } }) => true);
    const patched = vi.fn(
      (_body: { output: { annotations: unknown[]; title: string; summary: string } }) => true,
    );
    nock(API).post(`${REPO}/check-runs`, created).reply(201, { id: 8 });
    nock(API).patch(`${REPO}/check-runs/8`, patched).times(2).reply(200, { id: 8 });
    const annotations = Array.from({ length: 120 }, (_, i) => annotation(i + 1));
    annotations[0] = { ...annotation(1), endLine: 3 };

    await ensureCheckRun(request({ annotations }));

    expect(created.mock.lastCall?.[0].output.annotations).toHaveLength(50);
    expect(created.mock.lastCall?.[0].output.annotations[0]).toEqual({
      path: 'migrations/a.yml',
      start_line: 1,
      end_line: 3,
      annotation_level: 'failure',
      message: 'problem 1',
      title: 'fleetwright: schema',
    });
    expect(patched.mock.calls.map(([call]) => call.output.annotations.length)).toEqual([50, 20]);
    expect(patched.mock.calls[1]?.[0].output).toMatchObject({
      title: '1 error in 1 manifest',
      summary: 'summary',
    });
  });

  it('caps the title and summary at GitHub limits', async () => {
    mockExisting([]);
    const body = vi.fn((_body: { output: { title: string; summary: string } }) => true);
    nock(API).post(`${REPO}/check-runs`, body).reply(201, { id: 9 });

    await ensureCheckRun(request({ title: 't'.repeat(300), summary: 's'.repeat(70_000), annotations: [] }));

    expect(body.mock.lastCall?.[0].output.title).toHaveLength(255);
    expect(body.mock.lastCall?.[0].output.summary).toHaveLength(65_535);
  });

  it('writes nothing when an identical completed run exists (redelivered webhook)', async () => {
    mockExisting([
      {
        id: 5,
        status: 'completed',
        conclusion: 'failure',
        output: { title: '1 error in 1 manifest', summary: 'summary', annotations_count: 1 },
      },
    ]);

    await expect(ensureCheckRun(request())).resolves.toEqual({ id: 5 });
  });

  it('updates its own run while it is still in progress', async () => {
    mockExisting(
      [
        {
          id: 6,
          status: 'in_progress',
          conclusion: null,
          output: { title: null, summary: null, annotations_count: 0 },
        },
      ],
      { app_id: '77' },
    );
    const body = vi.fn((_body: unknown) => true);
    nock(API).patch(`${REPO}/check-runs/6`, body).reply(200, { id: 6 });

    await expect(ensureCheckRun(request(), { appId: 77 })).resolves.toEqual({
      id: 6,
    });
    expect(body.mock.lastCall?.[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('creates a new run when the completed one shows another result', async () => {
    mockExisting([
      {
        id: 5,
        status: 'completed',
        conclusion: 'failure',
        output: { title: 'old', summary: 'old', annotations_count: 3 },
      },
    ]);
    nock(API).post(`${REPO}/check-runs`).reply(201, { id: 10 });

    await expect(ensureCheckRun(request({ conclusion: 'success', annotations: [] }))).resolves.toEqual({
      id: 10,
    });
  });

  it('wraps GitHub failures, keeping retry-after', async () => {
    nock(API)
      .get(`${REPO}/commits/${SHA}/check-runs`)
      .query(true)
      .reply(403, { message: 'secondary rate limit' }, { 'retry-after': '60' });

    const error = await ensureCheckRun(request()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHostError);
    expect(error).toMatchObject({ status: 403, retryAfterSeconds: 60 });
  });
});
