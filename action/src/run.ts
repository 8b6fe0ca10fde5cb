/**
 * The Action's orchestration.
 *
 * 1. Parse the inputs; bad inputs fail the step with every problem listed.
 * 2. Read the run context (API URL, repository, PR head SHA, workspace).
 * 3. Plan the steps: the `run` command, or the detected format-check/lint/build/test steps.
 * 4. Run the steps in order, each in a log group, streaming output to the log unchanged and
 *    into a condense session; stop at the first failure.
 * 5. Build the report: exit code and command, repo-relative paths, fitted to the check-run limits.
 * 6. Write the report file under RUNNER_TEMP.
 * 7. Publish the check run on the head SHA (warn, never fail, when that is not possible).
 * 8. Write the job summary and the step outputs.
 * 9. Exit with the command's exit code (unless `fail-on-error: false`).
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { createCondenseSession } from '#src/condense/condense.ts';
import { createWorkerCondenseSession, sourceWorkerEntry } from '#src/condense/worker.ts';
import { condenserFactories } from '#src/condense/registry.ts';
import type { FailureReport } from '#src/contracts/failure-report.ts';
import { renderFailureReportMarkdown } from '#src/contracts/render-failure-report.ts';
import { readRunContext, type RunContext } from './context.ts';
import { DetectError, detectSteps, loadProjectSnapshot, type PlannedStep } from './detect.ts';
import { execCommand } from './exec.ts';
import { InputError, parseInputs, readRawInputs, type Inputs } from './inputs.ts';
import { PublishError, publishCheckRun, type PublishedCheckRun } from './publish.ts';
import {
  buildAnnotations,
  CHECK_OUTPUT_MAX_CHARS,
  combineStepReports,
  fitReportJson,
  relocateFindings,
  renderCheckRunTitle,
  toWorkspacePath,
  withOutcome,
  type CommandOutcome,
} from './report.ts';

/** What `run` touches besides @actions/core and the filesystem; tests replace parts of it. */
export interface RunDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: typeof fetch;
  /** The job log for the wrapped command's output. */
  readonly stdout: { write(chunk: Uint8Array): unknown };
  readonly stderr: { write(chunk: Uint8Array): unknown };
  readonly platform: NodeJS.Platform;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly setExitCode: (code: number) => void;
  /** Module the condense worker thread runs (the bundle's dist/condense-worker.js; see index.ts). */
  readonly condenseWorker: URL;
}

export interface RunResult {
  /** The exit code the Action ends with. */
  readonly exitCode: number;
  /** Undefined when nothing ran (bad inputs, nothing detected). */
  readonly report: FailureReport | undefined;
  readonly reportPath: string | undefined;
  readonly checkRun: PublishedCheckRun | undefined;
}

function defaultDeps(): RunDeps {
  return {
    env: process.env,
    fetch: globalThis.fetch,
    stdout: process.stdout,
    stderr: process.stderr,
    platform: process.platform,
    now: () => new Date(),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    setExitCode: (code) => {
      process.exitCode = code;
    },
    condenseWorker: sourceWorkerEntry,
  };
}

/** Runs the Action. Never throws: every failure ends as `core.setFailed` plus an exit code. */
export async function run(overrides: Partial<RunDeps> = {}): Promise<RunResult> {
  const deps = { ...defaultDeps(), ...overrides };
  const fail = (message: string, exitCode = 1): RunResult => {
    core.setFailed(message);
    deps.setExitCode(exitCode);
    return { exitCode, report: undefined, reportPath: undefined, checkRun: undefined };
  };
  try {
    return await runSteps(deps, fail);
  } catch (error) {
    if (
      error instanceof InputError ||
      error instanceof DetectError ||
      error instanceof WorkingDirectoryError
    ) {
      return fail(error.message);
    }
    return fail(
      `fleetwright: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}

class WorkingDirectoryError extends Error {
  override name = 'WorkingDirectoryError';
}

async function runSteps(
  deps: RunDeps,
  fail: (message: string, exitCode?: number) => RunResult,
): Promise<RunResult> {
  // 1. Inputs.
  const inputs = parseInputs(
    readRawInputs(),
    condenserFactories.map((factory) => factory.tool),
  );
  if (inputs.token) core.setSecret(inputs.token);

  // 2. Run context.
  const context = await readRunContext(deps.env, (message) => core.warning(message));
  const workingDirectory = await resolveWorkingDirectory(context.workspace, inputs.workingDirectory);

  // 3. Plan.
  const steps = await planSteps(inputs, workingDirectory.absolute, deps.platform);
  if (steps.length === 0) {
    return fail(
      `fleetwright: detect found no build system in ${workingDirectory.relative || '.'} ` +
        '(looked for package.json scripts, pom.xml, build.gradle(.kts), go.mod, Cargo.toml, pyproject.toml/setup.cfg/tox.ini, ' +
        "*.sln/*.csproj, Package.swift, CMakeLists.txt, Makefile); set the 'run' input instead",
    );
  }

  // 4. Run.
  const startedAt = deps.now();
  const results: { report: FailureReport; outcome: CommandOutcome }[] = [];
  for (const step of steps) {
    const options = {
      tools: inputs.tools,
      command: step.command,
      repoRoot: workingDirectory.absolute,
      maxFindings: inputs.maxFindings,
      // One noisy tool may fill at most a third of the report, so another tool's root cause
      // still shows (the condensers' default is 10 of 30).
      maxFindingsPerTool: Math.max(10, Math.ceil(inputs.maxFindings / 3)),
    };
    const session = createWorkerCondenseSession(options, deps.condenseWorker);
    let exitCode: number;
    try {
      ({ exitCode } = await core.group(step.name, () =>
        execCommand(step.command, workingDirectory.absolute, {
          stdout: deps.stdout,
          stderr: deps.stderr,
          session,
        }),
      ));
    } catch (error) {
      // Ends the worker, which would otherwise keep the process alive.
      void session.finish().catch(() => undefined);
      throw error;
    }
    const outcome = { command: step.command, exitCode };
    let report: FailureReport;
    try {
      report = await session.finish();
    } catch (error) {
      // The command's exit code still decides and is still reported; only the findings are lost.
      core.warning(
        `fleetwright: the condenser failed, so the report has no findings: ${error instanceof Error ? error.message : String(error)}`,
      );
      report = createCondenseSession(options).finish();
    }
    results.push({ report: withOutcome(report, outcome), outcome });
    if (exitCode !== 0) {
      if (steps.length > 1)
        core.info(
          `fleetwright: '${step.name}' failed with exit code ${exitCode}; skipping the remaining steps`,
        );
      break;
    }
  }
  const completedAt = deps.now();

  // 5. Report.
  const combined = relocateFindings(combineStepReports(results), (file) =>
    toWorkspacePath(
      file,
      workingDirectory.relative,
      (path) => existsSync(join(context.workspace, path)),
      context.workspace,
    ),
  );
  const sourced: FailureReport = {
    ...combined,
    source: {
      producer: 'action',
      ...(context.job ? { job: context.job } : {}),
      ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    },
  };
  const { report, json } = fitReportJson(sourced, CHECK_OUTPUT_MAX_CHARS);
  const markdown = renderFailureReportMarkdown(report, { maxChars: CHECK_OUTPUT_MAX_CHARS });
  const exitCode = report.exitCode ?? 0;

  // 6. Report file.
  const reportPath = await writeReportFile(context, json);

  // 7. Check run.
  const checkRun = await tryPublish(deps, inputs, context, report, json, markdown, startedAt, completedAt);

  // 8. Job summary and outputs.
  await writeJobSummary(markdown, inputs.reportName, checkRun);
  core.setOutput('conclusion', report.conclusion);
  core.setOutput('exit-code', String(exitCode));
  core.setOutput('report-path', reportPath);
  core.setOutput('check-run-url', checkRun?.htmlUrl ?? '');

  // 9. Exit code.
  if (exitCode !== 0 && inputs.failOnError) {
    core.setFailed(`The command exited with code ${exitCode}: ${renderCheckRunTitle(report)}`);
    deps.setExitCode(exitCode);
    return { exitCode, report, reportPath, checkRun };
  }
  if (exitCode !== 0)
    core.warning(`The command exited with code ${exitCode}; not failing the step (fail-on-error: false)`);
  deps.setExitCode(0);
  return { exitCode: 0, report, reportPath, checkRun };
}

/** The working directory, confined to the workspace (symlinks resolved). */
async function resolveWorkingDirectory(
  workspace: string,
  input: string,
): Promise<{ absolute: string; relative: string }> {
  const absolute = resolve(workspace, input);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new WorkingDirectoryError(`Input 'working-directory' (${input}) is not a directory: ${absolute}`);
  }
  const real = realpathSync(absolute);
  const root = realpathSync(workspace);
  const inside = relative(root, real);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new WorkingDirectoryError(
      `Input 'working-directory' (${input}) is outside the workspace ${workspace}`,
    );
  }
  return { absolute: real, relative: inside.split('\\').join('/') };
}

/** A command to run, labelled for the log group. */
type Step = Pick<PlannedStep, 'name' | 'command'>;

async function planSteps(
  inputs: Inputs,
  directory: string,
  platform: NodeJS.Platform,
): Promise<readonly Step[]> {
  if (inputs.mode.type === 'wrap') {
    return [{ name: renderGroupTitle(inputs.mode.command), command: inputs.mode.command }];
  }
  const detected = detectSteps(await loadProjectSnapshot(directory, platform));
  for (const note of detected.notes) core.info(`fleetwright detect: ${note}`);
  if (detected.steps.length > 0) {
    core.info(
      `fleetwright detect: ${detected.ecosystems.join(', ')}; steps:\n${detected.steps
        .map((step, index) => `  ${index + 1}. ${step.command}`)
        .join('\n')}`,
    );
  }
  return detected.steps;
}

/** A log group title: the command's first line, shortened (a `run: |` block has several). */
export function renderGroupTitle(command: string): string {
  const lines = command.trim().split('\n');
  const first = (lines[0] ?? '').trim();
  const title = first.length > 100 ? `${first.slice(0, 99)}…` : first;
  return lines.length > 1 ? `${title} …` : title;
}

async function writeReportFile(context: RunContext, json: string): Promise<string> {
  const dir = join(context.tempDir ?? tmpdir(), 'fleetwright');
  await mkdir(dir, { recursive: true });
  const step = (context.stepId ?? 'report').replace(/[^A-Za-z0-9_.-]/g, '_');
  const path = join(dir, `report-${step}.json`);
  await writeFile(path, `${json}\n`);
  return path;
}

async function tryPublish(
  deps: RunDeps,
  inputs: Inputs,
  context: RunContext,
  report: FailureReport,
  json: string,
  markdown: string,
  startedAt: Date,
  completedAt: Date,
): Promise<PublishedCheckRun | undefined> {
  const missing = [
    inputs.token ? undefined : "a token (input 'token')",
    context.apiUrl ? undefined : 'GITHUB_API_URL',
    context.repository ? undefined : 'GITHUB_REPOSITORY',
    context.headSha ? undefined : 'a commit SHA (GITHUB_SHA)',
  ].filter(Boolean);
  if (missing.length > 0 || !inputs.token || !context.apiUrl || !context.repository || !context.headSha) {
    core.warning(
      `fleetwright: not publishing the ${inputs.reportName} check run: missing ${missing.join(', ')}. ` +
        'The job summary and the report file are still written.',
    );
    return undefined;
  }
  try {
    const published = await publishCheckRun(
      {
        apiUrl: context.apiUrl,
        owner: context.repository.owner,
        repo: context.repository.repo,
        token: inputs.token,
        name: inputs.reportName,
        headSha: context.headSha,
        conclusion: report.conclusion,
        title: renderCheckRunTitle(report),
        summary: markdown,
        text: json,
        annotations: buildAnnotations(report.findings),
        ...(context.runUrl ? { detailsUrl: context.runUrl } : {}),
        ...(context.externalId ? { externalId: context.externalId } : {}),
        startedAt,
        completedAt,
      },
      { fetch: deps.fetch, sleep: deps.sleep },
    );
    core.info(
      `fleetwright: published ${inputs.reportName} on ${context.headSha} (${context.headShaSource})${published.htmlUrl ? `: ${published.htmlUrl}` : ''}`,
    );
    return published;
  } catch (error) {
    core.warning(explainPublishError(error, inputs.reportName));
    return undefined;
  }
}

function explainPublishError(error: unknown, name: string): string {
  const prefix = `fleetwright: could not publish the ${name} check run`;
  if (!(error instanceof PublishError)) return `${prefix}: ${String(error)}`;
  switch (error.status) {
    case 401:
      return `${prefix}: the token was rejected (401). ${error.message}`;
    case 403:
      return (
        `${prefix}: the token may not write checks (403). Give the job \`permissions: checks: write\`; ` +
        `pull requests from forks only get a read-only token. ${error.message}`
      );
    case 404:
      return `${prefix}: the repository or the Checks API was not found (404); check GITHUB_API_URL. ${error.message}`;
    default:
      return `${prefix}: ${error.message}`;
  }
}

async function writeJobSummary(
  markdown: string,
  name: string,
  checkRun: PublishedCheckRun | undefined,
): Promise<void> {
  try {
    core.summary.addRaw(markdown, true);
    if (checkRun?.htmlUrl) core.summary.addRaw(`\n[${name} check run](${checkRun.htmlUrl})`, true);
    await core.summary.write();
  } catch (error) {
    // Outside a runner (local runs) there is no GITHUB_STEP_SUMMARY file.
    core.summary.emptyBuffer();
    core.info(`fleetwright: no job summary written: ${(error as Error).message}`);
  }
}
