/**
 * `fleetwright try`: runs a migration on a local checkout with a local verify command — the
 * prompt developer's inner loop, the same coder and prompts as the fleet.
 *
 * 1. Parse arguments; fail at once without Anthropic credentials or a price for the model.
 * 2. Load the manifest (the fields the coder needs) and its prompt.
 * 3. Verify the baseline: a red baseline stops here, as in the fleet.
 * 4. Iterate: run the coder (initial, then repair) in the checkout itself; run verify; on red,
 *    condense the output into a FailureReport and feed it back; until green or out of budget.
 * 5. Print the diff stat, outcome, usage and cost (or exactly one JSON object with --json).
 *
 * Exit codes: 0 when the final state is green (or the migration does not apply, or the coder
 * changed the checkout and no --verify was given), 1 otherwise, 2 for usage/configuration errors.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { buildAnthropicClient } from '../adapters/anthropic/build-anthropic-client.ts';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClaudeCoder } from '../adapters/anthropic/claude-coder.ts';
import { loadModelCatalog } from '../adapters/local/model-catalog.ts';
import { runVerifyCommand, type VerifyResult } from '../adapters/local/run-verify-command.ts';
import { LocalWorkspace } from '../adapters/local/workspace.ts';
import { condenseText } from '../condense/condense.ts';
import type { FailureReport, Finding } from '../contracts/failure-report.ts';
import { ZERO_USAGE, addUsage, cacheHitRate, type Usage } from '../contracts/usage.ts';
import { renderDiffStat, summarizeDiff, type DiffStatEntry } from '../core/diff/render-unified-diff.ts';
import type { Manifest } from '../core/manifest/schema.ts';
import { validateManifestFiles } from '../core/manifest/validate-files.ts';
import { renderValidationMessage } from '../core/manifest/validation-message.ts';
import type {
  AttemptSummary,
  CoderMigration,
  CoderOutcome,
  CoderProgress,
  CoderResult,
  CoderTask,
} from '../ports/coder.ts';
import { CoderError } from '../shared/errors.ts';
import { findModelPrice } from '../shared/pricing.ts';
import type { CliCommand, CliIo } from './io.ts';

const HELP = `Usage: fleetwright try --manifest <file> --repo <dir> [options]

Run a migration on a local checkout: verify the baseline, let the coder edit the checkout,
verify again, feed condensed failures back to the coder, until green or out of budget.
The coder edits files in <dir> directly; commit or stash your own work first.

Options:
  --manifest <file>       Migration manifest (YAML)
  --repo <dir>            Local checkout to migrate
  --verify "<command>"    Shell command that verifies the checkout, e.g. "npm test" (exit 0 = green)
  --max-iterations <n>    Coder runs (default: the manifest's budget.maxIterations)
  --no-judge              Do not run the LLM judge (no judge runs in 'try' yet; accepted for scripts)
  --json                  Print exactly one JSON object (outcome, iterations, files, usage, cost)
  -h, --help              Show this help

Environment:
  ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN   credentials (required)
  ANTHROPIC_BASE_URL                          Anthropic-compatible endpoint (default api.anthropic.com)
  FLEETWRIGHT_MODELS_FILE                     model price catalog (default config/models.yml)

Exit codes: 0 green (or not applicable; or changed without --verify), 1 not green, 2 usage error.
`;

/** How a 'try' run ended. */
export type TryOutcome =
  | 'green'
  | 'unverified'
  | 'not-applicable'
  | 'red'
  | 'baseline-red'
  | Exclude<CoderOutcome, 'changed' | 'not-applicable'>;

interface IterationRecord {
  iteration: number;
  mode: CoderTask['mode'];
  coderOutcome: CoderOutcome;
  summary: string;
  reason?: string;
  turns: number;
  toolCalls: number;
  filesTouched: string[];
  usage: Usage;
  verify?: { exitCode: number; durationMs: number; findings: number };
}

class UsageError extends Error {}

export const runTry: CliCommand = async (argv, io) => {
  try {
    return await tryMigration(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof CoderError)) throw error;
    io.stderr.write(`fleetwright try: ${error.message}\n`);
    // --json promises one JSON object, also when the run could not start.
    const outcome = error instanceof UsageError ? 'usage-error' : 'error';
    if (argv.includes('--json'))
      io.stdout.write(`${JSON.stringify({ outcome, green: false, message: error.message })}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
};

async function tryMigration(argv: string[], io: CliIo): Promise<number> {
  const args = parseCliArgs(argv);
  if (args === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  let client: Anthropic;
  try {
    client = buildAnthropicClient(io.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const repo = path.resolve(io.cwd, args.repo);
  if (!(await isDirectory(repo))) throw new UsageError(`--repo ${args.repo}: not a directory`);
  const { manifest, prompt } = await loadManifest(path.resolve(io.cwd, args.manifest), io.cwd);
  let catalog;
  try {
    catalog = await loadModelCatalog(io.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (findModelPrice(catalog, manifest.model.coder) === undefined) {
    throw new UsageError(
      `model '${manifest.model.coder}' has no price in the model catalog; add it to config/models.yml or the file named by FLEETWRIGHT_MODELS_FILE.`,
    );
  }
  const maxIterations = args.maxIterations ?? manifest.budget.maxIterations;
  const migration: CoderMigration = {
    id: manifest.id,
    title: manifest.title,
    prompt,
    allowWorkflowEdits: manifest.scope.allowWorkflowEdits,
    allowedPaths: manifest.scope.allowedPaths,
  };
  const progress = (line: string) => io.stderr.write(`${line}\n`);

  progress(
    `fleetwright try: ${migration.id} on ${repo} (model ${manifest.model.coder}, up to ${maxIterations} iterations, $${manifest.budget.maxCostPerRepoUsd} budget)`,
  );
  if (!args.verify) progress('No --verify command: the change will not be verified.');
  progress('No judge runs in try yet (the LLM judge arrives with issue 7); --no-judge is implied.');

  // 3. Baseline.
  if (args.verify) {
    const baseline = await verify(args.verify, repo, io);
    progress(`baseline: \`${args.verify}\` ${describeVerify(baseline)}`);
    if (baseline.exitCode !== 0) {
      const report = condense(baseline, args.verify, repo);
      progress(
        `The baseline is red: \`${args.verify}\` fails on the unmodified checkout, so a failure after the change could not be told apart from one before it. Fix the checkout (or the command) first.`,
      );
      progress(indent(firstFindings(report)));
      return finish(io, args.json, {
        outcome: 'baseline-red',
        iterations: [],
        usage: ZERO_USAGE,
        diff: '',
        files: [],
        message: `baseline red: \`${args.verify}\` exited ${baseline.exitCode}`,
      });
    }
  }

  // 4. Iterations, all in one workspace so the final diff covers every iteration.
  const workspace = await LocalWorkspace.open(repo, {
    allowWorkflowEdits: migration.allowWorkflowEdits,
    allowedPaths: migration.allowedPaths,
  });
  const coder = new ClaudeCoder({
    client,
    model: manifest.model.coder,
    catalog,
    maxTokensPerTurn: manifest.model.maxOutputTokens,
    openWorkspace: async () => workspace,
  });
  let usage: Usage = ZERO_USAGE;
  const iterations: IterationRecord[] = [];
  const history: AttemptSummary[] = [];
  let lastReport: FailureReport | undefined;
  let outcome: TryOutcome = 'red';
  let failure: string | undefined;
  for (let iteration = 1; iteration <= maxIterations; iteration += 1) {
    const remaining = Math.round((manifest.budget.maxCostPerRepoUsd - usage.costUsd) * 1e6) / 1e6;
    if (remaining <= 0) {
      outcome = 'budget-exhausted';
      progress(`Cost budget of $${manifest.budget.maxCostPerRepoUsd} spent; stopping.`);
      break;
    }
    const task: CoderTask =
      lastReport === undefined
        ? { mode: 'initial', migration, repo: path.basename(repo) }
        : { mode: 'repair', migration, repo: path.basename(repo), report: lastReport, history: [...history] };
    progress(`iteration ${iteration}/${maxIterations} (${task.mode}): coder running…`);
    let result: CoderResult;
    try {
      result = await coder.run(
        task,
        { root: repo },
        {
          maxTurns: manifest.budget.maxCoderTurns,
          maxOutputTokens: manifest.model.maxOutputTokens * manifest.budget.maxCoderTurns,
          maxCostUsd: remaining,
          timeoutMs: manifest.budget.coderTimeoutMinutes * 60_000,
        },
        { onProgress: (event) => progress(renderProgress(event, usage)) },
      );
    } catch (error) {
      if (!(error instanceof CoderError)) throw error;
      // The API could not be used at all (credentials, endpoint down after retries).
      progress(`  coder: could not run: ${error.message}`);
      outcome = 'error';
      failure = error.message;
      break;
    }
    usage = addUsage(usage, result.usage);
    const record: IterationRecord = {
      iteration,
      mode: task.mode,
      coderOutcome: result.outcome,
      summary: result.summary,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      turns: result.turns,
      toolCalls: result.toolCalls,
      filesTouched: result.filesTouched ?? [],
      usage: result.usage,
    };
    iterations.push(record);
    progress(
      `  coder: ${result.outcome} after ${result.turns} turns, ${result.toolCalls} tool calls, ${formatTokens(result.usage)}, $${result.usage.costUsd.toFixed(4)}${result.reason ? ` — ${result.reason}` : ''}`,
    );
    if (result.outcome === 'not-applicable') {
      // After a red verify, "does not apply" leaves a failing change behind: that is giving up.
      outcome = task.mode === 'initial' ? 'not-applicable' : 'gave-up';
      break;
    }
    if (result.outcome !== 'changed') {
      outcome = result.outcome;
      break;
    }
    if (!args.verify) {
      outcome = 'unverified';
      break;
    }
    const run = await verify(args.verify, repo, io);
    const report = run.exitCode === 0 ? undefined : condense(run, args.verify, repo);
    record.verify = {
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      findings: report?.findings.length ?? 0,
    };
    progress(`  verify: \`${args.verify}\` ${describeVerify(run)}`);
    if (report === undefined) {
      outcome = 'green';
      break;
    }
    progress(indent(firstFindings(report)));
    lastReport = report;
    history.push({
      iteration,
      summary: result.summary,
      files: result.filesTouched ?? [],
      result: `verify red: ${oneLineReport(report)}`,
    });
    outcome = 'red';
  }

  const changes = await workspace.changeSet();
  return finish(io, args.json, {
    outcome,
    iterations,
    usage,
    diff: changes.diff,
    files: [...changes.additions.map((a) => a.path), ...changes.deletions.map((d) => d.path)].sort(),
    message:
      failure === undefined
        ? describeOutcome(outcome, iterations.length, maxIterations)
        : `stopped: ${failure}`,
  });
}

interface TryArgs {
  manifest: string;
  repo: string;
  verify: string | undefined;
  maxIterations: number | undefined;
  json: boolean;
}

function parseCliArgs(argv: string[]): TryArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        manifest: { type: 'string' },
        repo: { type: 'string' },
        verify: { type: 'string' },
        'max-iterations': { type: 'string' },
        'no-judge': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
  if (values.help) return 'help';
  if (!values.manifest) throw new UsageError('--manifest <file> is required');
  if (!values.repo) throw new UsageError('--repo <dir> is required');
  let maxIterations: number | undefined;
  if (values['max-iterations'] !== undefined) {
    maxIterations = Number(values['max-iterations']);
    if (!Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 50) {
      throw new UsageError(
        `--max-iterations must be an integer from 1 to 50, got '${values['max-iterations']}'`,
      );
    }
  }
  const verify = values.verify?.trim();
  if (values.verify !== undefined && !verify)
    throw new UsageError('--verify needs a command, e.g. --verify "npm test"');
  return {
    manifest: values.manifest,
    repo: values.repo,
    verify: verify || undefined,
    maxIterations,
    json: values.json === true,
  };
}

/**
 * Parses the manifest exactly as the app does (`validateManifestFiles` → `parseManifest`), except
 * that the id need not match the file name (drafts are tried under any name). `promptFile`
 * resolves against the config repo root: the directory holding `migrations/`, else the
 * manifest's own directory; it may not leave that root.
 */
async function loadManifest(file: string, cwd: string): Promise<{ manifest: Manifest; prompt: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read manifest ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const dir = path.dirname(file);
  const root = path.basename(dir) === 'migrations' ? path.dirname(dir) : dir;
  const relative = path.relative(cwd, file);
  const source = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  const result = await validateManifestFiles([{ source, text }], {
    requireIdMatchesFileName: false,
    readPromptFile: promptReader(root),
  });
  const errors = result.messages.filter((m) => m.severity === 'error');
  const migration = result.migrations[0];
  if (errors.length > 0 || migration === undefined || migration.prompt === undefined) {
    const lines = errors.map((m) => `  ${renderValidationMessage(m)}`);
    throw new UsageError(`invalid manifest ${source}:\n${lines.join('\n') || '  (no prompt)'}`);
  }
  return { manifest: migration.manifest, prompt: migration.prompt };
}

/** Reads a prompt file inside `root` only; `undefined` when it does not exist. */
function promptReader(root: string) {
  return async (relative: string): Promise<string | undefined> => {
    const realRoot = await realpath(root);
    const real = await realpath(path.resolve(realRoot, relative)).catch(() => undefined);
    if (real === undefined) return undefined;
    if (real !== realRoot && !real.startsWith(realRoot + path.sep))
      throw new Error('the file resolves outside the config repo');
    if (!(await stat(real)).isFile()) return undefined;
    return readFile(real, 'utf8');
  };
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

const VERIFY_TIMEOUT_MS = 30 * 60_000;

function verify(command: string, cwd: string, io: CliIo): Promise<VerifyResult> {
  return runVerifyCommand(command, { cwd, env: io.env, timeoutMs: VERIFY_TIMEOUT_MS });
}

function describeVerify(run: VerifyResult): string {
  const seconds = (run.durationMs / 1000).toFixed(1);
  if (run.timedOut) return `timed out after ${seconds} s`;
  return run.exitCode === 0 ? `green (${seconds} s)` : `red: exit ${run.exitCode} (${seconds} s)`;
}

/**
 * Condenses verify output into a FailureReport. When no condenser recognises the output, the
 * tail of the raw output goes in as one generic finding: the coder must always get the
 * evidence, even for a tool fleetwright has no condenser for.
 */
function condense(run: VerifyResult, command: string, repoRoot: string): FailureReport {
  let report: FailureReport = condenseText(run.output, {
    command,
    exitCode: run.exitCode,
    repoRoot,
    source: { producer: 'cli' },
  });
  if (report.findings.length === 0) {
    const tail = run.output.replace(/\s+$/, '').split('\n').slice(-40).join('\n');
    const excerpt = tail.length > 4_000 ? tail.slice(-4_000) : tail;
    const finding: Finding = {
      kind: 'generic',
      tool: 'verify',
      severity: 'error',
      message: `\`${command}\` exited with code ${run.exitCode}; the end of its output follows`,
      excerpt,
      occurrences: 1,
    };
    report = { ...report, conclusion: 'failure', findings: [finding] };
  }
  return report;
}

function firstFindings(report: FailureReport, max = 5): string {
  const lines = report.findings.slice(0, max).map((f) => {
    const where = f.file === undefined ? '' : `${f.file}${f.line === undefined ? '' : `:${f.line}`} `;
    const test = f.testName === undefined ? '' : ` [${f.testName}]`;
    // A generic finding is raw output: show its last lines, the human has nothing else.
    const raw =
      f.kind === 'generic' && f.excerpt !== undefined
        ? `\n${f.excerpt.split('\n').slice(-12).join('\n')}`
        : '';
    return `- ${where}${f.message}${test}${raw}`;
  });
  if (report.findings.length > max) lines.push(`- … ${report.findings.length - max} more`);
  return lines.join('\n');
}

function oneLineReport(report: FailureReport): string {
  const first = report.findings[0];
  const count = report.findings.length + report.dropped.reduce((sum, d) => sum + d.count, 0);
  if (first === undefined) return `exit ${report.exitCode ?? '?'}`;
  const where = first.file === undefined ? '' : ` in ${first.file}`;
  const test = first.testName === undefined ? '' : ` (${first.testName})`;
  return `${count} finding${count === 1 ? '' : 's'}, first: ${first.message.slice(0, 160)}${where}${test}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function renderProgress(event: CoderProgress, before: Usage): string {
  switch (event.type) {
    case 'turn': {
      const total = addUsage(before, event.usage);
      return `  turn ${event.turn} · this run: ${formatTokens(event.usage)} · cache hit ${(cacheHitRate(event.usage) * 100).toFixed(0)}% · $${total.costUsd.toFixed(4)} in total`;
    }
    case 'tool':
      return `    ${event.isError ? '✗' : '✓'} ${event.summary}`;
    case 'retry':
      return `  API ${event.status ?? 'connection error'}: retry ${event.attempt} in ${(event.waitMs / 1000).toFixed(1)} s`;
  }
}

function formatTokens(usage: Usage): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(usage.inputTokens)} in / ${n(usage.outputTokens)} out / ${n(usage.cacheWriteTokens)} cache write / ${n(usage.cacheReadTokens)} cache read tokens`;
}

function describeOutcome(outcome: TryOutcome, iterations: number, max: number): string {
  switch (outcome) {
    case 'green':
      return `green after ${iterations} iteration${iterations === 1 ? '' : 's'}`;
    case 'red':
      return `still red after ${iterations} of ${max} iterations (iteration budget spent)`;
    case 'unverified':
      return 'changed (not verified: no --verify command)';
    case 'not-applicable':
      return 'the migration does not apply to this repository';
    default:
      return `stopped: ${outcome}`;
  }
}

interface Summary {
  outcome: TryOutcome;
  iterations: IterationRecord[];
  usage: Usage;
  diff: string;
  files: string[];
  message: string;
}

function finish(io: CliIo, json: boolean, summary: Summary): number {
  const green =
    summary.outcome === 'green' || summary.outcome === 'not-applicable' || summary.outcome === 'unverified';
  const stat: DiffStatEntry[] = summarizeDiff(summary.diff);
  if (json) {
    io.stdout.write(
      `${JSON.stringify({
        outcome: summary.outcome,
        green,
        message: summary.message,
        iterations: summary.iterations.length,
        filesChanged: summary.files,
        diffStat: stat,
        usage: summary.usage,
        costUsd: summary.usage.costUsd,
        cacheHitRate: Math.round(cacheHitRate(summary.usage) * 1000) / 1000,
        history: summary.iterations,
      })}\n`,
    );
  } else {
    const lines = [
      '',
      summary.files.length === 0 ? 'No files changed.' : renderDiffStat(stat).trimEnd(),
      '',
      `Outcome: ${summary.message}`,
      `Usage: ${formatTokens(summary.usage)} (cache hit rate ${(cacheHitRate(summary.usage) * 100).toFixed(1)}%)`,
      `Cost: $${summary.usage.costUsd.toFixed(4)}`,
      '',
    ];
    io.stdout.write(lines.join('\n'));
  }
  return green ? 0 : 1;
}
