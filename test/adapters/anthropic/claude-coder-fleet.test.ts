/**
 * A scripted fleet run: one migration over five repositories against a fake Messages API that
 * emulates prompt caching (a prefix up to a cache_control breakpoint is written once and read
 * by later requests with the byte-identical prefix). Checks that the shared prefix is served
 * from the cache for every repository after the first, and that the moving breakpoint makes
 * later turns of a run read earlier turns from the cache.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeCoder } from '../../../src/adapters/anthropic/claude-coder.ts';
import { addUsage, cacheHitRate, ZERO_USAGE, type Usage } from '../../../src/contracts/usage.ts';
import type { CoderMigration } from '../../../src/ports/coder.ts';
import { registerCleanups } from '../../helpers/cleanups.ts';
import {
  startFakeMessagesApi,
  toolUse,
  type FakeReply,
  type RecordedRequest,
} from '../../helpers/fake-messages-api.ts';

const cleanups = registerCleanups();

const migration: CoderMigration = {
  id: 'strict-assert',
  title: 'Use node:assert/strict',
  // A realistic migration prompt, long enough that the shared prefix is worth caching.
  prompt: Array.from(
    { length: 40 },
    (_, i) =>
      `${i + 1}. Replace require('assert') with require('node:assert/strict') in test file group ${i + 1}, keeping deepEqual semantics strict and updating imports consistently.`,
  ).join('\n'),
  allowWorkflowEdits: false,
  allowedPaths: [],
};

const tokens = (text: string) => Math.ceil(text.length / 4);

/** Emulates the API's prompt cache over the serialized request, by breakpoint. */
function cachingReplies(script: (request: RecordedRequest, n: number) => unknown[]) {
  const cache = new Set<string>();
  let n = 0;
  return (request: RecordedRequest): FakeReply => {
    const body = request.body;
    // Serialize in cache order (tools, system, messages) and note where each breakpoint ends.
    const parts: string[] = [JSON.stringify(body.tools)];
    const breakpoints: number[] = [];
    for (const block of body.system ?? []) {
      parts.push(JSON.stringify({ ...block, cache_control: undefined }));
      if (block.cache_control) breakpoints.push(parts.length);
    }
    for (const m of body.messages) {
      const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
      for (const block of blocks) {
        parts.push(JSON.stringify({ role: m.role, ...block, cache_control: undefined }));
        if (block.cache_control) breakpoints.push(parts.length);
      }
    }
    const total = tokens(parts.join(''));
    const key = (end: number) =>
      createHash('sha256').update(parts.slice(0, end).join('\u0000')).digest('hex');
    let read = 0;
    for (const end of breakpoints) if (cache.has(key(end))) read = tokens(parts.slice(0, end).join(''));
    const last = breakpoints[breakpoints.length - 1] ?? 0;
    const written = Math.max(0, tokens(parts.slice(0, last).join('')) - read);
    for (const end of breakpoints) cache.add(key(end));
    n += 1;
    const content = script(request, n);
    return {
      body: {
        id: `msg_${n}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-5-5',
        content,
        stop_reason: 'tool_use',
        stop_sequence: null,
        stop_details: null,
        usage: {
          input_tokens: total - read - written,
          output_tokens: 150,
          cache_creation_input_tokens: written,
          cache_read_input_tokens: read,
        },
      },
    };
  };
}

describe('adapters/anthropic/claude-coder (fleet)', () => {
  it('serves the shared prefix from the prompt cache for every repository after the first', async () => {
    const repos = 5;
    const perRepo = 3;
    const replies = cachingReplies((_request, n) => {
      const step = (n - 1) % perRepo;
      if (step === 0)
        return [toolUse('str_replace_based_edit_tool', { command: 'view', path: 'test/a.test.js' })];
      if (step === 1) {
        return [
          toolUse('str_replace_based_edit_tool', {
            command: 'str_replace',
            path: 'test/a.test.js',
            old_str: "require('assert')",
            new_str: "require('node:assert/strict')",
          }),
        ];
      }
      return [toolUse('finish', { outcome: 'changed', summary: 'Switched to strict assert.' })];
    });
    const api = await startFakeMessagesApi(Array.from({ length: repos * perRepo }, () => replies));
    cleanups.push(() => api.close());
    const coder = new ClaudeCoder({
      client: new Anthropic({ baseURL: api.baseURL, apiKey: 'k', maxRetries: 0 }),
      model: 'claude-sonnet-5-5',
      catalog: { models: { 'claude-sonnet-5-5': { input: 2, output: 10 } } },
    });
    const usages: Usage[] = [];

    for (let i = 0; i < repos; i += 1) {
      const root = await mkdtemp(path.join(os.tmpdir(), `fleet-${i}-`));
      cleanups.push(() => rm(root, { recursive: true, force: true }));
      await mkdir(path.join(root, 'test'));
      await writeFile(
        path.join(root, 'test/a.test.js'),
        `const assert = require('assert');\n// repo ${i}\n${'assert.ok(true);\n'.repeat(i + 1)}`,
      );
      const result = await coder.run(
        { mode: 'initial', migration, repo: `acme/repo-${i}` },
        { root },
        { maxTurns: 10, maxOutputTokens: 50_000, maxCostUsd: 1, timeoutMs: 30_000 },
      );
      expect(result.outcome).toBe('changed');
      usages.push(result.usage);
    }

    const firstRequests = api.requests.filter((_, i) => i % perRepo === 0);
    const prefixBytes =
      JSON.stringify(firstRequests[0]?.body.tools).length +
      JSON.stringify(firstRequests[0]?.body.system).length;
    // Every repository after the first reads at least the whole shared prefix on its first turn.
    const firstTurnReads = usages.map((u) => u.cacheReadTokens);
    expect(firstTurnReads[0]).toBeGreaterThan(0); // turns 2–3 of repo 0 read turn 1 (moving breakpoint)
    for (let i = 1; i < repos; i += 1)
      expect(usages[i]!.cacheReadTokens).toBeGreaterThan(usages[0]!.cacheReadTokens);
    expect(usages[1]!.cacheWriteTokens).toBeLessThan(usages[0]!.cacheWriteTokens);
    const total = usages.reduce(addUsage, ZERO_USAGE);
    const hitRate = cacheHitRate(total);
    expect(hitRate).toBeGreaterThan(0.6);
    expect(prefixBytes).toBeGreaterThan(8_000);
  });
});
