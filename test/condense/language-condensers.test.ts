import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { genericCondenserFactory } from '../../src/condense/generic.ts';
import { languageCondenserFactories as primaries } from '../../src/condense/lang-registry.ts';
import { condenserFactories } from '../../src/condense/registry.ts';
import { Finding, TestCounts } from '../../src/contracts/failure-report.ts';
import { condenseLines, readLog } from '../helpers/condense-lines.ts';

const logsRoot = fileURLToPath(new URL('../fixtures/logs/', import.meta.url));
/** Every committed log of the language families (other branches' logs live in other folders). */
const families = [
  'c',
  'cargo',
  'cmake',
  'dotnet',
  'go',
  'gradle',
  'javac',
  'maven',
  'phpunit',
  'python',
  'rspec',
  'swift',
];
const languageCondenserFactories = [...primaries, genericCondenserFactory];
const logs = families.flatMap((family) =>
  readdirSync(`${logsRoot}${family}`).map((name) => `${family}/${name}`),
);

describe('condense language condensers: shared guarantees', () => {
  it('are all registered with unique ids, with generic as the last fallback', () => {
    const ids = condenserFactories.map((factory) => factory.tool);

    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(languageCondenserFactories.map((factory) => factory.tool)));
    expect(ids.at(-1)).toBe('generic');
    expect(genericCondenserFactory.fallback).toBe(true);
    expect(primaries.every((factory) => factory.fallback !== true)).toBe(true);
  });

  it.each(logs)('every condenser emits contract-valid findings on %s', (log) => {
    const text = readLog(log);
    for (const factory of languageCondenserFactories) {
      const output = condenseLines(factory, text);
      for (const finding of output.findings)
        expect(() => Finding.parse(finding), `${factory.tool}: ${JSON.stringify(finding)}`).not.toThrow();
      if (output.testCounts) expect(() => TestCounts.parse(output.testCounts)).not.toThrow();
    }
  });

  it.each(logs)('lose nothing to their triggers on %s (gated output equals ungated output)', (log) => {
    const text = readLog(log);
    for (const factory of primaries) {
      expect(condenseLines(factory, text), factory.tool).toEqual(
        condenseLines(factory, text, { gating: false }),
      );
    }
  });

  it('only the owning family (or generic) claims a failing log', () => {
    const owners: Record<string, string> = {
      'go/build-error.log': 'go',
      'cargo/build-error.log': 'cargo',
      'python/pytest-failure.log': 'python',
      'maven/test-failure.log': 'jvm',
      'c/compile-error.log': 'cc',
      'dotnet/build-error.log': 'dotnet',
      'rspec/failure.log': 'rspec',
      'phpunit/failure.log': 'phpunit',
      'swift/xctest-linux.log': 'swift',
    };
    for (const [log, owner] of Object.entries(owners)) {
      const text = readLog(log);
      const withFindings = languageCondenserFactories
        .filter((factory) => factory.tool !== 'generic' && condenseLines(factory, text).findings.length > 0)
        .map((factory) => factory.tool);
      expect(withFindings, log).toEqual([owner]);
    }
  });

  it('never throw, and always return valid findings, on arbitrary input', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        '--- FAIL: TestX (0.00s)',
        'panic: boom',
        '\tpanic: boom',
        'goroutine 1 [running]:',
        "thread 'main' panicked at 'x",
        'error[E0308]: mismatched types',
        ' --> src/a.rs:0:0',
        'Traceback (most recent call last):',
        '  File "x.py", line 0, in f',
        '___ test_x ___',
        '=== FAILURES ===',
        '[ERROR] X.java:[0,0] boom',
        'AppTest > x() FAILED',
        '* What went wrong:',
        'CMake Error at CMakeLists.txt:0 (x):',
        '  Failed X [1 ms]',
        '  Error Message:',
        'Failures:',
        '  1) x',
        'There were 2 failures:',
        '1) A::b',
        'x.swift:0: error: A.b : XCTAssertEqual failed: ("1") is not equal to ("2")',
        'Error: x',
        '',
        '\u0000\u00ff\ufffd',
      ),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const text = lines.join('\n');
        for (const factory of languageCondenserFactories) {
          const output = condenseLines(factory, text);
          for (const finding of output.findings) Finding.parse(finding);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keep bounded state on a huge log of repeated errors', () => {
    const distinct = Array.from(
      { length: 5000 },
      (_, index) => `src/file${index}.c:${index + 1}:1: error: boom ${index}`,
    );
    const repeated = Array.from({ length: 20000 }, () => './main.go:3:1: undefined: Foo');
    const text = [...distinct, ...repeated].join('\n');
    for (const factory of languageCondenserFactories) {
      const output = condenseLines(factory, text);
      expect(output.findings.length, factory.tool).toBeLessThanOrEqual(500);
    }
    const cc = languageCondenserFactories.find((factory) => factory.tool === 'cc');
    expect(cc && condenseLines(cc, distinct.join('\n')).overflow).toEqual([
      // Distinct files are tracked up to 2000 (bounded memory), as the dispatcher's own collector does.
      { tool: 'cc', kind: 'compile-error', count: 4500, files: 2000 },
    ]);
    const go = languageCondenserFactories.find((factory) => factory.tool === 'go');
    expect(go && condenseLines(go, repeated.join('\n')).findings[0]?.occurrences).toBe(20000);
  });

  it('handle pathological lines without backtracking blow-ups', () => {
    const hostile = [
      'a'.repeat(100_000),
      `${'a:'.repeat(50_000)}`,
      `${'./'.repeat(30_000)}x.go:1:1`,
      `${'('.repeat(30_000)}x.cs(1,1): error CS1: ${')'.repeat(30_000)}`,
      `thread '${"'".repeat(30_000)} panicked at ${'a:'.repeat(20_000)}`,
      `E   assert ${'== '.repeat(30_000)}`,
      `FAILED ${'x '.repeat(30_000)} - y`,
      `${'a.b.'.repeat(25_000)}Error: x`,
      `Executed ${'1 '.repeat(30_000)}tests`,
      `${' '.repeat(50_000)}at x(${'y'.repeat(50_000)}`,
    ].join('\n');
    const started = performance.now();
    for (const factory of languageCondenserFactories) condenseLines(factory, hostile);
    // Not a performance target (those live in bench/): a regex that backtracks exponentially or
    // quadratically on 100 kB lines would take minutes, not a second.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
