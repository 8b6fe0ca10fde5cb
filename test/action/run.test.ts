import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type * as CoreModule from '@actions/core';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FailureReport } from '../../src/contracts/failure-report.ts';
import { renderGroupTitle, run, type RunDeps } from '../../action/src/run.ts';

// Typed spies over the real toolkit: setOutput and summary still write the runner's files.
vi.mock('@actions/core', async (importOriginal) => {
  const actual = await importOriginal<typeof CoreModule>();
  return {
    ...actual,
    info: vi.fn((_message: string) => {}),
    warning: vi.fn((_message: string | Error) => {}),
    setFailed: vi.fn((_message: string | Error) => {}),
    setSecret: vi.fn((_secret: string) => {}),
    group: vi.fn(async <T>(_name: string, fn: () => Promise<T>) => fn()),
  };
});

const API = 'https://ghes.example.com';
const API_PATH = '/api/v3/repos/acme/widgets';
const HEAD_SHA = '1'.repeat(40);
const MERGE_SHA = '2'.repeat(40);

interface Runner {
  workspace: string;
  dir: string;
  summary: () => Promise<string>;
  outputs: () => Promise<Record<string, string>>;
  log: () => string;
  deps: Partial<RunDeps> & { setExitCode: ReturnType<typeof vi.fn> };
}

let runner: Runner;
/**
 * @actions/core's summary remembers the GITHUB_STEP_SUMMARY path of its first write (one file
 * per process on a real runner), so all tests share one summary file, emptied before each test.
 */
let summaryDir: string;

/** A fake runner: workspace, event file, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP. */
async function setUpRunner(
  event: { name: string; payload?: unknown } = { name: 'pull_request' },
): Promise<Runner> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-run-'));
  const workspace = join(dir, 'workspace');
  await mkdir(join(workspace, 'src'), { recursive: true });
  await mkdir(join(dir, 'temp'));
  await writeFile(join(workspace, 'src', 'a.ts'), 'export const x: number = "one";\n');
  const eventPath = join(dir, 'event.json');
  await writeFile(
    eventPath,
    JSON.stringify(
      event.payload ?? { pull_request: { number: 5, head: { sha: HEAD_SHA, ref: 'fleetwright/m' } } },
    ),
  );
  await writeFile(join(summaryDir, 'summary.md'), '');
  await writeFile(join(dir, 'output'), '');
  const env: Record<string, string> = {
    GITHUB_API_URL: `${API}/api/v3`,
    GITHUB_SERVER_URL: API,
    GITHUB_REPOSITORY: 'acme/widgets',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: MERGE_SHA,
    GITHUB_RUN_ID: '99',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'test',
    GITHUB_ACTION: '__run',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(dir, 'temp'),
    GITHUB_STEP_SUMMARY: join(summaryDir, 'summary.md'),
    GITHUB_OUTPUT: join(dir, 'output'),
    INPUT_TOKEN: 'ghs_test_token',
    'INPUT_REPORT-NAME': 'fleetwright/report',
    INPUT_TOOLS: 'auto',
    'INPUT_WORKING-DIRECTORY': '.',
    'INPUT_MAX-FINDINGS': '30',
    'INPUT_FAIL-ON-ERROR': 'true',
    INPUT_DETECT: 'false',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const chunks: Buffer[] = [];
  const sink = { write: (chunk: Uint8Array) => chunks.push(Buffer.from(chunk)) };
  return {
    dir,
    workspace,
    summary: () => readFile(join(summaryDir, 'summary.md'), 'utf8'),
    outputs: async () => parseOutputFile(await readFile(join(dir, 'output'), 'utf8')),
    log: () => Buffer.concat(chunks).toString('utf8'),
    deps: {
      env: process.env,
      stdout: sink,
      stderr: sink,
      sleep: async () => {},
      now: () => new Date('2026-11-21T10:00:00Z'),
      setExitCode: vi.fn((_code: number) => {}),
    },
  };
}

/** Parses the `name<<delimiter` format @actions/core writes to GITHUB_OUTPUT. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string;
  return outputs;
}

/** A node -e command that prints `lines` and exits with `code`. */
function nodeCommand(lines: string[], code: number): string {
  return `node -e ${JSON.stringify(`process.stdout.write(${JSON.stringify(lines.map((line) => `${line}\n`).join(''))}); process.exit(${code})`)}`;
}

/** A node:test file with one passing test per name. */
function nodeTests(names: string[]): string {
  return `import { test } from 'node:test';\n${names.map((name) => `test(${JSON.stringify(name)}, () => {});`).join('\n')}\n`;
}

const tscError = "src/a.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.";

interface CheckRunBody {
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  details_url?: string;
  external_id?: string;
  output: {
    title: string;
    summary: string;
    text: string;
    annotations?: { path: string; start_line: number }[];
  };
}

describe('action/run', () => {
  beforeAll(async () => {
    summaryDir = await mkdtemp(join(tmpdir(), 'fw-summary-'));
  });
  afterAll(async () => {
    await rm(summaryDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    vi.mocked(core.warning).mockClear();
    vi.mocked(core.setFailed).mockClear();
    vi.mocked(core.group).mockClear();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    core.summary.emptyBuffer();
    if (runner) await rm(runner.dir, { recursive: true, force: true });
  });

  it('still reports the exit code, with a warning, when the condense worker cannot run', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_RUN', nodeCommand(['> tsc --noEmit', tscError, 'Found 1 error.'], 2));
    const body = vi.fn((_body: CheckRunBody) => true);
    nock(API)
      .post(`${API_PATH}/check-runs`, body)
      .reply(201, { id: 42, html_url: `${API}/acme/widgets/runs/42` });
    const broken = new URL(`data:text/javascript,${encodeURIComponent('throw new Error("worker gone")')}`);

    const result = await run({ ...runner.deps, condenseWorker: broken });

    expect(result.exitCode).toBe(2);
    expect(runner.log()).toBe(`> tsc --noEmit\n${tscError}\nFound 1 error.\n`);
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining('the condenser failed'));
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining('worker gone'));
    const report = FailureReport.parse(JSON.parse((body.mock.lastCall?.[0] as CheckRunBody).output.text));
    expect(report).toMatchObject({ conclusion: 'failure', exitCode: 2, findings: [] });
  });

  it('wrapper mode: a failing command publishes the report on the PR head SHA and exits with its code', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_RUN', nodeCommand(['> tsc --noEmit', tscError, 'Found 1 error.'], 2));
    const body = vi.fn((_body: CheckRunBody) => true);
    nock(API)
      .post(`${API_PATH}/check-runs`, body)
      .matchHeader('authorization', 'Bearer ghs_test_token')
      .reply(201, { id: 41, html_url: `${API}/acme/widgets/runs/41` });

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(2);
    expect(runner.deps.setExitCode).toHaveBeenLastCalledWith(2);
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining('exited with code 2'));
    expect(runner.log()).toBe(`> tsc --noEmit\n${tscError}\nFound 1 error.\n`);

    const sent = body.mock.lastCall?.[0] as CheckRunBody;
    expect(sent).toMatchObject({
      name: 'fleetwright/report',
      head_sha: HEAD_SHA,
      status: 'completed',
      conclusion: 'failure',
      details_url: `${API}/acme/widgets/actions/runs/99/attempts/1`,
      external_id: '99-1-test',
    });
    const report = FailureReport.parse(JSON.parse(sent.output.text));
    expect(report).toMatchObject({
      conclusion: 'failure',
      exitCode: 2,
      findings: [{ file: 'src/a.ts', line: 1, column: 14, code: 'TS2322' }],
      source: { producer: 'action', job: 'test', runUrl: `${API}/acme/widgets/actions/runs/99/attempts/1` },
    });
    expect(report.command).toContain('node -e');
    expect(sent.output.summary).toContain('src/a.ts:1');
    expect(sent.output.annotations).toEqual([
      expect.objectContaining({
        path: 'src/a.ts',
        start_line: 1,
        start_column: 14,
        annotation_level: 'failure',
      }),
    ]);

    const outputs = await runner.outputs();
    expect(outputs).toMatchObject({
      conclusion: 'failure',
      'exit-code': '2',
      'check-run-url': `${API}/acme/widgets/runs/41`,
    });
    expect(outputs['report-path']).toBe(join(runner.dir, 'temp', 'fleetwright', 'report-__run.json'));
    expect(JSON.parse(await readFile(outputs['report-path'] as string, 'utf8'))).toEqual(report);
    expect(await runner.summary()).toContain('src/a.ts:1');
    expect(core.warning).not.toHaveBeenCalled();
  });

  it('wrapper mode: a passing command reports success with no findings', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_RUN', nodeCommand(['all good'], 0));
    const body = vi.fn((_body: CheckRunBody) => true);
    nock(API).post(`${API_PATH}/check-runs`, body).reply(201, { id: 1 });

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(0);
    expect(runner.deps.setExitCode).toHaveBeenLastCalledWith(0);
    expect(core.setFailed).not.toHaveBeenCalled();
    const sent = body.mock.lastCall?.[0] as CheckRunBody;
    expect(sent.conclusion).toBe('success');
    expect(sent.output.annotations).toBeUndefined();
    expect(JSON.parse(sent.output.text)).toMatchObject({ conclusion: 'success', exitCode: 0, findings: [] });
    expect(await runner.outputs()).toMatchObject({
      conclusion: 'success',
      'exit-code': '0',
      'check-run-url': '',
    });
  });

  it('without a token it writes the job summary and the report file, warns, and keeps the exit code', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_TOKEN', '');
    vi.stubEnv('INPUT_RUN', nodeCommand([tscError], 1));

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(1);
    expect(result.checkRun).toBeUndefined();
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining("missing a token (input 'token')"));
    expect(await runner.summary()).toContain('src/a.ts:1');
    expect((await runner.outputs())['report-path']).toMatch(/report-__run\.json$/);
  });

  it('a 403 from the Checks API becomes a warning naming the permission; the run still completes', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_RUN', nodeCommand([tscError], 2));
    nock(API)
      .post(`${API_PATH}/check-runs`)
      .reply(403, { message: 'Resource not accessible by integration' });

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(2);
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining('permissions: checks: write'));
    expect(core.setFailed).toHaveBeenCalledTimes(1);
    expect(await runner.summary()).toContain('src/a.ts:1');
    expect((await runner.outputs())['check-run-url']).toBe('');
  });

  it('sends more than 50 annotations in batches of 50 (POST then PATCH)', async () => {
    runner = await setUpRunner();
    // Two tools, 60 errors each: each tool may fill a third of the 150 findings.
    vi.stubEnv('INPUT_MAX-FINDINGS', '150');
    const errors = [
      ...Array.from(
        { length: 60 },
        (_, i) => `src/a.ts(${i + 1},1): error TS2304: Cannot find name 'n${i}'.`,
      ),
      ...Array.from({ length: 60 }, (_, i) => `::error file=src/b.ts,line=${i + 1}::Problem number ${i}`),
    ];
    vi.stubEnv('INPUT_RUN', nodeCommand(errors, 2));
    const sizes: number[] = [];
    const count = (body: CheckRunBody) => {
      sizes.push(body.output.annotations?.length ?? 0);
      return true;
    };
    nock(API).post(`${API_PATH}/check-runs`, count).reply(201, { id: 7 });
    nock(API).patch(`${API_PATH}/check-runs/7`, count).reply(200, { id: 7 });

    const result = await run(runner.deps);

    expect(result.checkRun?.requests).toBe(2);
    expect(sizes).toEqual([50, 50]);
  });

  it('a push reports on GITHUB_SHA with the baseline test counts', async () => {
    runner = await setUpRunner({ name: 'push', payload: { ref: 'refs/heads/main' } });
    await writeFile(
      join(runner.workspace, 'src', 'ok.test.mjs'),
      nodeTests(['adds', 'subtracts', 'multiplies', 'divides']),
    );
    vi.stubEnv('INPUT_RUN', "node --test 'src/*.test.mjs'");
    const body = vi.fn((_body: CheckRunBody) => true);
    nock(API).post(`${API_PATH}/check-runs`, body).reply(201, { id: 3 });

    await run(runner.deps);

    const sent = body.mock.lastCall?.[0] as CheckRunBody;
    expect(sent.head_sha).toBe(MERGE_SHA);
    expect(sent.conclusion).toBe('success');
    expect(sent.output.title).toBe('Passed: 4 passed, 0 failed');
    expect(JSON.parse(sent.output.text).testCounts).toMatchObject({ passed: 4, failed: 0, skipped: 0 });
  });

  it('pull_request_target runs also attach to the PR head', async () => {
    runner = await setUpRunner({ name: 'pull_request_target' });
    vi.stubEnv('INPUT_RUN', nodeCommand(['ok'], 0));
    const body = vi.fn((_body: CheckRunBody) => true);
    nock(API).post(`${API_PATH}/check-runs`, body).reply(201, { id: 3 });

    await run(runner.deps);

    expect((body.mock.lastCall?.[0] as CheckRunBody).head_sha).toBe(HEAD_SHA);
  });

  it('a pull_request payload without head.sha falls back to GITHUB_SHA with a warning', async () => {
    runner = await setUpRunner({ name: 'pull_request', payload: { pull_request: { number: 1 } } });
    vi.stubEnv('INPUT_RUN', nodeCommand(['ok'], 0));
    const body = vi.fn((_body: CheckRunBody) => true);
    nock(API).post(`${API_PATH}/check-runs`, body).reply(201, { id: 3 });

    await run(runner.deps);

    expect((body.mock.lastCall?.[0] as CheckRunBody).head_sha).toBe(MERGE_SHA);
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining('no pull_request.head.sha'));
  });

  it('honours a GHES API URL with a trailing slash and never calls another host', async () => {
    runner = await setUpRunner();
    vi.stubEnv('GITHUB_API_URL', 'https://ghes.internal.example/api/v3/');
    vi.stubEnv('INPUT_RUN', nodeCommand(['ok'], 0));
    nock('https://ghes.internal.example').post('/api/v3/repos/acme/widgets/check-runs').reply(201, { id: 8 });

    const result = await run(runner.deps);

    expect(result.checkRun?.id).toBe(8);
  });

  it('passes binary noise (NUL, invalid UTF-8, ANSI, \\r) through to the log byte for byte', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_TOKEN', '');
    vi.stubEnv('INPUT_RUN', String.raw`printf '\000\377\376 \033[31mred\033[0m\r50%%\r100%%\n'; exit 1`);
    const bytes: Buffer[] = [];
    const sink = { write: (chunk: Uint8Array) => bytes.push(Buffer.from(chunk)) };

    const result = await run({ ...runner.deps, stdout: sink, stderr: sink });

    expect(Buffer.concat(bytes)).toEqual(
      Buffer.from([0, 0xff, 0xfe, ...Buffer.from(' \u001b[31mred\u001b[0m\r50%\r100%\n')]),
    );
    expect(result.exitCode).toBe(1);
    expect(result.report).toMatchObject({ conclusion: 'failure', exitCode: 1 });
  });

  it('fail-on-error: false lets the step pass but still reports failure', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_RUN', nodeCommand([tscError], 2));
    vi.stubEnv('INPUT_FAIL-ON-ERROR', 'false');
    vi.stubEnv('INPUT_TOKEN', '');

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(0);
    expect(runner.deps.setExitCode).toHaveBeenLastCalledWith(0);
    expect(core.setFailed).not.toHaveBeenCalled();
    expect((await runner.outputs()).conclusion).toBe('failure');
  });

  it('maps paths printed from a working-directory to repository paths', async () => {
    runner = await setUpRunner();
    await mkdir(join(runner.workspace, 'packages', 'app', 'src'), { recursive: true });
    await writeFile(join(runner.workspace, 'packages', 'app', 'src', 'a.ts'), '');
    vi.stubEnv('INPUT_WORKING-DIRECTORY', 'packages/app');
    vi.stubEnv('INPUT_TOKEN', '');
    vi.stubEnv('INPUT_RUN', nodeCommand([tscError], 2));

    const result = await run(runner.deps);

    expect(result.report?.findings[0]?.file).toBe('packages/app/src/a.ts');
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['bad inputs', { INPUT_RUN: 'true', INPUT_DETECT: 'true' }, /mutually exclusive/],
    [
      'a working directory outside the workspace',
      { INPUT_RUN: 'true', 'INPUT_WORKING-DIRECTORY': '..' },
      /outside the workspace/,
    ],
    [
      'a missing working directory',
      { INPUT_RUN: 'true', 'INPUT_WORKING-DIRECTORY': 'nope' },
      /is not a directory/,
    ],
    ['nothing to detect', { INPUT_DETECT: 'true' }, /detect found no build system/],
  ])('fails the step clearly on %s, without running or publishing', async (_name, env, message) => {
    runner = await setUpRunner();
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(1);
    expect(result.report).toBeUndefined();
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringMatching(message));
    expect(runner.deps.setExitCode).toHaveBeenLastCalledWith(1);
  });

  it('detect mode runs the package.json steps in order and stops at the first failure', async () => {
    runner = await setUpRunner();
    await mkdir(join(runner.workspace, 'node_modules'));
    await writeFile(join(runner.workspace, 'package-lock.json'), '{}');
    await writeFile(
      join(runner.workspace, 'package.json'),
      JSON.stringify({
        name: 'fixture',
        private: true,
        scripts: {
          lint: 'node -e "console.log(\'lint ok\')"',
          build: 'node build.js',
          test: "node -e \"require('fs').writeFileSync('tests-ran', '')\"",
        },
      }),
    );
    await writeFile(
      join(runner.workspace, 'build.js'),
      `console.log(${JSON.stringify(tscError)});\nprocess.exit(2);\n`,
    );
    vi.stubEnv('INPUT_DETECT', 'true');
    const body = vi.fn((_body: CheckRunBody) => true);
    nock(API).post(`${API_PATH}/check-runs`, body).reply(201, { id: 5 });

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(2);
    expect(runner.log()).toContain('lint ok');
    await expect(readFile(join(runner.workspace, 'tests-ran'))).rejects.toThrow();
    const report = JSON.parse((body.mock.lastCall?.[0] as CheckRunBody).output.text) as FailureReport;
    expect(report.command).toBe('npm run build');
    expect(report.findings).toEqual([expect.objectContaining({ file: 'src/a.ts', code: 'TS2322' })]);
    expect(core.group).toHaveBeenCalledWith(expect.stringContaining('npm run lint'), expect.any(Function));
  });

  it('detect mode on a Go module: gofmt, vet and build pass, the failing test is reported', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_TOKEN', '');
    vi.stubEnv('GOTOOLCHAIN', 'local');
    vi.stubEnv('GOFLAGS', '-mod=mod');
    await writeFile(join(runner.workspace, 'go.mod'), 'module example.com/calc\n\ngo 1.19\n');
    await writeFile(
      join(runner.workspace, 'calc.go'),
      'package calc\n\nfunc Double(n int) int { return n + n + 1 }\n',
    );
    await writeFile(
      join(runner.workspace, 'calc_test.go'),
      'package calc\n\nimport "testing"\n\nfunc TestDouble(t *testing.T) {\n\tif got := Double(2); got != 4 {\n\t\tt.Errorf("Double(2) = %d, want 4", got)\n\t}\n}\n',
    );
    vi.stubEnv('INPUT_DETECT', 'true');

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(1);
    expect(result.report?.command).toBe('go test ./...');
    expect(result.report?.findings).toEqual([
      expect.objectContaining({
        kind: 'test-failure',
        file: 'calc_test.go',
        line: 7,
        message: expect.stringContaining('Double(2) = 5, want 4'),
      }),
    ]);
    expect(vi.mocked(core.group).mock.calls.map(([name]) => name)).toEqual([
      expect.stringContaining('gofmt'),
      'vet (go vet ./...)',
      'build (go build ./...)',
      'test (go test ./...)',
    ]);
  });

  it('detect mode on a Makefile project reports the compiler error and skips the tests', async () => {
    runner = await setUpRunner();
    vi.stubEnv('INPUT_TOKEN', '');
    await writeFile(
      join(runner.workspace, 'Makefile'),
      'app: main.c\n\tcc -Wall -o app main.c\n\ntest: app\n\t./app\n',
    );
    await writeFile(join(runner.workspace, 'main.c'), 'int main(void) {\n  return count;\n}\n');
    vi.stubEnv('INPUT_DETECT', 'true');

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(2);
    expect(result.report?.command).toBe('make');
    expect(result.report?.findings[0]).toMatchObject({
      file: 'main.c',
      line: 2,
      message: expect.stringContaining('count'),
    });
    expect(vi.mocked(core.group).mock.calls.map(([name]) => name)).toEqual(['build (make)']);
  });

  it('detect mode: every step green gives one success report over all commands', async () => {
    runner = await setUpRunner();
    await mkdir(join(runner.workspace, 'node_modules'));
    await writeFile(
      join(runner.workspace, 'package.json'),
      JSON.stringify({ scripts: { lint: 'node -e 0', test: "node --test 'src/*.test.mjs'" } }),
    );
    await writeFile(join(runner.workspace, 'src', 'ok.test.mjs'), nodeTests(['one', 'two']));
    vi.stubEnv('INPUT_DETECT', 'true');
    vi.stubEnv('INPUT_TOKEN', '');

    const result = await run(runner.deps);

    expect(result.exitCode).toBe(0);
    expect(result.report).toMatchObject({
      conclusion: 'success',
      command: 'npm run lint && npm test',
    });
    expect(result.report?.testCounts).toMatchObject({ passed: 2, failed: 0, skipped: 0 });
  });
});

describe('action/run renderGroupTitle', () => {
  it.each([
    ['npm test', 'npm test'],
    ['  npm ci\nnpm test\n', 'npm ci …'],
    ['x'.repeat(150), `${'x'.repeat(99)}…`],
  ])('%j → %j', (command, title) => {
    expect(renderGroupTitle(command)).toBe(title);
  });
});
