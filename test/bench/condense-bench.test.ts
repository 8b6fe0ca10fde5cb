/**
 * Smoke test of the benchmark script on a tiny corpus (the real run is `node bench/condense/run.ts`,
 * too slow for `npm test`): it must run end to end and score what it is given.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

interface BenchJson {
  samples: { id: string; results: Record<string, { recalled: number; tokens: number }> }[];
  speed: { results: { name: string; mbPerCpuSecond: number; peakRssMb: number }[]; ratios: number[] };
  targets: { name: string; ok: boolean; value: string }[];
}

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/condense/run.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench/condense/run.ts', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scores a tiny corpus against the baselines and measures speed on a generated log', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fw-bench-'));
    const corpus = join(dir, 'corpus');
    await mkdir(join(corpus, 'tsc'), { recursive: true });
    const sidecar = (exitCode: number, facts: unknown[]) =>
      JSON.stringify({
        tool: 'tsc',
        command: 'tsc',
        exitCode,
        passing: exitCode === 0,
        facts,
        source: 'recorded',
      });
    await writeFile(
      join(corpus, 'tsc', 'fail.log'),
      "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n",
    );
    await writeFile(
      join(corpus, 'tsc', 'fail.facts.json'),
      sidecar(2, [{ file: 'src/a.ts', line: 3, message: "Type 'string' is not assignable" }]),
    );
    await writeFile(join(corpus, 'tsc', 'pass.log'), 'typecheck ok\n');
    await writeFile(join(corpus, 'tsc', 'pass.facts.json'), sidecar(0, []));
    const json = join(dir, 'out.json');

    const result = await runBench(['--corpus', corpus, '--big-mb', '1', '--runs', '2', '--json', json]);

    expect(result.stderr).toContain('generated 1 MB log');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| fleetwright | 100.0% | 100.0% |');
    const output = JSON.parse(await readFile(json, 'utf8')) as BenchJson;
    expect(output.samples.map((sample) => sample.id).sort()).toEqual(['tsc/fail', 'tsc/pass']);
    expect(output.samples.find((sample) => sample.id === 'tsc/fail')?.results.fleetwright?.recalled).toBe(1);
    expect(output.speed.results.map((entry) => entry.name)).toEqual([
      'fleetwright condense',
      'floor: Node line count (readline)',
      'Node line count (Buffer scan, no strings)',
      'tail -n 200',
      'grep -iE "error|fail"',
    ]);
    expect(output.speed.results.every((entry) => entry.mbPerCpuSecond > 0 && entry.peakRssMb > 0)).toBe(true);
    // One condenser/floor ratio per round; the target reports their median and range.
    expect(output.speed.ratios).toHaveLength(2);
    expect(output.speed.ratios.every((ratio) => ratio > 0)).toBe(true);
    const throughput = output.targets.find((target) => target.name.startsWith('throughput within 3×'));
    expect(throughput?.value).toMatch(/^\d+\.\d\d× \(median of 2 rounds, \d+\.\d\d–\d+\.\d\d×\)$/);
    expect(output.targets.find((target) => target.name === 'recall ≥ 98%')?.ok).toBe(true);
  });

  it('fails on a bad argument', async () => {
    const result = await runBench(['--big-mb', 'lots']);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--big-mb must be a number');
  });
});
