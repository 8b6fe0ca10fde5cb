/**
 * Yarn condenser.
 * - Classic (v1): "error Your lockfile needs to be updated, but yarn was run with
 *   `--frozen-lockfile`.", "error Couldn't find any versions for "x" that matches "9"",
 *   "error An unexpected error occurred: …". "error Command failed with exit code N." only
 *   says a script failed and is skipped.
 * - Berry (v2+): "➤ YN0028: │ The lockfile would have been modified by this install…",
 *   "YN0082: │ x@npm:9.0.0: No candidates found", YN0001 exceptions and the other error codes.
 */
import { FindingCollector } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'yarn';
const CLASSIC = /^error (.+)$/;
const BERRY = /^(?:➤ )?YN(\d{4}): (?:[│|] ?)?(.*)$/;
// Berry codes that fail an install (others are informational or warnings).
const BERRY_ERRORS = new Set([
  '0001',
  '0009',
  '0018',
  '0028',
  '0035',
  '0041',
  '0046',
  '0071',
  '0078',
  '0080',
  '0082',
]);
const CLASSIC_WRAPPER = /^Command failed with exit code \d+\.?$/;

function packagesOf(message: string): string[] {
  const classic = /versions for "([^"]+)" that matches "([^"]+)"/.exec(message);
  if (classic) return [`${classic[1]}@${classic[2]}`];
  const berry = /^(@?[^@\s:]+)@(?:npm:)?([^:\s]+): /.exec(message);
  if (berry) return [`${berry[1]}@${berry[2]}`];
  return [];
}

class YarnCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private firstLine: number | undefined;
  private classicSeen = false;

  push(line: LogLine): void {
    const text = line.text.trimEnd();
    if (text.startsWith('yarn install v') || text.startsWith('yarn run v')) {
      this.classicSeen = true;
      return;
    }
    if (text.startsWith('error ')) {
      const m = CLASSIC.exec(text);
      if (!m || !this.classicSeen) return;
      const message = (m[1] ?? '').trim();
      if (CLASSIC_WRAPPER.test(message)) return;
      this.firstLine ??= line.number;
      const lockfile = message.includes('lockfile needs to be updated');
      this.collector.add({
        kind: 'dependency-error',
        tool: TOOL,
        code: lockfile ? 'lockfile-out-of-sync' : undefined,
        file: lockfile ? 'yarn.lock' : undefined,
        message,
        packages: packagesOf(message),
      });
      return;
    }
    if (text.includes('YN')) {
      const m = BERRY.exec(text);
      if (!m || !BERRY_ERRORS.has(m[1] ?? '')) return;
      this.firstLine ??= line.number;
      const message = (m[2] ?? '').trim();
      this.collector.add({
        kind: 'dependency-error',
        tool: TOOL,
        code: `YN${m[1] ?? ''}`,
        file: m[1] === '0028' ? 'yarn.lock' : undefined,
        message,
        packages: packagesOf(message),
      });
    }
  }

  finish(): CondenserOutput {
    return this.collector.output(TOOL, this.firstLine);
  }
}

export const yarnCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'Yarn classic and Berry install errors',
  trigger: /^error |^yarn (?:install|run) v|^(?:➤ )?YN\d{4}: /,
  create: () => new YarnCondenser(),
};
