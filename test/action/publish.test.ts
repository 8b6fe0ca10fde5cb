import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import {
  ANNOTATIONS_PER_REQUEST,
  PublishError,
  publishCheckRun,
  type CheckRunRequest,
} from '../../action/src/publish.ts';
import type { Annotation } from '../../action/src/report.ts';

const annotation = (line: number): Annotation => ({
  path: 'src/a.ts',
  start_line: line,
  end_line: line,
  annotation_level: 'failure',
  message: `error ${line}`,
});

function request(overrides: Partial<CheckRunRequest> = {}): CheckRunRequest {
  return {
    apiUrl: 'https://ghes.example.com/api/v3',
    owner: 'acme',
    repo: 'widgets',
    token: 'ghs_token',
    name: 'fleetwright/report',
    headSha: 'a'.repeat(40),
    conclusion: 'failure',
    title: 'Failed',
    summary: '## report',
    text: '{"schemaVersion":1}',
    annotations: [],
    startedAt: new Date('2026-11-21T10:00:00Z'),
    completedAt: new Date('2026-11-21T10:01:00Z'),
    ...overrides,
  };
}

const noSleep = { sleep: async () => {} };

describe('action/publish', () => {
  it('creates a completed check run on the head SHA with the exact body and headers', async () => {
    const body = vi.fn((_body: unknown) => true);
    const scope = nock('https://ghes.example.com', {
      reqheaders: {
        authorization: 'Bearer ghs_token',
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
    })
      .post('/api/v3/repos/acme/widgets/check-runs', body)
      .reply(201, { id: 7, html_url: 'https://ghes.example.com/acme/widgets/runs/7' });

    const result = await publishCheckRun(
      request({
        annotations: [annotation(3)],
        detailsUrl: 'https://ghes.example.com/acme/widgets/actions/runs/1',
        externalId: '1-1-test',
      }),
      noSleep,
    );

    expect(result).toEqual({ id: 7, htmlUrl: 'https://ghes.example.com/acme/widgets/runs/7', requests: 1 });
    expect(scope.isDone()).toBe(true);
    expect(body.mock.lastCall?.[0]).toMatchInlineSnapshot(`
      {
        "completed_at": "2026-11-21T10:01:00.000Z",
        "conclusion": "failure",
        "details_url": "https://ghes.example.com/acme/widgets/actions/runs/1",
        "external_id": "1-1-test",
        "head_sha": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "name": "fleetwright/report",
        "output": {
          "annotations": [
            {
              "annotation_level": "failure",
              "end_line": 3,
              "message": "error 3",
              "path": "src/a.ts",
              "start_line": 3,
            },
          ],
          "summary": "## report",
          "text": "{"schemaVersion":1}",
          "title": "Failed",
        },
        "started_at": "2026-11-21T10:00:00.000Z",
        "status": "completed",
      }
    `);
  });

  it('sends at most 50 annotations per request and appends the rest with PATCH', async () => {
    const sizes: number[] = [];
    const count = (body: { output: { annotations?: unknown[]; title: string; summary: string } }) => {
      sizes.push(body.output.annotations?.length ?? 0);
      return body.output.title === 'Failed' && body.output.summary === '## report';
    };
    nock('https://ghes.example.com')
      .post('/api/v3/repos/acme/widgets/check-runs', count)
      .reply(201, { id: 9 });
    nock('https://ghes.example.com')
      .patch('/api/v3/repos/acme/widgets/check-runs/9', count)
      .times(2)
      .reply(200, { id: 9 });

    const result = await publishCheckRun(
      request({ annotations: Array.from({ length: 120 }, (_, i) => annotation(i + 1)) }),
      noSleep,
    );

    expect(sizes).toEqual([ANNOTATIONS_PER_REQUEST, ANNOTATIONS_PER_REQUEST, 20]);
    expect(result.requests).toBe(3);
  });

  it('throws a PublishError carrying the status on 403', async () => {
    nock('https://ghes.example.com')
      .post('/api/v3/repos/acme/widgets/check-runs')
      .reply(403, { message: 'Resource not accessible by integration' });

    const error = await publishCheckRun(request(), noSleep).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
  });

  it('retries server errors and secondary rate limits, then succeeds', async () => {
    const sleep = vi.fn(async (_ms: number) => {});
    nock('https://ghes.example.com').post('/api/v3/repos/acme/widgets/check-runs').reply(502, 'Bad gateway');
    nock('https://ghes.example.com')
      .post('/api/v3/repos/acme/widgets/check-runs')
      .reply(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '3' });
    nock('https://ghes.example.com').post('/api/v3/repos/acme/widgets/check-runs').reply(201, { id: 1 });

    const result = await publishCheckRun(request(), { sleep });

    expect(result.id).toBe(1);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1000, 3000]);
  });

  it('gives up after the retries with the last status', async () => {
    nock('https://ghes.example.com')
      .post('/api/v3/repos/acme/widgets/check-runs')
      .times(3)
      .reply(500, { message: 'boom' });

    await expect(publishCheckRun(request(), noSleep)).rejects.toMatchObject({ status: 500 });
  });

  it('does not retry a validation error and reports a non-JSON success body', async () => {
    nock('https://ghes.example.com')
      .post('/api/v3/repos/acme/widgets/check-runs')
      .reply(422, { message: 'Invalid head_sha' });
    nock('https://ghes.example.com').post('/api/v3/repos/acme/widgets/check-runs').reply(201, '<html>');

    await expect(publishCheckRun(request(), noSleep)).rejects.toMatchObject({ status: 422 });
    await expect(publishCheckRun(request(), noSleep)).rejects.toThrow(/non-JSON body/);
  });

  it('turns network failures into a PublishError without a status', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('fetch failed');
    });

    await expect(publishCheckRun(request(), { fetch, ...noSleep })).rejects.toMatchObject({
      name: 'PublishError',
      status: undefined,
      message: expect.stringContaining('fetch failed'),
    });
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});
