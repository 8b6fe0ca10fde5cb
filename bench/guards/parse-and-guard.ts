/**
 * Benchmark: parse a large synthetic PR diff and run every guard on it, and build the judge
 * prompt from it. Run with `node bench/guards/parse-and-guard.ts [files] [linesPerFile]`.
 * Results are recorded in bench/guards/README.md.
 */
import { performance } from 'node:perf_hooks';
import { parseUnifiedDiff } from '../../src/core/diff/parse-unified-diff.ts';
import { runGuards } from '../../src/core/guards/run-guards.ts';
import { buildJudgePrompt } from '../../src/core/prompts/judge.ts';

const files = Number(process.argv[2] ?? 2000);
const linesPerFile = Number(process.argv[3] ?? 100);

/** A modified file with one hunk mixing context, removed and added lines (tests every 4th file). */
function fileDiff(index: number): string {
  const isTest = index % 4 === 0;
  const path = isTest ? `test/module${index}.test.ts` : `src/module${index}.ts`;
  const body: string[] = [];
  for (let i = 0; i < linesPerFile; i++) {
    const kind = i % 3;
    if (isTest && i % 10 === 0) body.push(` it('case ${i}', () => {`);
    else if (isTest && i % 10 === 1)
      body.push(`-  expect(run(${i})).toBe(${i});`, `+  expect(run2(${i})).toBe(${i});`);
    else if (kind === 0) body.push(` const value${i} = compute(${i}, 'text with spaces');`);
    else if (kind === 1) body.push(`-const old${i} = legacy.call(${i});`);
    else body.push(`+const next${i} = modern.call(${i}); // migrated`);
  }
  const oldCount = body.filter((l) => !l.startsWith('+')).length;
  const newCount = body.filter((l) => !l.startsWith('-')).length;
  return [
    `diff --git a/${path} b/${path}`,
    'index 1111111..2222222 100644',
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -1,${oldCount} +1,${newCount} @@`,
    ...body,
  ].join('\n');
}

const text = `${Array.from({ length: files }, (_, i) => fileDiff(i)).join('\n')}\n`;
const megabytes = (text.length / 1024 / 1024).toFixed(1);

function time<T>(label: string, fn: () => T): T {
  const runs: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    result = fn();
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${label}: median ${runs[2]?.toFixed(1)} ms (min ${runs[0]?.toFixed(1)}, max ${runs[4]?.toFixed(1)})`,
  );
  return result as T;
}

console.log(`diff: ${files} files × ${linesPerFile} lines, ${megabytes} MB`);
const parsed = time('parseUnifiedDiff', () => parseUnifiedDiff(text));
const findings = time('runGuards', () =>
  runGuards({ files: parsed, migrationPrompt: 'Migrate legacy to modern.' }),
);
time('buildJudgePrompt', () =>
  buildJudgePrompt({
    repo: 'acme/big',
    migration: { id: 'm', title: 'M', prompt: 'Migrate legacy to modern.', judgeCriteria: [] },
    files: parsed,
    guardFindings: findings,
  }),
);
console.log(`findings: ${findings.length} (${[...new Set(findings.map((f) => f.kind))].join(', ')})`);
