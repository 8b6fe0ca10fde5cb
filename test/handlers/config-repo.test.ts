/**
 * The config-repo handlers end to end through Probot: a real-shaped webhook goes in, the exact
 * GitHub requests come out (nock; unmocked requests and unused mocks fail the test).
 */
import nock from 'nock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Probot } from 'probot';
import fleetwright from '../../src/index.ts';
import { buildTestProbot } from '../helpers/probot.ts';
import { loadWebhookExample } from '../helpers/webhook-examples.ts';
import type { EditablePayload } from '../helpers/webhook-examples.ts';

const API = 'https://api.github.com';
const REPO = '/repos/acme/fleetwright-config';
const BEFORE = 'b'.repeat(40);
const AFTER = 'a'.repeat(40);

const valid = (id: string, extra = 'prompt: Replace request with fetch.\n') =>
  `version: 1\nid: ${id}\ntitle: Migrate ${id}\n${extra}targets:\n  patterns: [web-*]\n`;
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

let probot: Probot;

beforeEach(async () => {
  vi.stubEnv('FLEETWRIGHT_CONFIG_REPO', 'fleetwright-config');
  vi.stubEnv('APP_ID', '');
  ({ probot } = buildTestProbot());
  await probot.load(fleetwright);
});

function pushPayload(
  overrides: { ref?: string; repo?: string; before?: string; after?: string; deleted?: boolean } = {},
) {
  const payload = loadWebhookExample('push.branch');
  const name = overrides.repo ?? 'fleetwright-config';
  Object.assign(payload, {
    ref: overrides.ref ?? 'refs/heads/main',
    before: overrides.before ?? BEFORE,
    after: overrides.after ?? AFTER,
    deleted: overrides.deleted ?? false,
  });
  Object.assign(payload.repository, { name, full_name: `acme/${name}`, default_branch: 'main' });
  Object.assign(payload.repository.owner, { login: 'acme', name: 'acme' });
  return payload;
}

function pullRequestPayload(action: 'opened' | 'synchronize' | 'reopened', baseRef = 'main') {
  const payload = loadWebhookExample(`pull_request.${action}`);
  Object.assign(payload.repository, {
    name: 'fleetwright-config',
    full_name: 'acme/fleetwright-config',
    default_branch: 'main',
  });
  Object.assign(payload.repository.owner, { login: 'acme' });
  Object.assign(payload.pull_request.base, { ref: baseRef, sha: BEFORE });
  Object.assign(payload.pull_request.head, { sha: AFTER });
  return payload;
}

/** Mocks reading `migrations/` and the given files at AFTER. */
function mockContents(files: Record<string, string>, sizes: Record<string, number> = {}) {
  const scope = nock(API);
  const manifests = Object.keys(files).filter((path) => path.startsWith('migrations/'));
  scope
    .get(`${REPO}/contents/migrations`)
    .query({ ref: AFTER })
    .reply(
      200,
      manifests.map((path) => ({
        type: 'file',
        name: path.split('/').pop(),
        path,
        sha: `sha-${path}`,
        size: sizes[path] ?? files[path]?.length,
      })),
    );
  for (const [path, text] of Object.entries(files)) {
    if (sizes[path] !== undefined) continue; // oversize files are never downloaded
    scope
      .get(`${REPO}/contents/${encodeURIComponent(path)}`)
      .query({ ref: AFTER })
      .reply(200, { type: 'file', path, sha: `sha-${path}`, encoding: 'base64', content: base64(text) });
  }
  return scope;
}

function mockCompare(changed: string[]) {
  return nock(API)
    .get(`${REPO}/compare/${BEFORE}...${AFTER}`)
    .reply(200, { files: changed.map((filename) => ({ filename, status: 'modified' })) });
}

function mockNoExistingCheckRun() {
  return nock(API)
    .get(`${REPO}/commits/${AFTER}/check-runs`)
    .query({ check_name: 'fleetwright/manifests', filter: 'latest' })
    .reply(200, { total_count: 0, check_runs: [] });
}

function captureCheckRun() {
  const body = vi.fn((_body: EditablePayload) => true);
  nock(API).post(`${REPO}/check-runs`, body).reply(201, { id: 42 });
  return body;
}

describe('handlers: config repo validation', () => {
  it('posts a successful check run with the migrations table on a push to the default branch', async () => {
    mockContents({ 'migrations/web-fetch.yml': valid('web-fetch') });
    mockCompare(['migrations/web-fetch.yml']);
    mockNoExistingCheckRun();
    const body = captureCheckRun();

    await probot.receive({ id: 'd1', name: 'push', payload: pushPayload() } as never);

    expect(body.mock.lastCall?.[0]).toEqual({
      name: 'fleetwright/manifests',
      head_sha: AFTER,
      status: 'completed',
      conclusion: 'success',
      output: {
        title: '1 migration valid',
        summary: [
          '**1 manifest**: 1 valid, 0 with errors · commit `aaaaaaaaaaaa`.',
          '',
          '| Migration | Title | File | Targets | Rollout and budget | Status |',
          '| --- | --- | --- | --- | --- | --- |',
          '| `web-fetch` | Migrate web-fetch | migrations/web-fetch.yml | patterns: web-\\* | active; ≤ 10 open PRs, 5/h; $5/repo, $100 total | ✅ valid |',
          '',
        ].join('\n'),
      },
    });
  });

  it('annotates every error at its line, 50 per request and the rest by PATCH', async () => {
    const unknownKeys = Array.from({ length: 60 }, (_, i) => `  extra${i}: 1`).join('\n');
    mockContents({
      'migrations/broken.yml': `${valid('broken')}${'budget:\n'}${unknownKeys}\n`,
      'migrations/ok.yml': valid('ok'),
    });
    mockCompare(['migrations/broken.yml']);
    mockNoExistingCheckRun();
    const created = captureCheckRun();
    const patched = vi.fn((_body: EditablePayload) => true);
    nock(API).patch(`${REPO}/check-runs/42`, patched).reply(200, { id: 42 });

    await probot.receive({ id: 'd2', name: 'push', payload: pushPayload() } as never);

    const first = created.mock.lastCall?.[0];
    expect(first).toMatchObject({ conclusion: 'failure', output: { title: '60 errors in 1 manifest' } });
    expect(first?.output.annotations).toHaveLength(50);
    expect(first?.output.annotations[0]).toEqual({
      path: 'migrations/broken.yml',
      start_line: 8,
      end_line: 8,
      start_column: 3,
      end_column: 9,
      annotation_level: 'failure',
      message:
        "unknown key 'extra0' in budget; expected one of: maxIterations, maxCostPerRepoUsd, maxTotalUsd, maxCoderTurns, coderTimeoutMinutes, ciTimeoutMinutes",
      title: 'fleetwright: unknown-key',
    });
    const second = patched.mock.lastCall?.[0];
    expect(second?.output.annotations).toHaveLength(10);
    expect(second?.output.annotations[9]).toMatchObject({
      start_line: 67,
      message: expect.stringContaining("'extra59'"),
    });
    expect(second?.output.title).toBe('60 errors in 1 manifest');
    expect(first?.output.summary).toContain('| `ok` | Migrate ok | migrations/ok.yml |');
  });

  it('reports broken YAML and an oversize manifest as annotations instead of crashing', async () => {
    mockContents(
      { 'migrations/yaml.yml': 'version: 1\nid: [yaml\ntitle: x\n', 'migrations/huge.yml': 'x' },
      { 'migrations/huge.yml': 300_000 },
    );
    mockCompare(['migrations/yaml.yml', 'migrations/huge.yml']);
    mockNoExistingCheckRun();
    const body = captureCheckRun();

    await probot.receive({ id: 'd3', name: 'push', payload: pushPayload() } as never);

    expect(body.mock.lastCall?.[0].output.annotations).toEqual([
      {
        path: 'migrations/huge.yml',
        start_line: 1,
        end_line: 1,
        start_column: 1,
        end_column: 1,
        annotation_level: 'failure',
        message:
          'manifest is 300000 bytes; expected at most 262144 bytes (move long prompts to a promptFile)',
        title: 'fleetwright: too-large',
      },
      {
        path: 'migrations/yaml.yml',
        start_line: 3,
        end_line: 3,
        start_column: 1,
        end_column: 1,
        annotation_level: 'failure',
        message:
          'YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
        title: 'fleetwright: yaml-syntax',
      },
    ]);
  });

  it('checks prompt files at the same commit and fails when one is missing', async () => {
    mockContents({ 'migrations/a.yml': valid('a', 'promptFile: prompts/a.md\n') });
    nock(API)
      .get(`${REPO}/contents/prompts%2Fa.md`)
      .query({ ref: AFTER })
      .reply(404, { message: 'Not Found' });
    mockCompare(['prompts/a.md']);
    mockNoExistingCheckRun();
    const body = captureCheckRun();

    await probot.receive({ id: 'd4', name: 'push', payload: pushPayload() } as never);

    expect(body.mock.lastCall?.[0]).toMatchObject({
      conclusion: 'failure',
      output: {
        annotations: [
          {
            path: 'migrations/a.yml',
            start_line: 4,
            start_column: 13,
            message:
              "prompt file 'prompts/a.md' does not exist; expected a file at that path relative to the config repo root",
          },
        ],
      },
    });
  });

  it('does not fail a change for problems in files it did not touch', async () => {
    mockContents({ 'migrations/old.yml': 'version: 1\nid: old\ntitle: Old\ntargets:\n  patterns: [x]\n' });
    mockCompare(['README.md']);
    mockNoExistingCheckRun();
    const body = captureCheckRun();

    await probot.receive({ id: 'd5', name: 'push', payload: pushPayload() } as never);

    expect(body.mock.lastCall?.[0]).toMatchObject({
      conclusion: 'success',
      output: {
        annotations: [
          {
            annotation_level: 'warning',
            message: expect.stringContaining('(in a file this change did not touch)'),
          },
        ],
      },
    });
  });

  it.each(['opened', 'synchronize', 'reopened'] as const)(
    'validates pull_request.%s on the head commit',
    async (action) => {
      mockContents({ 'migrations/a.yml': valid('a') });
      mockCompare(['migrations/a.yml']);
      mockNoExistingCheckRun();
      const body = captureCheckRun();

      await probot.receive({
        id: `pr-${action}`,
        name: 'pull_request',
        payload: pullRequestPayload(action),
      } as never);

      expect(body.mock.lastCall?.[0]).toMatchObject({
        head_sha: AFTER,
        conclusion: 'success',
        output: { title: '1 migration valid' },
      });
    },
  );

  it.each([
    ['another repository', { name: 'push', payload: pushPayload({ repo: 'web-app' }) }],
    ['a non-default branch', { name: 'push', payload: pushPayload({ ref: 'refs/heads/feature' }) }],
    ['a tag', { name: 'push', payload: pushPayload({ ref: 'refs/tags/v1' }) }],
    ['a branch deletion', { name: 'push', payload: pushPayload({ deleted: true, after: '0'.repeat(40) }) }],
    [
      'a pull request against another branch',
      { name: 'pull_request', payload: pullRequestPayload('opened', 'release') },
    ],
  ])('ignores %s without calling GitHub', async (_name, event) => {
    await expect(probot.receive({ id: 'skip', ...event } as never)).resolves.toBeUndefined();
  });

  it('validates again when the manifests check is re-run, against the original base', async () => {
    mockContents({ 'migrations/a.yml': valid('a') });
    mockCompare(['migrations/a.yml']);
    mockNoExistingCheckRun();
    const body = captureCheckRun();
    const payload = loadWebhookExample('check_run.rerequested');
    Object.assign(payload.repository, { name: 'fleetwright-config', full_name: 'acme/fleetwright-config' });
    Object.assign(payload.repository.owner, { login: 'acme' });
    Object.assign(payload.check_run, { name: 'fleetwright/manifests', head_sha: AFTER, pull_requests: [] });
    Object.assign(payload.check_run.check_suite, { before: BEFORE, after: AFTER });

    await probot.receive({ id: 'rerun', name: 'check_run', payload } as never);

    expect(body.mock.lastCall?.[0]).toMatchObject({ head_sha: AFTER, conclusion: 'success' });
  });

  it('validates the commit again on "Re-run all checks" (check_suite.rerequested)', async () => {
    mockContents({ 'migrations/a.yml': 'version: 1\nid: a\n' });
    mockCompare(['migrations/a.yml']);
    mockNoExistingCheckRun();
    const body = captureCheckRun();
    const payload = loadWebhookExample('check_suite.rerequested');
    Object.assign(payload.repository, { name: 'fleetwright-config', full_name: 'acme/fleetwright-config' });
    Object.assign(payload.repository.owner, { login: 'acme' });
    Object.assign(payload.check_suite, { head_sha: AFTER, before: BEFORE, after: AFTER, pull_requests: [] });

    await probot.receive({ id: 'rerun-all', name: 'check_suite', payload } as never);

    expect(body.mock.lastCall?.[0]).toMatchObject({
      head_sha: AFTER,
      conclusion: 'failure',
      output: { title: '3 errors in 1 manifest' },
    });
  });

  it('ignores "Re-run all checks" outside the config repo', async () => {
    const payload = loadWebhookExample('check_suite.rerequested');
    Object.assign(payload.repository, { name: 'api', full_name: 'acme/api' });

    await expect(
      probot.receive({ id: 'rerun-elsewhere', name: 'check_suite', payload } as never),
    ).resolves.toBeUndefined();
  });

  it('ignores re-runs of other checks', async () => {
    const payload = loadWebhookExample('check_run.rerequested');
    Object.assign(payload.repository, { name: 'fleetwright-config' });

    await expect(
      probot.receive({ id: 'other', name: 'check_run', payload } as never),
    ).resolves.toBeUndefined();
  });

  it('validates everything when the push created the branch (no compare base)', async () => {
    mockContents({ 'migrations/old.yml': 'version: 1\nid: old\n' });
    mockNoExistingCheckRun();
    const body = captureCheckRun();

    await probot.receive({
      id: 'd6',
      name: 'push',
      payload: pushPayload({ before: '0'.repeat(40) }),
    } as never);

    expect(body.mock.lastCall?.[0]).toMatchObject({
      conclusion: 'failure',
      output: { title: '3 errors in 1 manifest' },
    });
  });
});
