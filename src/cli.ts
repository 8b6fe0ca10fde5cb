/**
 * The `fleetwright` CLI: one entry for migration owners and CI.
 * Do not add logic here: each command lives in src/cli/<command>.ts and is loaded lazily,
 * so `fleetwright condense` never pays for the Anthropic SDK and vice versa.
 */
import type { CliCommand, CliIo } from './cli/io.ts';

interface CommandEntry {
  summary: string;
  load: () => Promise<CliCommand>;
}

const commands: Record<string, CommandEntry> = {
  // Each command module exports `run<Name>: CliCommand`; keep this table sorted.
  condense: {
    summary: 'Condense a CI log into a short failure report (Markdown or JSON)',
    load: async () => (await import('./cli/condense.ts')).runCondense,
  },
  try: {
    summary: 'Run a migration on a local checkout with a local verify command',
    load: async () => (await import('./cli/try.ts')).runTry,
  },
  validate: {
    summary: 'Check migration manifests (files or config repo directories)',
    load: async () => (await import('./cli/validate.ts')).runValidate,
  },
};

const version = '0.1.0';

function renderHelp(): string {
  const width = Math.max(8, ...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return [
    'Usage: fleetwright <command> [options]',
    '',
    'Run LLM-powered code migrations across an organisation, verified by real CI.',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(width)}  Show this help, or a command's help: fleetwright help <command>`,
    '',
    'Options:',
    '  -h, --help     Show help',
    '  -v, --version  Show the version',
    '',
  ].join('\n');
}

/** Runs the CLI and returns the exit code (0 success, 1 findings/failure, 2 usage error). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    io.stdout.write(renderHelp());
    return first === undefined ? 2 : 0;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  if (first === 'help') {
    const target = rest[0];
    if (target === undefined) {
      io.stdout.write(renderHelp());
      return 0;
    }
    return main([target, '--help'], io);
  }
  const entry = commands[first];
  if (!entry) {
    io.stderr.write(`fleetwright: unknown command '${first}'\n\n${renderHelp()}`);
    return 2;
  }
  const command = await entry.load();
  return command(rest, io);
}

/** Binds the CLI to the real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTty: Boolean(process.stdout.isTTY),
  };
}
