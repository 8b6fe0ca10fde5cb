/**
 * The committed bundle is what runners execute: run `node action/dist/index.js` the way the
 * runner does (INPUT_* and GITHUB_* variables) against a local fake Checks API.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildActionBundle } from '../../scripts/build-action.ts';
import { parseFailureReport } from '../../src/contracts/parse-failure-report.ts';

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: {
    name: string;
    head_sha: string;
    conclusion: string;
    output: {
      title: string;
      summary: string;
      text: string;
      annotations?: { path: string; start_line: number }[];
    };
  };
}

async function startFakeChecksApi(
  status = 201,
): Promise<{ server: Server; url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(text) as Recorded['body'],
      });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          status < 300
            ? { id: 1234, html_url: 'http://ghes.test/acme/widgets/runs/1234' }
            : { message: 'Resource not accessible by integration' },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/api/v3`, requests };
}

function runBundle(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('INPUT_') && !name.startsWith('GITHUB_')),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['action/dist/index.js'], { env: { ...inherited, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('action/dist/index.js', () => {
  let dir: string | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function runnerFiles() {
    dir = await mkdtemp(join(tmpdir(), 'fw-bundle-'));
    const workspace = join(dir, 'workspace');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await writeFile(join(workspace, 'src', 'a.ts'), 'export const x: number = "one";\n');
    await writeFile(
      join(dir, 'event.json'),
      JSON.stringify({ pull_request: { head: { sha: 'c'.repeat(40) } } }),
    );
    await writeFile(join(dir, 'summary.md'), '');
    await writeFile(join(dir, 'output'), '');
    return {
      workspace,
      env: {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_SHA: 'd'.repeat(40),
        GITHUB_REPOSITORY: 'acme/widgets',
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
        GITHUB_OUTPUT: join(dir, 'output'),
        RUNNER_TEMP: dir,
        INPUT_TOKEN: 'ghs_bundle',
      },
    };
  }

  it('runs the wrapped command, publishes the check run on the PR head and exits with its code', async () => {
    const api = await startFakeChecksApi();
    server = api.server;
    const files = await runnerFiles();
    const error = "src/a.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.";

    const result = await runBundle({
      ...files.env,
      GITHUB_API_URL: api.url,
      INPUT_RUN: `echo ${JSON.stringify(error)}; exit 2`,
    });

    expect(result.code).toBe(2);
    expect(result.stdout).toContain(error);
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/api/v3/repos/acme/widgets/check-runs',
      authorization: 'Bearer ghs_bundle',
      body: { name: 'fleetwright/report', head_sha: 'c'.repeat(40), conclusion: 'failure' },
    });
    const report = parseFailureReport(request?.body.output.text ?? '');
    expect(report).toMatchObject({ conclusion: 'failure', exitCode: 2 });
    expect(report.findings[0]).toMatchObject({ file: 'src/a.ts', line: 1, code: 'TS2322' });
    expect(request?.body.output.annotations?.[0]).toMatchObject({ path: 'src/a.ts', start_line: 1 });
    expect(await readFile(files.env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('TS2322');
    expect(await readFile(files.env.GITHUB_OUTPUT, 'utf8')).toMatch(/conclusion<<.*\nfailure\n/);
  });

  it('warns and still exits with the command code when the Checks API answers 403', async () => {
    const api = await startFakeChecksApi(403);
    server = api.server;
    const files = await runnerFiles();

    const result = await runBundle({ ...files.env, GITHUB_API_URL: api.url, INPUT_RUN: 'echo fine' });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/::warning::fleetwright: could not publish .*403/);
    expect(await readFile(files.env.GITHUB_OUTPUT, 'utf8')).toMatch(/conclusion<<.*\nsuccess\n/);
  });
});

describe('scripts/build-action.ts', () => {
  it('builds the same bytes every time, with no path of this machine in them', async () => {
    const [first, second] = await Promise.all([buildActionBundle(), buildActionBundle()]);

    expect(first).toBe(second);
    expect(first).not.toContain(process.cwd());
    expect(first.startsWith('// fleetwright companion Action')).toBe(true);
    expect(first).toContain('createRequire');
  });
});
