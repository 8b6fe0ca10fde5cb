import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { condenseText, UnknownCondenserError } from '../../src/condense/condense.ts';
import {
  condenseStreamInWorker,
  createWorkerCondenseSession,
  sourceWorkerEntry,
} from '../../src/condense/worker.ts';

const corpus = join(import.meta.dirname, '..', '..', 'bench', 'condense', 'corpus', 'ci');

/** A module that fails as it loads: a worker that dies before serving. */
const brokenEntry = new URL(
  `data:text/javascript,${encodeURIComponent('throw new Error("no condensers here")')}`,
);

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('condense/worker', () => {
  it('gives the report the in-process session gives, for whole CI logs in odd-sized chunks', async () => {
    const logs = (await readdir(corpus)).filter((name) => name.endsWith('.log')).sort();
    expect(logs.length).toBeGreaterThan(5);
    for (const name of logs) {
      const bytes = await readFile(join(corpus, name));
      const options = { command: 'npm test', exitCode: 1, repoRoot: '/home/runner/work/app/app' };
      const expected = condenseText(bytes.toString('utf8'), options);

      const report = await condenseStreamInWorker(chunks(bytes, 777), options, sourceWorkerEntry);

      expect(report, name).toEqual(expected);
    }
  });

  it('passes tools and caps to the worker', async () => {
    const log = await readFile(join(corpus, 'node-lint-then-types.log'), 'utf8');
    const options = { tools: ['tsc'], maxFindings: 1 };

    const report = await condenseStreamInWorker([log], options, sourceWorkerEntry);

    expect(report).toEqual(condenseText(log, options));
    expect(report.tools).toEqual(['tsc']);
    expect(report.findings).toHaveLength(1);
  });

  it('refuses unknown tools at once, without starting a worker', () => {
    expect(() => createWorkerCondenseSession({ tools: ['tsc', 'nope'] }, brokenEntry)).toThrow(
      UnknownCondenserError,
    );
  });

  it('says when it falls behind and when it has caught up, and leaves the caller its buffers', async () => {
    const line = Buffer.from(
      'src/a.ts(1,14): error TS2322: Type "string" is not assignable to type "number".\n',
    );
    const chunk = Buffer.concat(Array.from({ length: 800 }, () => line));
    const session = createWorkerCondenseSession({}, sourceWorkerEntry);
    for (let i = 0; i < 40; i++) session.push(chunk);

    // 2.5 MB sent at once: more than the worker holds before asking the caller to wait.
    expect(session.backlogged).toBe(true);
    expect(chunk.byteLength).toBeGreaterThan(0);
    await session.drained();
    expect(session.backlogged).toBe(false);
    const report = await session.finish();

    expect(report.tools).toEqual(['tsc']);
    expect(report.findings[0]).toMatchObject({ file: 'src/a.ts', line: 1, code: 'TS2322' });
  });

  it('moves a given chunk that owns its buffer instead of copying it, and copies any other', async () => {
    const text = 'src/a.ts(1,14): error TS2322: Type "string" is not assignable to type "number".\n';
    const owned = new Uint8Array(Buffer.from(text));
    const view = Buffer.from(text + text).subarray(0, text.length);
    const kept = new Uint8Array(Buffer.from(text));
    const session = createWorkerCondenseSession({}, sourceWorkerEntry);

    session.push(owned, true);
    session.push(view, true);
    session.push(kept);
    const report = await session.finish();

    expect(owned.byteLength).toBe(0); // detached: it now belongs to the worker
    expect(view.toString('utf8')).toBe(text);
    expect(Buffer.from(kept).toString('utf8')).toBe(text);
    expect(report.findings).toHaveLength(1);
    expect(report.dropped).toEqual([]);
  });

  it('rejects the report, and stops asking the caller to wait, when the worker dies', async () => {
    const session = createWorkerCondenseSession({}, brokenEntry);
    session.push(Buffer.alloc(2 * 1024 * 1024, 0x61));

    await expect(session.finish()).rejects.toThrow(/no condensers here/);
    expect(session.backlogged).toBe(false);
    await session.drained();
    expect(() => session.finish()).toThrow(/twice/);
  });

  it("rejects with the stream's own error when reading fails", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('npm error code ERESOLVE\n');
      throw new Error('EIO: read failed');
    }

    await expect(condenseStreamInWorker(failing(), {}, sourceWorkerEntry)).rejects.toThrow(
      'EIO: read failed',
    );
  });
});
