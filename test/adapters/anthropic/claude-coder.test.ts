import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeCoder } from '../../../src/adapters/anthropic/claude-coder.ts';
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import type { CoderBudget, CoderMigration, CoderProgress, CoderTask } from '../../../src/ports/coder.ts';
import { CoderError } from '../../../src/shared/errors.ts';
import type { ModelCatalog } from '../../../src/shared/pricing.ts';
import { registerCleanups } from '../../helpers/cleanups.ts';
import {
  apiError,
  message,
  startFakeMessagesApi,
  textBlock,
  toolResultFor,
  toolUse,
  type FakeMessagesApi,
  type RecordedRequest,
  type ScriptStep,
} from '../../helpers/fake-messages-api.ts';

const catalog: ModelCatalog = { models: { 'claude-sonnet-5-5': { input: 3, output: 15 } } };
const migration: CoderMigration = {
  id: 'node-test-runner',
  title: 'Replace mocha with node:test',
  prompt: 'Replace every `require("assert")` with `require("node:assert/strict")`.',
  allowWorkflowEdits: false,
  allowedPaths: [],
};
const budget: CoderBudget = { maxTurns: 10, maxOutputTokens: 100_000, maxCostUsd: 5, timeoutMs: 30_000 };
const EDITOR = 'str_replace_based_edit_tool';

const cleanups = registerCleanups();

async function tempRepo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'coder-test-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  return root;
}

async function setup(script: ScriptStep[], options: { sleeps?: number[] } = {}) {
  const api = await startFakeMessagesApi(script);
  cleanups.push(() => api.close());
  const client = new Anthropic({ baseURL: api.baseURL, apiKey: 'sk-test-key', maxRetries: 0 });
  const sleeps = options.sleeps ?? [];
  const coder = new ClaudeCoder({
    client,
    model: 'claude-sonnet-5-5',
    catalog,
    maxTokensPerTurn: 4_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { api, coder, sleeps };
}

function initial(repo = 'acme/widgets'): CoderTask {
  return { mode: 'initial', migration, repo };
}

function expectAllUsed(api: FakeMessagesApi): void {
  expect(api.unused(), 'scripted replies not requested').toBe(0);
}

describe('adapters/anthropic/claude-coder', () => {
  it('reads, then edits, then finishes: the change set holds the edit and the requests are well-formed', async () => {
    const root = await tempRepo({
      'test/math.test.js': "const assert = require('assert');\nassert.equal(1 + 1, 2);\n",
    });
    const view = toolUse(EDITOR, { command: 'view', path: 'test/math.test.js' });
    const edit = toolUse(EDITOR, {
      command: 'str_replace',
      path: 'test/math.test.js',
      old_str: "require('assert')",
      new_str: "require('node:assert/strict')",
    });
    const finish = toolUse('finish', { outcome: 'changed', summary: 'Switched to node:assert/strict.' });
    const { api, coder } = await setup([
      message([textBlock('Let me look at the test.'), view]),
      message([edit]),
      message([finish], 'tool_use', { input: 50, output: 40, cacheRead: 3_000 }),
    ]);
    const events: CoderProgress[] = [];

    const result = await coder.run(initial(), { root }, budget, { onProgress: (e) => events.push(e) });

    expect(result.outcome).toBe('changed');
    expect(result.summary).toBe('Switched to node:assert/strict.');
    expect(result.turns).toBe(3);
    expect(result.toolCalls).toBe(3);
    expect(result.filesTouched).toEqual(['test/math.test.js']);
    expect(result.changeSet.additions.map((a) => [a.path, a.contents.toString()])).toEqual([
      ['test/math.test.js', "const assert = require('node:assert/strict');\nassert.equal(1 + 1, 2);\n"],
    ]);
    expect(result.changeSet.diff).toContain(
      "-const assert = require('assert');\n+const assert = require('node:assert/strict');\n",
    );
    expect(result.usage).toMatchObject({ inputTokens: 2_050, outputTokens: 440, cacheReadTokens: 3_000 });
    expect(result.usage.costUsd).toBeCloseTo((2_050 * 3 + 440 * 15 + 3_000 * 0.3) / 1e6, 6);
    expect(events.filter((e) => e.type === 'tool').map((e) => (e as { summary: string }).summary)).toEqual([
      'view test/math.test.js',
      'str_replace test/math.test.js:1',
      'finish changed',
    ]);
    expectAllUsed(api);

    const [first, second] = api.requests as [RecordedRequest, RecordedRequest];
    expect(first?.url).toBe('/v1/messages');
    expect(first?.headers.authorization).toBe('Bearer sk-test-key');
    expect(first?.headers['x-api-key']).toBeUndefined();
    for (const request of api.requests) {
      expect(request.body).not.toHaveProperty('temperature');
      expect(request.body).not.toHaveProperty('top_p');
      expect(request.body).not.toHaveProperty('thread');
      expect(request.headers['anthropic-beta']).toBeUndefined();
    }
    expect(first?.body.model).toBe('claude-sonnet-5-5');
    expect(first?.body.max_tokens).toBe(4_000);
    expect(first?.body.tools?.map((t) => t.name)).toEqual([
      EDITOR,
      'find_files',
      'search',
      'delete_file',
      'finish',
    ]);
    expect(first?.body.tools?.[0]).toMatchObject({ type: 'text_editor_20250728', name: EDITOR });
    // The wire shape of a request, with long texts reduced to their first line.
    const firstLine = (value: unknown) => (typeof value === 'string' ? value.split('\n')[0] : value);
    const shape = (body: RecordedRequest['body']) => ({
      ...body,
      system: body.system?.map((b) => ({ ...b, text: firstLine(b.text) })),
      tools: body.tools?.map((t) =>
        'type' in t
          ? t
          : {
              name: t.name,
              input_schema: Object.keys((t.input_schema as { properties: object }).properties),
            },
      ),
      messages: body.messages.map((m) => ({
        role: m.role,
        content: (m.content as Array<Record<string, unknown>>).map(
          ({ id: _id, tool_use_id: _t, input: _i, ...b }) => ({
            ...b,
            ...('text' in b ? { text: firstLine(b.text) } : {}),
            ...('content' in b ? { content: firstLine(b.content) } : {}),
          }),
        ),
      })),
    });
    expect(shape(second.body)).toMatchInlineSnapshot(`
      {
        "max_tokens": 4000,
        "messages": [
          {
            "content": [
              {
                "text": "Repository: acme/widgets",
                "type": "text",
              },
            ],
            "role": "user",
          },
          {
            "content": [
              {
                "citations": null,
                "text": "Let me look at the test.",
                "type": "text",
              },
              {
                "name": "str_replace_based_edit_tool",
                "type": "tool_use",
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "cache_control": {
                  "type": "ephemeral",
                },
                "content": "     1	const assert = require('assert');",
                "type": "tool_result",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-sonnet-5-5",
        "system": [
          {
            "text": "You are fleetwright's coder: you apply one code migration to one repository at a time, working on a checkout of that repository through the tools you are given. The same migration is being applied to many repositories; each pull request is reviewed by its maintainers, checked by the repository's real CI and reviewed by an automated judge.",
            "type": "text",
          },
          {
            "cache_control": {
              "type": "ephemeral",
            },
            "text": "# Migration node-test-runner: Replace mocha with node:test",
            "type": "text",
          },
        ],
        "tools": [
          {
            "max_characters": 40000,
            "name": "str_replace_based_edit_tool",
            "type": "text_editor_20250728",
          },
          {
            "input_schema": [
              "pattern",
              "path",
              "max_results",
            ],
            "name": "find_files",
          },
          {
            "input_schema": [
              "pattern",
              "path",
              "glob",
              "case_insensitive",
              "context_lines",
              "max_results",
            ],
            "name": "search",
          },
          {
            "input_schema": [
              "path",
            ],
            "name": "delete_file",
          },
          {
            "input_schema": [
              "outcome",
              "summary",
              "reason",
            ],
            "name": "finish",
          },
        ],
      }
    `);
    // The view result carries the numbered file content back to the model.
    expect(toolResultFor(second!, (view as { id: string }).id)?.content).toContain(
      "     1\tconst assert = require('assert');",
    );
  });

  it('puts the only prefix breakpoint on the migration block and keeps tools+system byte-identical across repositories', async () => {
    const finish = () =>
      toolUse('finish', { outcome: 'not-applicable', summary: 'Nothing to do.', reason: 'No assert usage.' });
    const rootA = await tempRepo({ 'a.js': 'module.exports = 1;\n' });
    const rootB = await tempRepo({ 'lib/b.py': 'print("hi")\n', 'README.md': '# b\n' });
    const { api, coder } = await setup([message([finish()]), message([finish()])]);

    await coder.run(initial('acme/a'), { root: rootA }, budget);
    await coder.run({ ...initial('acme/b'), instruction: 'Please keep CommonJS.' }, { root: rootB }, budget);

    const [a, b] = api.requests.map((r) => JSON.parse(r.raw) as Record<string, unknown>);
    const prefix = (body: Record<string, unknown>) =>
      JSON.stringify({ tools: body.tools, system: body.system });
    expect(prefix(a!)).toBe(prefix(b!));
    const system = a!.system as Array<{ text: string; cache_control?: unknown }>;
    expect(system).toHaveLength(2);
    expect(system[0]?.cache_control).toBeUndefined();
    expect(system[1]?.cache_control).toEqual({ type: 'ephemeral' });
    expect(system[1]?.text).toContain(migration.prompt);
    expect(JSON.stringify(a!.tools)).not.toContain('cache_control');
    // Repo-specific content lives after the breakpoint, in the user message.
    const userA = JSON.stringify((a!.messages as unknown[])[0]);
    const userB = JSON.stringify((b!.messages as unknown[])[0]);
    expect(userA).toContain('Repository: acme/a');
    expect(userA).toContain('a.js');
    expect(userB).toContain('Repository: acme/b');
    expect(userB).toContain('Please keep CommonJS.');
    expect(prefix(a!)).not.toContain('acme/');
    expectAllUsed(api);
  });

  it('returns an error to the model when old_str matches twice, then succeeds with a unique match', async () => {
    const root = await tempRepo({ 'x.js': 'a();\nb();\na();\n' });
    const ambiguous = toolUse(EDITOR, {
      command: 'str_replace',
      path: 'x.js',
      old_str: 'a();',
      new_str: 'c();',
    });
    const unique = toolUse(EDITOR, {
      command: 'str_replace',
      path: 'x.js',
      old_str: 'b();\na();',
      new_str: 'b();\nc();',
    });
    const finish = toolUse('finish', { outcome: 'changed', summary: 'Replaced the second call.' });
    const { api, coder } = await setup([message([ambiguous]), message([unique]), message([finish])]);

    const result = await coder.run(initial(), { root }, budget);

    const error = toolResultFor(api.requests[1]!, (ambiguous as { id: string }).id);
    expect(error?.is_error).toBe(true);
    expect(error?.content).toContain('old_str matches 2 times in x.js (at lines 1, 3)');
    expect(result.outcome).toBe('changed');
    expect(await readFile(path.join(root, 'x.js'), 'utf8')).toBe('a();\nb();\nc();\n');
    expectAllUsed(api);
  });

  it('refuses every attempt to leave the workspace and reports each as a tool error', async () => {
    const outside = await tempRepo({ 'secret.txt': 'top secret\n' });
    const root = await tempRepo({ 'ok.txt': 'ok\n' });
    await symlink('/etc', path.join(root, 'etc-link'));
    await symlink(outside, path.join(root, 'outside-link'));
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));
    const attempts = [
      toolUse(EDITOR, { command: 'view', path: '../secret.txt' }),
      toolUse(EDITOR, { command: 'view', path: '/etc/passwd' }),
      toolUse(EDITOR, { command: 'view', path: 'etc-link/passwd' }),
      toolUse(EDITOR, { command: 'view', path: 'secret-link.txt' }),
      toolUse(EDITOR, { command: 'create', path: 'outside-link/pwned.txt', file_text: 'x' }),
      toolUse(EDITOR, { command: 'create', path: 'sub/../../pwned.txt', file_text: 'x' }),
      toolUse(EDITOR, { command: 'view', path: '.git/config' }),
      toolUse('search', { pattern: 'secret', path: 'outside-link' }),
      toolUse('delete_file', { path: 'etc-link/hostname' }),
    ];
    const finish = toolUse('finish', {
      outcome: 'gave-up',
      summary: 'Could not read.',
      reason: 'Access denied.',
    });
    const { api, coder } = await setup([message(attempts), message([finish])]);

    const result = await coder.run(initial(), { root }, budget);

    const second = api.requests[1]!;
    const results = attempts.map((a) => toolResultFor(second, (a as { id: string }).id));
    expect(results.map((r) => r?.is_error)).toEqual(attempts.map(() => true));
    expect(results[0]?.content).toContain("'..' is not allowed");
    expect(results[1]?.content).toContain('Absolute paths are not allowed');
    expect(results[2]?.content).toContain('resolves outside the repository');
    expect(results[3]?.content).toContain('resolves outside the repository');
    expect(results[4]?.content).toContain('resolves outside the repository');
    expect(results[6]?.content).toContain('.git');
    expect(results.map((r) => r?.content).join('\n')).not.toContain('top secret');
    expect(existsSync(path.join(outside, 'pwned.txt'))).toBe(false);
    expect(existsSync(path.join(os.tmpdir(), 'pwned.txt'))).toBe(false);
    expect(result.outcome).toBe('gave-up');
    expect(result.reason).toBe('Access denied.');
    expect(result.changeSet.additions).toEqual([]);
  });

  it('keeps .github/workflows read-only unless the migration allows workflow edits', async () => {
    const files = { '.github/workflows/ci.yml': 'on: push\n' };
    const write = () =>
      toolUse(EDITOR, {
        command: 'str_replace',
        path: '.github/workflows/ci.yml',
        old_str: 'on: push',
        new_str: 'on: [push]',
      });
    const finishChanged = () => toolUse('finish', { outcome: 'changed', summary: 'Updated the workflow.' });
    const readOnlyRoot = await tempRepo(files);
    const first = write();
    const { api, coder } = await setup([
      message([first]),
      message([
        toolUse('finish', { outcome: 'gave-up', summary: 'Blocked.', reason: 'Workflows are read-only.' }),
      ]),
    ]);

    const denied = await coder.run(initial(), { root: readOnlyRoot }, budget);

    expect(toolResultFor(api.requests[1]!, (first as { id: string }).id)).toMatchObject({ is_error: true });
    expect(toolResultFor(api.requests[1]!, (first as { id: string }).id)?.content).toContain(
      'read-only for this migration',
    );
    expect(await readFile(path.join(readOnlyRoot, '.github/workflows/ci.yml'), 'utf8')).toBe('on: push\n');
    expect(denied.outcome).toBe('gave-up');

    const allowedRoot = await tempRepo(files);
    const { coder: coder2 } = await setup([message([write()]), message([finishChanged()])]);
    const allowed = await coder2.run(
      { mode: 'initial', repo: 'acme/w', migration: { ...migration, allowWorkflowEdits: true } },
      { root: allowedRoot },
      budget,
    );
    expect(allowed.outcome).toBe('changed');
    expect(allowed.changeSet.additions[0]?.path).toBe('.github/workflows/ci.yml');
  });

  it('reports not-applicable with an empty change set', async () => {
    const root = await tempRepo({ 'main.go': 'package main\n' });
    const { api, coder } = await setup([
      message([toolUse('search', { pattern: 'require\\(.assert.\\)' })]),
      message([
        toolUse('finish', {
          outcome: 'not-applicable',
          summary: 'No JavaScript here.',
          reason: 'The repository is Go only.',
        }),
      ]),
    ]);

    const result = await coder.run(initial(), { root }, budget);

    expect(result).toMatchObject({ outcome: 'not-applicable', reason: 'The repository is Go only.' });
    expect(result.changeSet).toEqual({ additions: [], deletions: [], diff: '' });
    expect(api.requests[1]?.raw).toContain('No matches for');
  });

  it('stops when the turn budget is spent and returns the partial change set', async () => {
    const root = await tempRepo({ 'a.txt': 'one\n', 'b.txt': 'two\n' });
    const { api, coder } = await setup([
      message([toolUse(EDITOR, { command: 'str_replace', path: 'a.txt', old_str: 'one', new_str: 'ONE' })]),
      message([toolUse(EDITOR, { command: 'view', path: 'b.txt' })]),
    ]);

    const result = await coder.run(initial(), { root }, { ...budget, maxTurns: 2 });

    expect(result.outcome).toBe('budget-exhausted');
    expect(result.reason).toBe('turn budget of 2 turns spent');
    expect(result.changeSet.additions.map((a) => a.path)).toEqual(['a.txt']);
    expect(result.changeSet.diff).toContain('+ONE');
    expect(api.requests).toHaveLength(2);
  });

  it('stops when the cost budget is spent', async () => {
    const root = await tempRepo({ 'a.txt': 'one\n' });
    const { api, coder } = await setup([
      // 100k input tokens at $3/MTok + 10k output at $15/MTok = $0.45 > $0.40
      message([toolUse(EDITOR, { command: 'view', path: 'a.txt' })], 'tool_use', {
        input: 100_000,
        output: 10_000,
      }),
    ]);

    const result = await coder.run(initial(), { root }, { ...budget, maxCostUsd: 0.4 });

    expect(result.outcome).toBe('budget-exhausted');
    expect(result.reason).toBe('cost budget of $0.4 spent');
    expect(result.usage.costUsd).toBeCloseTo(0.45, 6);
    expect(api.requests).toHaveLength(1);
  });

  it('never executes a tool call cut off by max_tokens, asks for smaller steps, then stops after a second cut', async () => {
    const root = await tempRepo({ 'a.txt': 'one\n' });
    const cut = toolUse(EDITOR, { command: 'create', path: 'big.txt', file_text: 'half a fi' });
    const { api, coder } = await setup([
      message([textBlock('Writing the file.'), cut], 'max_tokens', { output: 4_000 }),
      message([textBlock('Still too long…')], 'max_tokens', { output: 4_000 }),
    ]);

    const result = await coder.run(initial(), { root }, budget);

    expect(existsSync(path.join(root, 'big.txt'))).toBe(false);
    const retry = api.requests[1]!;
    expect(toolResultFor(retry, (cut as { id: string }).id)).toMatchObject({ is_error: true });
    expect(retry.raw).toContain('hit the max_tokens limit (4000 tokens)');
    expect(result.outcome).toBe('max-tokens');
    expect(result.reason).toContain('max_tokens');
  });

  it('turns a refusal into the refused outcome with the category', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const { coder } = await setup([
      message(
        [textBlock('I can’t help with that.')],
        'refusal',
        {},
        { stop_details: { type: 'refusal', category: 'cyber', explanation: null } },
      ),
    ]);

    const result = await coder.run(initial(), { root }, budget);

    expect(result.outcome).toBe('refused');
    expect(result.reason).toContain('category cyber');
    expect(result.summary).toBe('I can’t help with that.');
  });

  it('retries a 429 after the retry-after delay and a 529 with backoff, reporting each retry', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const finish = toolUse('finish', {
      outcome: 'not-applicable',
      summary: 'n/a',
      reason: 'Nothing to migrate.',
    });
    const sleeps: number[] = [];
    const { api, coder } = await setup(
      [
        apiError(
          429,
          'rate_limit_error',
          'Number of request tokens has exceeded your per-minute rate limit',
          { 'retry-after': '2' },
        ),
        apiError(529, 'overloaded_error', 'Overloaded'),
        message([finish]),
      ],
      { sleeps },
    );
    const events: CoderProgress[] = [];

    const result = await coder.run(initial(), { root }, budget, { onProgress: (e) => events.push(e) });

    expect(result.outcome).toBe('not-applicable');
    expect(api.requests).toHaveLength(3);
    expect(sleeps[0]).toBe(2_000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1_500);
    expect(sleeps[1]).toBeLessThanOrEqual(2_000);
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      { type: 'retry', attempt: 1, status: 429, waitMs: 2_000 },
      { type: 'retry', attempt: 2, status: 529, waitMs: sleeps[1] },
    ]);
    // The identical request is resent.
    expect(api.requests[2]?.raw).toBe(api.requests[0]?.raw);
  });

  it('retries a dropped connection, then gives up with CoderError when retries are spent on the first request', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const finish = toolUse('finish', { outcome: 'not-applicable', summary: 'n/a', reason: 'nothing' });
    const { coder } = await setup([{ body: null, destroy: true }, message([finish])]);

    const result = await coder.run(initial(), { root }, budget);

    expect(result.outcome).toBe('not-applicable');
    const down: ScriptStep[] = Array.from({ length: 5 }, () =>
      apiError(503, 'api_error', 'upstream unavailable'),
    );
    const { api, coder: coder2, sleeps } = await setup(down);
    await expect(coder2.run(initial(), { root }, budget)).rejects.toThrow(/HTTP 503/);
    expect(api.requests).toHaveLength(5);
    expect(sleeps).toHaveLength(4);
  });

  it('sends a large max_tokens without the SDK demanding streaming', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const api = await startFakeMessagesApi([
      message([toolUse('finish', { outcome: 'not-applicable', summary: 'n/a', reason: 'r' })]),
    ]);
    cleanups.push(() => api.close());
    const coder = new ClaudeCoder({
      client: new Anthropic({ baseURL: api.baseURL, apiKey: 'k', maxRetries: 0 }),
      model: 'claude-sonnet-5-5',
      catalog,
      maxTokensPerTurn: 64_000,
    });

    const result = await coder.run(initial(), { root }, budget);

    expect(result.outcome).toBe('not-applicable');
    expect(api.requests[0]?.body.max_tokens).toBe(64_000);
  });

  it('stops with budget-exhausted when the output-token budget runs out mid-reply', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const { api, coder } = await setup([
      message([toolUse(EDITOR, { command: 'view', path: 'a.txt' })], 'tool_use', { output: 4_000 }),
      message([textBlock('Let me write a very long…')], 'max_tokens', { output: 1_000 }),
    ]);

    const result = await coder.run(initial(), { root }, { ...budget, maxOutputTokens: 5_000 });

    expect(api.requests[1]?.body.max_tokens).toBe(1_000);
    expect(result.outcome).toBe('budget-exhausted');
    expect(result.reason).toBe('output-token budget of 5000 spent');
  });

  it('sends malformed tool input back as an error and lets the model correct it', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const bad = [
      toolUse(EDITOR, { command: 'view' }),
      toolUse(EDITOR, { command: 'explode', path: 'a.txt' }),
      toolUse('finish', { outcome: 'gave-up', summary: 'Stopping.' }),
      toolUse('no_such_tool', {}),
    ];
    const good = toolUse(EDITOR, { command: 'insert', path: 'a.txt', insert_line: 1, insert_text: 'y' });
    const { api, coder } = await setup([
      message(bad),
      message([good]),
      message([toolUse('finish', { outcome: 'changed', summary: 'Appended y.' })]),
    ]);

    const result = await coder.run(initial(), { root }, budget);

    const second = api.requests[1]!;
    const results = bad.map((b) => toolResultFor(second, (b as { id: string }).id));
    expect(results.every((r) => r?.is_error === true)).toBe(true);
    expect(results[0]?.content).toContain('Invalid input for str_replace_based_edit_tool');
    expect(results[0]?.content).toContain('path');
    expect(results[2]?.content).toContain('reason is required');
    expect(results[3]?.content).toContain("Unknown tool 'no_such_tool'");
    expect(result.outcome).toBe('changed');
    expect(await readFile(path.join(root, 'a.txt'), 'utf8')).toBe('x\ny\n');
  });

  it('carries the failure report and the attempt history in a repair request', async () => {
    const root = await tempRepo({ 'src/sum.js': 'module.exports = (a, b) => a - b;\n' });
    const report: FailureReport = {
      schemaVersion: 1,
      conclusion: 'failure',
      tools: ['node-test'],
      command: 'node --test',
      exitCode: 1,
      findings: [
        {
          kind: 'test-failure',
          tool: 'node-test',
          file: 'test/sum.test.js',
          line: 4,
          severity: 'error',
          message: 'Expected values to be strictly equal',
          testName: 'sum adds two numbers',
          expected: '3',
          actual: '-1',
          occurrences: 1,
        },
      ],
      dropped: [],
      truncated: false,
    };
    const task: CoderTask = {
      mode: 'repair',
      migration,
      repo: 'acme/sum',
      report,
      history: [
        {
          iteration: 1,
          summary: 'Rewrote sum.',
          files: ['src/sum.js'],
          result: 'verify red: 1 failing test',
        },
      ],
    };
    const { api, coder } = await setup([
      message([toolUse('finish', { outcome: 'gave-up', summary: 'x', reason: 'y' })]),
    ]);

    await coder.run(task, { root }, budget);

    const user = JSON.stringify(api.requests[0]?.body.messages[0]);
    expect(user).toContain('verification failed');
    expect(user).toContain('test/sum.test.js:4');
    expect(user).toContain('sum adds two numbers');
    expect(user).toContain('expected: 3');
    expect(user).toContain('actual: -1');
    expect(user).toContain('Iteration 1: Rewrote sum.');
    expect(api.requests[0]?.body.messages).toHaveLength(1);
  });

  it('nudges once when the model ends its turn without finish, then gives up', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const { api, coder } = await setup([
      message([textBlock('I think I am done.')]),
      message([textBlock('Done.')]),
    ]);

    const result = await coder.run(initial(), { root }, budget);

    expect(api.requests[1]?.raw).toContain('You ended your turn without calling finish');
    expect(result).toMatchObject({
      outcome: 'gave-up',
      reason: 'the model stopped without calling finish',
      summary: 'Done.',
    });
  });

  it('rejects a finish that contradicts the workspace once', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const lie = toolUse('finish', { outcome: 'changed', summary: 'All done.' });
    const { api, coder } = await setup([
      message([lie]),
      message([toolUse('finish', { outcome: 'changed', summary: 'Really.' })]),
    ]);

    const result = await coder.run(initial(), { root }, budget);

    expect(toolResultFor(api.requests[1]!, (lie as { id: string }).id)?.content).toContain(
      'the workspace has no changes',
    );
    expect(result.outcome).toBe('gave-up');
    expect(result.reason).toContain('contradicts the workspace');
  });

  it('resends the conversation unchanged after pause_turn', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const { api, coder } = await setup([
      message([textBlock('Working…')], 'pause_turn'),
      message([toolUse('finish', { outcome: 'not-applicable', summary: 'n/a', reason: 'nothing' })]),
    ]);

    const result = await coder.run(initial(), { root }, budget);

    expect(result.outcome).toBe('not-applicable');
    const resent = api.requests[1]!.body.messages;
    expect(resent).toHaveLength(2);
    expect(resent[1]).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'Working…' }] });
  });

  it('ends with context-exceeded on the stop reason and on a "prompt is too long" 400', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const { coder } = await setup([
      message([toolUse(EDITOR, { command: 'view', path: 'a.txt' })]),
      apiError(400, 'invalid_request_error', 'prompt is too long: 1000213 tokens > 1000000 maximum'),
    ]);
    const viaError = await coder.run(initial(), { root }, budget);
    expect(viaError.outcome).toBe('context-exceeded');
    expect(viaError.reason).toContain('prompt is too long');

    const { coder: coder2 } = await setup([message([textBlock('…')], 'model_context_window_exceeded')]);
    const viaStop = await coder2.run(initial(), { root }, budget);
    expect(viaStop.outcome).toBe('context-exceeded');
  });

  it('ends with timeout when the wall-clock budget runs out mid-request', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const slow = message([toolUse('finish', { outcome: 'not-applicable', summary: 'n/a', reason: 'late' })]);
    const { coder } = await setup([{ ...slow, delayMs: 2_000 }]);

    const result = await coder.run(initial(), { root }, { ...budget, timeoutMs: 200 });

    expect(result.outcome).toBe('timeout');
    expect(result.reason).toBe('wall-clock budget of 200 ms spent');
  });

  it('throws CoderError when the very first request is rejected (bad credentials)', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const { coder } = await setup([apiError(401, 'authentication_error', 'invalid x-api-key')]);

    await expect(coder.run(initial(), { root }, budget)).rejects.toThrow(CoderError);
  });

  it('treats a malformed API response as a failed request, and a missing workspace as CoderError', async () => {
    const root = await tempRepo({ 'a.txt': 'x\n' });
    const { coder } = await setup([
      message([toolUse(EDITOR, { command: 'view', path: 'a.txt' })]),
      { body: { type: 'message', content: 'not an array', stop_reason: 'end_turn' } },
    ]);

    const result = await coder.run(initial(), { root }, budget);

    expect(result.outcome).toBe('error');
    expect(result.reason).toContain('unexpected response');
    await expect(coder.run(initial(), { root: path.join(root, 'missing') }, budget)).rejects.toThrow(
      /Cannot open the workspace/,
    );
  });

  it('refuses to construct for a model without a price', () => {
    const client = new Anthropic({ baseURL: 'http://127.0.0.1:9', apiKey: 'k' });

    expect(() => new ClaudeCoder({ client, model: 'gpt-5', catalog })).toThrow(
      /no price in the model catalog/,
    );
  });
});
