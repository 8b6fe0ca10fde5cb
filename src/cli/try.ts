/**
 * `fleetwright try`: runs a migration on a local checkout with a local verify command — the
 * prompt developer's inner loop, the same coder, guards, judge and prompts as the fleet.
 *
 * 1. Parse arguments; fail at once without Anthropic credentials or a price for the models.
 * 2. Load the manifest and its prompt, and the org-wide judge criteria (`--org-criteria`).
 * 3. Verify the baseline: a red baseline stops here, as in the fleet. Its test counts are kept
 *    for the guards.
 * 4. Run the loop (try-loop.ts): coder → verify → (on red) repair; (on green) guards + judge →
 *    (on reject) judge-feedback; until approved, out of budget, or the coder stops.
 * 5. Print the diff stat, outcome, verdict, usage and cost (or one JSON object with --json).
 *
 * Exit codes: 0 when the final change is green (or unverified: no --verify) and the judge
 * approved it (or --no-judge), or when the migration does not apply; 1 otherwise; 2 for
 * usage/configuration errors.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAnthropicClient } from '../adapters/anthropic/build-anthropic-client.ts';
import { ClaudeCoder } from '../adapters/anthropic/claude-coder.ts';
import { ClaudeJudge } from '../adapters/anthropic/claude-judge.ts';
import { loadModelCatalog } from '../adapters/local/model-catalog.ts';
import { runVerifyCommand, type VerifyResult } from '../adapters/local/run-verify-command.ts';
import { LocalWorkspace } from '../adapters/local/workspace.ts';
import type { TestCounts } from '../contracts/failure-report.ts';
import type { Manifest } from '../core/manifest/schema.ts';
import { validateManifestFiles } from '../core/manifest/validate-files.ts';
import { renderValidationMessage } from '../core/manifest/validation-message.ts';
import type { CoderMigration } from '../ports/coder.ts';
import { CoderError, JudgeError } from '../shared/errors.ts';
import { findModelPrice } from '../shared/pricing.ts';
import type { CliCommand, CliIo } from './io.ts';
import { condenseVerifyOutput, describeVerify, firstFindings, indent, runTryLoop } from './try-loop.ts';
import { describeOutcome, finishTry } from './try-output.ts';

const HELP = `Usage: fleetwright try --manifest <file> --repo <dir> [options]

Run a migration on a local checkout: verify the baseline, let the coder edit the checkout,
verify again and feed condensed failures back to the coder; once green, review the change
with the deterministic guards and the LLM judge and feed a rejection's required changes back
to the coder; until approved or out of budget.
The coder edits files in <dir> directly; commit or stash your own work first.

Options:
  --manifest <file>       Migration manifest (YAML)
  --repo <dir>            Local checkout to migrate
  --verify "<command>"    Shell command that verifies the checkout, e.g. "npm test" (exit 0 = green)
  --max-iterations <n>    Coder runs, including judge-feedback runs (default: the manifest's budget.maxIterations)
  --org-criteria <file>   Org-wide judge criteria (text/Markdown), as the fleet reads from the config repo
  --no-judge              Skip the guards and the LLM judge: green ends the run
  --json                  Print exactly one JSON object (outcome, iterations, files, verdict, usage, cost)
  -h, --help              Show this help

Environment:
  ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN   credentials (required)
  ANTHROPIC_BASE_URL                          Anthropic-compatible endpoint (default api.anthropic.com)
  FLEETWRIGHT_MODELS_FILE                     model price catalog (default config/models.yml)

Exit codes: 0 green and approved by the judge (or --no-judge; or changed without --verify and
approved; or not applicable), 1 otherwise, 2 usage error.
`;

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
  const orgCriteria =
    args.orgCriteria === undefined || !args.judge
      ? undefined
      : await readOrgCriteria(path.resolve(io.cwd, args.orgCriteria));
  let catalog;
  try {
    catalog = await loadModelCatalog(io.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const roles = args.judge ? (['coder', 'judge'] as const) : (['coder'] as const);
  for (const role of roles) {
    if (findModelPrice(catalog, manifest.model[role]) === undefined) {
      throw new UsageError(
        `model '${manifest.model[role]}' has no price in the model catalog (model.${role}); add it to config/models.yml or the file named by FLEETWRIGHT_MODELS_FILE.`,
      );
    }
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
    `fleetwright try: ${migration.id} on ${repo} (coder ${manifest.model.coder}, ${args.judge ? `judge ${manifest.model.judge}` : 'no judge'}, up to ${maxIterations} iterations, $${manifest.budget.maxCostPerRepoUsd} budget)`,
  );
  if (!args.verify) progress('No --verify command: the change will not be verified.');
  if (!args.judge && args.orgCriteria !== undefined) progress('--org-criteria is ignored with --no-judge.');

  // 3. Baseline.
  let baselineCounts: TestCounts | undefined;
  if (args.verify) {
    const baseline = await verify(args.verify, repo, io);
    progress(`baseline: \`${args.verify}\` ${describeVerify(baseline)}`);
    const report = condenseVerifyOutput(baseline, args.verify, repo);
    if (baseline.exitCode !== 0) {
      progress(
        `The baseline is red: \`${args.verify}\` fails on the unmodified checkout, so a failure after the change could not be told apart from one before it. Fix the checkout (or the command) first.`,
      );
      progress(indent(firstFindings(report)));
      return finishTry(io, args.json, {
        outcome: 'baseline-red',
        loop: undefined,
        diff: '',
        files: [],
        judgeEnabled: args.judge,
        message: `baseline red: \`${args.verify}\` exited ${baseline.exitCode}`,
      });
    }
    baselineCounts = report.testCounts;
  }

  // 4. Iterations, all in one workspace so the diff covers every iteration.
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
  let judge: ClaudeJudge | undefined;
  if (args.judge) {
    try {
      // The coder retries by itself (the shared client has retries off); the judge is one call,
      // so the SDK's own backoff on 408/409/429/5xx (honouring retry-after) covers it.
      judge = new ClaudeJudge(client.withOptions({ maxRetries: 2 }), {
        model: manifest.model.judge,
        catalog,
        maxOutputTokens: manifest.model.judgeMaxOutputTokens,
      });
    } catch (error) {
      if (!(error instanceof JudgeError)) throw error;
      throw new UsageError(error.message);
    }
  }
  const verifyCommand = args.verify;
  const loop = await runTryLoop(
    {
      coder,
      judge,
      verify: verifyCommand === undefined ? undefined : () => verify(verifyCommand, repo, io),
      changeSet: () => workspace.changeSet(),
      progress,
    },
    {
      manifest,
      migration,
      repoRoot: repo,
      repoName: path.basename(repo),
      maxIterations,
      verifyCommand,
      baselineCounts,
      orgCriteria,
    },
  );

  const changes = await workspace.changeSet();
  return finishTry(io, args.json, {
    outcome: loop.outcome,
    loop,
    diff: changes.diff,
    files: [...changes.additions.map((a) => a.path), ...changes.deletions.map((d) => d.path)].sort(),
    judgeEnabled: args.judge,
    message:
      loop.failure === undefined
        ? describeOutcome(loop.outcome, loop.iterations.length, maxIterations)
        : `stopped: ${loop.failure}`,
  });
}

interface TryArgs {
  manifest: string;
  repo: string;
  verify: string | undefined;
  maxIterations: number | undefined;
  orgCriteria: string | undefined;
  /** False with --no-judge. */
  judge: boolean;
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
        'org-criteria': { type: 'string' },
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
  if (values['org-criteria'] !== undefined && values['org-criteria'].trim() === '')
    throw new UsageError('--org-criteria needs a file, e.g. --org-criteria judge-criteria.md');
  return {
    manifest: values.manifest,
    repo: values.repo,
    verify: verify || undefined,
    maxIterations,
    orgCriteria: values['org-criteria'],
    judge: values['no-judge'] !== true,
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

/** The org criteria file is prompt text for the judge; a bigger file is a mistake, not criteria. */
const MAX_ORG_CRITERIA_BYTES = 256 * 1024;

async function readOrgCriteria(file: string): Promise<string | undefined> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`--org-criteria ${file}: not a file`);
    if (info.size > MAX_ORG_CRITERIA_BYTES)
      throw new UsageError(
        `--org-criteria ${file}: ${info.size} bytes; expected at most ${MAX_ORG_CRITERIA_BYTES} bytes of criteria`,
      );
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read --org-criteria ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return text.trim() === '' ? undefined : text;
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
