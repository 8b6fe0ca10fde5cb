/**
 * Records the benchmark corpus: runs every recipe of cases.ts with the real tools of this
 * machine and writes corpus/<tool>/<name>.log (+ .facts.json).
 *
 *   node bench/condense/record.ts [id-substring…]
 *
 * The temporary project path is replaced by a GitHub-hosted runner checkout path
 * (/home/runner/work/demo/demo) so committed logs are reproducible and look like CI logs.
 * A recipe whose exit status or facts do not match the real output fails the recording.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cases, composites, type Case, type Composite } from './cases.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const corpusDir = fileURLToPath(new URL('corpus', import.meta.url));
const RUNNER_CHECKOUT = '/home/runner/work/demo/demo';

/** Sidecar written beside each log. */
export interface FactsFile {
  tool: string;
  command: string;
  exitCode: number;
  passing: boolean;
  facts: Case['facts'];
  source: 'recorded' | 'composed';
}

function runShell(
  command: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-o', 'pipefail', '-c', `${command} 2>&1`], {
      cwd,
      env: {
        ...process.env,
        PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
        CI: 'true',
        NO_UPDATE_NOTIFIER: '1',
        GOTOOLCHAIN: 'local',
        GOFLAGS: '-mod=mod',
        CARGO_TERM_COLOR: 'never',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 137, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

async function record(recipe: Case): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-corpus-'));
  try {
    for (const [path, text] of Object.entries(recipe.files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    if (recipe.nodeModules) await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    for (const command of recipe.setup ?? []) {
      const setup = await runShell(command, dir, {});
      if (setup.code !== 0) throw new Error(`${recipe.id}: setup '${command}' failed:\n${setup.output}`);
    }
    const { code, output } = await runShell(recipe.command, dir, { ...recipe.env });
    const log = output
      .split(dir)
      .join(RUNNER_CHECKOUT)
      // node_modules is linked from this repository; on a runner it sits in the checkout.
      .split(join(repoRoot, 'node_modules'))
      .join(`${RUNNER_CHECKOUT}/node_modules`)
      // An artefact of this machine's npmrc, not of the project: keep it out of the corpus.
      .replace(/^npm warn Unknown user config "nodedir".*\n/gm, '');
    if ((code === 0) !== (recipe.expect === 'pass')) {
      throw new Error(`${recipe.id}: expected to ${recipe.expect}, exit code ${code}:\n${log}`);
    }
    // eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
    const plain = log.replace(/\u001b\[[0-9;]*m/g, '');
    for (const fact of recipe.facts) {
      if (
        !plain.includes(fact.message) ||
        (fact.file !== undefined && !plain.includes(fact.file.split('/').pop() as string))
      ) {
        throw new Error(`${recipe.id}: fact not in the real output: ${JSON.stringify(fact)}\n${plain}`);
      }
    }
    const [tool] = recipe.id.split('/');
    const base = join(corpusDir, recipe.id);
    await mkdir(dirname(base), { recursive: true });
    await writeFile(`${base}.log`, log);
    const facts: FactsFile = {
      tool: tool as string,
      command: recipe.command,
      exitCode: code,
      passing: recipe.expect === 'pass',
      facts: recipe.facts,
      source: 'recorded',
    };
    await writeFile(`${base}.facts.json`, `${JSON.stringify(facts, null, 2)}\n`);
    console.log(`recorded ${recipe.id} (exit ${code}, ${log.length} bytes)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Wraps recorded logs into one runner job log (see `composites` in cases.ts). */
async function compose(composite: Composite): Promise<void> {
  let clock = Date.parse('2026-11-21T10:04:05.000Z');
  const stamp = (line: string) => {
    clock += 13;
    return `${new Date(clock).toISOString().replace('Z', '0000Z')} ${line}`;
  };
  const out: string[] = [
    stamp("Current runner version: '2.330.0'"),
    stamp('##[group]Run actions/checkout@v5'),
    stamp('with:'),
    stamp('  repository: acme/demo'),
    stamp('##[endgroup]'),
    stamp('Syncing repository: acme/demo'),
  ];
  let facts: Case['facts'] = [];
  let exitCode = 0;
  const commands: string[] = [];
  for (const id of composite.parts) {
    const base = join(corpusDir, id);
    const sidecar = JSON.parse(await readFile(`${base}.facts.json`, 'utf8')) as FactsFile;
    const log = await readFile(`${base}.log`, 'utf8');
    commands.push(sidecar.command);
    out.push(
      stamp(`##[group]Run ${sidecar.command}`),
      stamp(sidecar.command),
      stamp('shell: /usr/bin/bash -e {0}'),
      stamp('##[endgroup]'),
    );
    for (const line of log.replace(/\n$/, '').split('\n')) out.push(stamp(line));
    if (sidecar.exitCode !== 0) {
      out.push(stamp(`##[error]Process completed with exit code ${sidecar.exitCode}.`));
      facts = sidecar.facts;
      exitCode = sidecar.exitCode;
      break;
    }
  }
  out.push(stamp('Post job cleanup.'));
  const base = join(corpusDir, composite.id);
  await mkdir(dirname(base), { recursive: true });
  await writeFile(`${base}.log`, `${out.join('\n')}\n`);
  const sidecar: FactsFile = {
    tool: 'ci',
    command: commands.join(' && '),
    exitCode,
    passing: exitCode === 0,
    facts,
    source: 'composed',
  };
  await writeFile(`${base}.facts.json`, `${JSON.stringify(sidecar, null, 2)}\n`);
  console.log(`composed ${composite.id}`);
}

const filters = process.argv.slice(2);
let failed = 0;
for (const recipe of cases) {
  if (filters.length > 0 && !filters.some((filter) => recipe.id.includes(filter))) continue;
  try {
    await record(recipe);
  } catch (error) {
    failed += 1;
    console.error((error as Error).message);
  }
}
for (const composite of composites) {
  if (filters.length > 0 && !filters.some((filter) => composite.id.includes(filter))) continue;
  try {
    await compose(composite);
  } catch (error) {
    failed += 1;
    console.error(`${composite.id}: ${(error as Error).message}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
