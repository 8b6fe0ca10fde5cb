import { describe, expect, it } from 'vitest';
import { parseFailureReport } from '../../src/contracts/parse-failure-report.ts';
import { ContractError } from '../../src/shared/errors.ts';

const minimal = { schemaVersion: 1, conclusion: 'failure', tools: ['tsc'], findings: [] };

describe('contracts/parse-failure-report', () => {
  it('parses JSON text and fills defaults', () => {
    const report = parseFailureReport(
      JSON.stringify({
        ...minimal,
        findings: [{ kind: 'type-error', tool: 'tsc', message: 'x', file: 'a.ts', line: 1 }],
      }),
    );

    expect(report.dropped).toEqual([]);
    expect(report.truncated).toBe(false);
    expect(report.findings[0]).toMatchObject({ severity: 'error', occurrences: 1 });
  });

  it('accepts an already-decoded value', () => {
    expect(parseFailureReport(minimal).tools).toEqual(['tsc']);
  });

  it('rejects invalid JSON with a ContractError', () => {
    expect(() => parseFailureReport('{"schemaVersion": 1,')).toThrow(ContractError);
    expect(() => parseFailureReport('{"schemaVersion": 1,')).toThrow(/not valid JSON/);
  });

  it('rejects an unknown schema version by name', () => {
    expect(() => parseFailureReport({ ...minimal, schemaVersion: 2 })).toThrow(/schemaVersion 2/);
  });

  it('names the invalid fields', () => {
    let error: unknown;
    try {
      parseFailureReport({ ...minimal, findings: [{ kind: 'nope', tool: '', message: 'x', line: -1 }] });
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ContractError);
    const message = (error as Error).message;
    expect(message).toContain('findings[0].kind');
    expect(message).toContain('findings[0].line');
    expect((error as Error).cause).toBeDefined();
  });
});
