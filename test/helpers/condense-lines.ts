/**
 * Feeds a log to one condenser the way the dispatcher does (one normalised line at a time), so
 * the language condensers can be tested on their own. The normalisation here is deliberately
 * minimal (ANSI colour codes and `\r`); the dispatcher's own tests cover the rest.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CondenserFactory, CondenserOutput } from '../../src/condense/types.ts';
import type { Finding } from '../../src/contracts/failure-report.ts';

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are control characters
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Runs `factory`'s condenser over `text` and returns its output. */
export function condenseLines(factory: CondenserFactory, text: string): CondenserOutput {
  const condenser = factory.create();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, index) => {
    condenser.push({ text: raw.replace(ANSI, '').replace(/\r$/, ''), number: index + 1 });
  });
  return condenser.finish();
}

/** Reads a committed log under test/fixtures/logs/. */
export function readLog(relativePath: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/logs/${relativePath}`, import.meta.url)), 'utf8');
}

/** Runs a condenser over a committed log. */
export function condenseLog(factory: CondenserFactory, relativePath: string): CondenserOutput {
  return condenseLines(factory, readLog(relativePath));
}

/** The fields a reader of a finding relies on, for exact comparisons without excerpt noise. */
export function brief(finding: Finding): Partial<Finding> {
  const { kind, tool, file, line, column, code, message, testName, expected, actual, packages } = finding;
  return { kind, tool, file, line, column, code, message, testName, expected, actual, packages };
}
