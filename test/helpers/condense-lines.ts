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

/**
 * Runs `factory`'s condenser over `text` and returns its output. Like the dispatcher, it feeds a
 * condenser that declares a `trigger` only the lines matching it, plus every line while
 * `wantsEveryLine()` is true; `gating: false` feeds every line (to prove the trigger loses nothing).
 */
export function condenseLines(
  factory: CondenserFactory,
  text: string,
  options: { gating?: boolean } = {},
): CondenserOutput {
  const condenser = factory.create();
  const trigger = options.gating === false ? undefined : factory.trigger;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let hungry = false;
  lines.forEach((raw, index) => {
    const line = { text: raw.replace(ANSI, '').replace(/\r$/, ''), number: index + 1 };
    if (trigger !== undefined && !hungry && !trigger.test(line.text)) return;
    condenser.push(line);
    hungry = condenser.wantsEveryLine?.() ?? false;
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
