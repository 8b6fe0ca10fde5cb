import type { Readable } from 'node:stream';

/**
 * Everything a CLI command touches outside its arguments, so commands are testable
 * without spawning processes. `processIo()` in src/cli.ts binds it to the real process.
 */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: Readable;
  env: Record<string, string | undefined>;
  cwd: string;
  /** True when stdout is a terminal (progress output, colours). */
  isTty: boolean;
}

/** A CLI command: parses its own argv and returns the process exit code. */
export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;
