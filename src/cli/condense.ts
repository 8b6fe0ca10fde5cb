/**
 * `fleetwright condense`: reads a CI log (a file or stdin), streams it through the condensers
 * and prints the FailureReport as Markdown or JSON. Never buffers the whole log.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { selectFactories, UnknownCondenserError } from '../condense/condense.ts';
import { condenserFactories } from '../condense/registry.ts';
import { DEFAULT_MAX_FINDINGS } from '../condense/report.ts';
import { condenseStreamInWorker, sourceWorkerEntry } from '../condense/worker.ts';
import {
  DEFAULT_MARKDOWN_MAX_CHARS,
  renderFailureReportMarkdown,
} from '../contracts/render-failure-report.ts';
import type { CliCommand, CliIo } from './io.ts';

const HELP = `Usage: fleetwright condense [options] [FILE|-]

Condense a CI log into a short failure report: for each root-cause error its file, line,
column, code and message; for each failing test its name, assertion and expected/received
values; dependency conflicts with the packages involved; test counts; totals of what was
left out. Reads stdin when FILE is omitted or '-'. Streams: logs of any size are fine.

Options:
  --tool <ids>          'auto' (default: every condenser, picked by the content) or a
                        comma-separated list of condenser ids (see --list-tools)
  --format <format>     'markdown' (default) or 'json' (the FailureReport contract)
  --command <command>   the command that produced the log, recorded in the report
  --exit-code <n>       its exit code; non-zero makes the report a failure even without
                        findings (read from '##[error]Process completed with exit code N.'
                        when the log is a downloaded GitHub Actions log)
  --repo-root <dir>     checkout path to strip from file paths (default: the current
                        directory; runner checkouts such as /home/runner/work/<r>/<r>/ are
                        always stripped)
  --max-findings <n>    cap on findings in the report (default ${DEFAULT_MAX_FINDINGS})
  --max-chars <n>       hard cap on the Markdown size (default ${DEFAULT_MARKDOWN_MAX_CHARS})
  --list-tools          list the condensers and exit
  -h, --help            show this help

Exit status: 0 when a report was printed, whatever it says (a failure report is a
successful condense: check "conclusion" in the JSON); 2 on a usage error or an
unreadable input.

Examples:
  npm test 2>&1 | fleetwright condense --command "npm test"
  fleetwright condense --format json --tool tsc,eslint build.log
  gh run view 123 --log-failed | fleetwright condense
`;

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${name} must be a positive integer, got '${value}'`);
  return Number(value);
}

class UsageError extends Error {}

function listTools(io: CliIo): void {
  const width = Math.max(...condenserFactories.map((f) => f.tool.length));
  for (const f of condenserFactories) io.stdout.write(`${f.tool.padEnd(width)}  ${f.description}\n`);
}

export const runCondense: CliCommand = async (argv, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        tool: { type: 'string' },
        format: { type: 'string' },
        command: { type: 'string' },
        'exit-code': { type: 'string' },
        'repo-root': { type: 'string' },
        'max-findings': { type: 'string' },
        'max-chars': { type: 'string' },
        'list-tools': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr.write(
      `fleetwright condense: ${(error as Error).message}\nRun 'fleetwright condense --help' for usage.\n`,
    );
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values['list-tools']) {
    listTools(io);
    return 0;
  }

  let options;
  let maxChars: number | undefined;
  let format: 'markdown' | 'json';
  try {
    if (positionals.length > 1) throw new UsageError(`expected at most one FILE, got ${positionals.length}`);
    const rawFormat = values.format ?? 'markdown';
    if (rawFormat !== 'markdown' && rawFormat !== 'json') {
      throw new UsageError(`--format must be 'markdown' or 'json', got '${rawFormat}'`);
    }
    format = rawFormat;
    const exitCodeText = values['exit-code'];
    if (exitCodeText !== undefined && !/^-?\d+$/.test(exitCodeText)) {
      throw new UsageError(`--exit-code must be an integer, got '${exitCodeText}'`);
    }
    const toolText = values.tool?.trim();
    const tools: 'auto' | string[] =
      toolText === undefined || toolText === 'auto' ? 'auto' : toolText.split(',').map((t) => t.trim());
    if (tools !== 'auto' && tools.some((t) => t === ''))
      throw new UsageError(`--tool has an empty name: '${toolText}'`);
    selectFactories(tools);
    maxChars = positiveInt(values['max-chars'], '--max-chars');
    options = {
      tools,
      repoRoot: values['repo-root'] ?? io.cwd,
      source: { producer: 'cli' as const },
      ...(values.command !== undefined && { command: values.command }),
      ...(exitCodeText !== undefined && { exitCode: Number(exitCodeText) }),
      ...(values['max-findings'] !== undefined && {
        maxFindings: positiveInt(values['max-findings'], '--max-findings'),
      }),
    };
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnknownCondenserError) {
      io.stderr.write(`fleetwright condense: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const file = positionals[0];
  let input: AsyncIterable<string | Uint8Array>;
  if (file === undefined || file === '-') input = io.stdin;
  else {
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a regular file');
    } catch (error) {
      io.stderr.write(`fleetwright condense: cannot read '${file}': ${(error as Error).message}\n`);
      return 2;
    }
    input = createReadStream(file);
  }

  let report;
  try {
    // On a worker thread with a capped young generation: see src/condense/worker.ts.
    report = await condenseStreamInWorker(input, options, sourceWorkerEntry);
  } catch (error) {
    io.stderr.write(`fleetwright condense: cannot read '${file ?? 'stdin'}': ${(error as Error).message}\n`);
    return 2;
  }
  io.stdout.write(
    format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : renderFailureReportMarkdown(report, maxChars === undefined ? {} : { maxChars }),
  );
  return 0;
};
