/** An in-memory CliIo for CLI tests. */
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.ts';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

export function captureIo(
  options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): CapturedIo {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTty: false,
    out: () => stdout,
    err: () => stderr,
  };
}
