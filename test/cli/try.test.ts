import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { registerCleanups } from '../helpers/cleanups.ts';
import { captureIo } from '../helpers/cli-io.ts';
import {
  message,
  startFakeMessagesApi,
  toolUse,
  type FakeMessagesApi,
  type RecordedRequest,
  type ScriptStep,
} from '../helpers/fake-messages-api.ts';
import { TRY_MANIFEST, VERIFY_COMMAND, buildTryFixture, exec } from '../helpers/try-fixture.ts';

const EDITOR = 'str_replace_based_edit_tool';
const cleanups = registerCleanups();

const MANIFEST = TRY_MANIFEST;

function fixture(): Promise<{ repo: string; manifest: string }> {
  return buildTryFixture(cleanups);
}

async function api(script: ScriptStep[]): Promise<FakeMessagesApi> {
  const fake = await startFakeMessagesApi(script);
  cleanups.push(() => fake.close());
  return fake;
}

const verifyCommand = VERIFY_COMMAND;

function userText(request: RecordedRequest): string {
  return JSON.stringify(request.body.messages[0]);
}

describe('cli/try', () => {
  it('breaks a test, gets the real condensed failure back, repairs it, and ends green', async () => {
    const { repo, manifest } = await fixture();
    const seenRepair: string[] = [];
    const fake = await api([
      message([toolUse(EDITOR, { command: 'view', path: 'src/sum.js' })], 'tool_use', {
        input: 1_500,
        cacheWrite: 2_000,
      }),
      message([
        toolUse(EDITOR, {
          command: 'str_replace',
          path: 'src/sum.js',
          old_str: 'module.exports = function sum(a, b) {\n  return a + b;\n};',
          new_str: 'module.exports = (a, b) => a - b;',
        }),
      ]),
      message([toolUse('finish', { outcome: 'changed', summary: 'Rewrote sum as an arrow function.' })]),
      (request) => {
        seenRepair.push(userText(request));
        return message(
          [
            toolUse(EDITOR, {
              command: 'str_replace',
              path: 'src/sum.js',
              old_str: 'a - b',
              new_str: 'a + b',
            }),
          ],
          'tool_use',
          {
            input: 1_800,
            cacheRead: 2_000,
          },
        );
      },
      message([toolUse('finish', { outcome: 'changed', summary: 'Fixed the operator.' })]),
    ]);
    const io = captureIo({
      env: { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: fake.baseURL, PATH: process.env.PATH ?? '' },
    });

    const code = await main(
      ['try', '--manifest', manifest, '--repo', repo, '--verify', verifyCommand, '--no-judge', '--json'],
      io,
    );

    expect(io.err()).toContain('baseline: `');
    expect(code, io.err()).toBe(0);
    expect(fake.unused()).toBe(0);
    expect(fake.requests).toHaveLength(5);
    // The second coder run is a fresh conversation carrying the real failure output.
    const repair = fake.requests[3]!;
    expect(repair.body.messages).toHaveLength(1);
    expect(seenRepair[0]).toContain('verification failed');
    expect(seenRepair[0]).toContain('sum adds two numbers');
    expect(seenRepair[0]).toMatch(/-1 !== 3|expected: 3|Expected values to be strictly equal/);
    expect(seenRepair[0]).toContain('Iteration 1: Rewrote sum as an arrow function. Files: src/sum.js.');
    expect(await readFile(path.join(repo, 'src/sum.js'), 'utf8')).toBe('module.exports = (a, b) => a + b;\n');
    const { stdout: gitStat } = await exec('git', ['diff', '--stat'], { cwd: repo });
    expect(gitStat).toContain('src/sum.js');

    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(result).toMatchObject({
      outcome: 'green',
      green: true,
      iterations: 2,
      filesChanged: ['src/sum.js'],
      diffStat: [{ path: 'src/sum.js', added: 1, removed: 3, binary: false }],
      judge: null,
    });
    expect(result.usage).toMatchObject({
      inputTokens: 1_500 + 1_000 * 2 + 1_800 + 1_000,
      cacheWriteTokens: 2_000,
      cacheReadTokens: 2_000,
    });
    expect(result.costUsd).toBeGreaterThan(0);
    expect(result.cacheHitRate).toBeCloseTo(2_000 / (6_300 + 2_000 + 2_000), 3);
    expect(
      (result.history as Array<{ verify?: { exitCode: number } }>).map((h) => h.verify?.exitCode),
    ).toEqual([1, 0]);
  });

  it('stops on a red baseline without calling the model', async () => {
    const { repo, manifest } = await fixture();
    await writeFile(path.join(repo, 'src/sum.js'), 'module.exports = (a, b) => a * b;\n');
    const fake = await api([]);
    const io = captureIo({ env: { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: fake.baseURL } });

    const code = await main(['try', '--manifest', manifest, '--repo', repo, '--verify', verifyCommand], io);

    expect(code).toBe(1);
    expect(fake.requests).toHaveLength(0);
    expect(io.err()).toContain('The baseline is red');
    expect(io.out()).toContain('Outcome: baseline red');
  });

  it('fails at once without Anthropic credentials, saying what to set', async () => {
    const io = captureIo({ env: {} });

    const code = await main(['try', '--manifest', 'm.yml', '--repo', '.'], io);

    expect(code).toBe(2);
    expect(io.err()).toContain('set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN');
    const json = captureIo({ env: {} });
    expect(await main(['try', '--manifest', 'm.yml', '--repo', '.', '--json'], json)).toBe(2);
    expect(JSON.parse(json.out())).toMatchObject({ outcome: 'usage-error', green: false });
  });

  it('keeps --json output to one object when the API rejects the credentials', async () => {
    const { repo, manifest } = await fixture();
    const fake = await api([
      {
        status: 401,
        body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
      },
    ]);
    const io = captureIo({ env: { ANTHROPIC_API_KEY: 'bad', ANTHROPIC_BASE_URL: fake.baseURL } });

    const code = await main(['try', '--manifest', manifest, '--repo', repo, '--json'], io);

    expect(code).toBe(1);
    expect(io.err()).toContain('could not run');
    expect(JSON.parse(io.out())).toMatchObject({
      outcome: 'error',
      green: false,
      message: expect.stringContaining('HTTP 401'),
    });
  });

  it.each([
    [['--repo', '.'], '--manifest <file> is required'],
    [
      ['--manifest', 'm.yml', '--repo', '.', '--max-iterations', '0'],
      '--max-iterations must be an integer from 1 to 50',
    ],
    [['--manifest', 'm.yml', '--repo', '.', '--bogus'], "Unknown option '--bogus'"],
  ])('rejects bad arguments %j', async (args, text) => {
    const io = captureIo({ env: { ANTHROPIC_API_KEY: 'k' } });

    const code = await main(['try', ...args], io);

    expect(code).toBe(2);
    expect(io.err()).toContain(text);
  });

  it('rejects an invalid manifest and a model without a price with located messages', async () => {
    const { repo, manifest } = await fixture();
    await writeFile(manifest, 'id: x\nprompt: 3\n');
    const io = captureIo({ env: { ANTHROPIC_API_KEY: 'k' } });
    expect(await main(['try', '--manifest', manifest, '--repo', repo], io)).toBe(2);
    expect(io.err()).toContain(`invalid manifest ${manifest}`);
    expect(io.err()).toContain(`${manifest}:2:9: error: prompt: expected a string, got 3`);
    expect(io.err()).toContain("missing required key 'title'");

    await writeFile(manifest, MANIFEST.replace('claude-sonnet-5-5', 'gpt-9'));
    const io2 = captureIo({ env: { ANTHROPIC_API_KEY: 'k' } });
    expect(await main(['try', '--manifest', manifest, '--repo', repo], io2)).toBe(2);
    expect(io2.err()).toContain("model 'gpt-9' has no price");
  });

  it('reports not-applicable as success and prints a human summary without --json', async () => {
    const { repo, manifest } = await fixture();
    const fake = await api([
      message([
        toolUse('finish', {
          outcome: 'not-applicable',
          summary: 'Already arrow.',
          reason: 'sum is already fine',
        }),
      ]),
    ]);
    const io = captureIo({
      env: { ANTHROPIC_AUTH_TOKEN: 'gateway-token', ANTHROPIC_BASE_URL: fake.baseURL },
    });

    const code = await main(['try', '--manifest', manifest, '--repo', repo, '--no-judge'], io);

    expect(code).toBe(0);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer gateway-token');
    expect(io.out()).toContain('No files changed.');
    expect(io.out()).toContain('Outcome: the migration does not apply to this repository');
    expect(io.out()).toMatch(/Cost: \$0\.\d{4}/);
  });

  it('reads promptFile from the config repo root of a manifest under migrations/', async () => {
    const { repo, manifest } = await fixture();
    const config = path.join(path.dirname(manifest), 'config');
    await mkdir(path.join(config, 'migrations'), { recursive: true });
    await mkdir(path.join(config, 'prompts'), { recursive: true });
    await writeFile(
      path.join(config, 'prompts', 'arrow.md'),
      'Use arrow functions everywhere (from the prompt file).\n',
    );
    const inConfig = path.join(config, 'migrations', 'arrow-sum.yml');
    await writeFile(inConfig, MANIFEST.replace(/prompt: \|\n.*\n/, 'promptFile: prompts/arrow.md\n'));
    const fake = await api([
      message([toolUse('finish', { outcome: 'not-applicable', summary: 'n/a', reason: 'nothing' })]),
    ]);
    const io = captureIo({ env: { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: fake.baseURL } });

    const code = await main(['try', '--manifest', inConfig, '--repo', repo], io);

    expect(code, io.err()).toBe(0);
    expect(fake.requests[0]?.body.system?.[1]?.text).toContain(
      'Use arrow functions everywhere (from the prompt file).',
    );

    await writeFile(inConfig, MANIFEST.replace(/prompt: \|\n.*\n/, 'promptFile: ../../outside.md\n'));
    const io2 = captureIo({ env: { ANTHROPIC_API_KEY: 'k' } });
    expect(await main(['try', '--manifest', inConfig, '--repo', repo], io2)).toBe(2);
    expect(io2.err()).toContain('promptFile');
  });

  it('counts not-applicable after a red verify as giving up (exit 1)', async () => {
    const { repo, manifest } = await fixture();
    const fake = await api([
      message([
        toolUse(EDITOR, { command: 'str_replace', path: 'src/sum.js', old_str: 'a + b', new_str: 'a - b' }),
      ]),
      message([toolUse('finish', { outcome: 'changed', summary: 'Edited.' })]),
      message([
        toolUse('finish', {
          outcome: 'not-applicable',
          summary: 'Hmm.',
          reason: 'Does not apply after all.',
        }),
      ]),
    ]);
    const io = captureIo({ env: { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: fake.baseURL } });

    const code = await main(
      ['try', '--manifest', manifest, '--repo', repo, '--verify', verifyCommand, '--json'],
      io,
    );

    expect(code).toBe(1);
    expect(JSON.parse(io.out())).toMatchObject({
      outcome: 'gave-up',
      green: false,
      iterations: 2,
      filesChanged: ['src/sum.js'],
    });
  });

  it('ends red with exit 1 when the iteration budget is spent', async () => {
    const { repo, manifest } = await fixture();
    const breakIt = (from: string, to: string) =>
      message([toolUse(EDITOR, { command: 'str_replace', path: 'src/sum.js', old_str: from, new_str: to })]);
    const done = () => message([toolUse('finish', { outcome: 'changed', summary: 'Edited.' })]);
    const fake = await api([breakIt('a + b', 'a - b'), done(), breakIt('a - b', 'a * b'), done()]);
    const io = captureIo({
      env: { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: fake.baseURL, PATH: process.env.PATH ?? '' },
    });

    const code = await main(
      [
        'try',
        '--manifest',
        manifest,
        '--repo',
        repo,
        '--verify',
        verifyCommand,
        '--max-iterations',
        '2',
        '--json',
      ],
      io,
    );

    expect(code).toBe(1);
    expect(JSON.parse(io.out())).toMatchObject({ outcome: 'red', green: false, iterations: 2 });
  });
});
