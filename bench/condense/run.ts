/**
 * The condenser benchmark (issue 3, "Evidence").
 *
 *   node bench/condense/run.ts [--corpus DIR] [--big-mb N] [--runs N] [--json FILE] [--check]
 *
 * 1. Quality, on every corpus log (corpus/<tool>/<name>.log with a .facts.json sidecar):
 *    recall of the facts a fix needs, and the size of the Markdown report the coder reads, in
 *    tokens ≈ characters / 4. The same numbers for two baselines a pipeline might use instead:
 *    `tail -n 200` and `grep -iE "error|fail"`.
 * 2. Speed, on a log of ≥ N MB generated on the fly into the temp dir (not committed): MB/s and
 *    peak RSS of the condenser, of the baselines' real binaries, and of a plain Node
 *    line-counting pass (the speed floor). Each is its own process, measured with /usr/bin/time,
 *    in rounds that run every contender once; the throughput ratio is taken within each round.
 *
 * Recall is strict for fleetwright: a fact counts only when one finding has the file (path
 * suffix) and line — in its location or one of its stack frames — and the message substring
 * in its own text. For the baselines, whose output is raw text, a fact counts when the text
 * contains the message and the file name followed by the line number: generous on purpose.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { condenseStream } from '../../src/condense/condense.ts';
import type { FailureReport, Finding } from '../../src/contracts/failure-report.ts';
import { renderFailureReportMarkdown } from '../../src/contracts/render-failure-report.ts';
import type { Fact } from './cases.ts';
import { generateBigLog } from './big-log.ts';
import { findLogs } from './corpus.ts';
import type { FactsFile } from './record.ts';

const here = dirname(fileURLToPath(import.meta.url));

interface Options {
  corpus: string;
  bigMb: number;
  runs: number;
  json: string | undefined;
  check: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    corpus: join(here, 'corpus'),
    bigMb: 300,
    runs: 3,
    json: undefined,
    check: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--corpus') options.corpus = value();
    else if (arg === '--big-mb') options.bigMb = Number(value());
    else if (arg === '--runs') options.runs = Math.max(1, Number(value()));
    else if (arg === '--json') options.json = value();
    else if (arg === '--check') options.check = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isFinite(options.bigMb) || options.bigMb < 0) throw new Error('--big-mb must be a number ≥ 0');
  return options;
}

// ------------------------------------------------------------------ corpus and quality

interface Sample {
  id: string;
  tool: string;
  passing: boolean;
  facts: readonly Fact[];
  /** Per method: facts recalled and report tokens. */
  results: Record<Method, { recalled: number; tokens: number }>;
}

const METHODS = ['fleetwright', 'tail -n 200', 'grep error|fail'] as const;
type Method = (typeof METHODS)[number];

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
const squash = (text: string) => stripAnsi(text).replace(/\s+/g, ' ');
/** ≈ tokens: the common 4-characters-per-token rule of thumb for English and code. */
const tokens = (text: string) => Math.ceil(text.length / 4);

function pathMatches(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  const a = actual.replace(/\\/g, '/');
  return a === expected || a.endsWith(`/${expected}`) || expected.endsWith(`/${a}`);
}

function findingText(finding: Finding): string {
  return squash(
    [
      finding.message,
      finding.testName,
      finding.expected,
      finding.actual,
      finding.excerpt,
      ...(finding.frames ?? []),
      ...(finding.packages ?? []),
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

/** Strict: one finding carries the location (or a frame does) and the message. */
function recalledByReport(fact: Fact, report: FailureReport): boolean {
  const message = squash(fact.message);
  return report.findings.some((finding) => {
    if (!findingText(finding).includes(message)) return false;
    if (fact.file === undefined) return true;
    const atLocation =
      pathMatches(finding.file, fact.file) && (fact.line === undefined || finding.line === fact.line);
    const inFrame = (finding.frames ?? []).some((frame) => {
      const name = basename(fact.file as string);
      return (
        frame.includes(name) &&
        (fact.line === undefined || new RegExp(`${escape(name)}:${fact.line}\\b`).test(frame))
      );
    });
    return atLocation || inFrame;
  });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Generous: the text has the message and the file name, with the line number within the 300
 * characters after one mention of the file (ESLint prints the file once above its problems;
 * Python writes `File "x.py", line 5`).
 */
function recalledByText(fact: Fact, text: string): boolean {
  const plain = squash(text);
  if (!plain.includes(squash(fact.message))) return false;
  if (fact.file === undefined) return true;
  const name = basename(fact.file);
  if (fact.line === undefined) return plain.includes(name);
  const lineNumber = new RegExp(`(?<!\\d)${fact.line}(?!\\d)`);
  for (let at = plain.indexOf(name); at !== -1; at = plain.indexOf(name, at + 1)) {
    if (lineNumber.test(plain.slice(at + name.length, at + name.length + 300))) return true;
  }
  return false;
}

async function measureQuality(corpus: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const log of await findLogs(corpus)) {
    const sidecar = JSON.parse(await readFile(log.replace(/\.log$/, '.facts.json'), 'utf8')) as FactsFile;
    const report = await condenseStream(createReadStream(log), {
      exitCode: sidecar.exitCode,
      command: sidecar.command,
    });
    const markdown = renderFailureReportMarkdown(report);
    const text = await readFile(log, 'utf8');
    const allLines = text.replace(/\n$/, '').split('\n');
    const tail = allLines.slice(-200).join('\n');
    const grep = allLines.filter((line) => /error|fail/i.test(line)).join('\n');
    const count = (recall: (fact: Fact) => boolean) => sidecar.facts.filter(recall).length;
    samples.push({
      id: relative(corpus, log).replace(/\.log$/, ''),
      tool: sidecar.tool,
      passing: sidecar.passing,
      facts: sidecar.facts,
      results: {
        fleetwright: { recalled: count((fact) => recalledByReport(fact, report)), tokens: tokens(markdown) },
        'tail -n 200': { recalled: count((fact) => recalledByText(fact, tail)), tokens: tokens(tail) },
        'grep error|fail': { recalled: count((fact) => recalledByText(fact, grep)), tokens: tokens(grep) },
      },
    });
  }
  return samples;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

interface Summary {
  logs: number;
  facts: number;
  recall: number;
  fullyRecalled: number;
  medianTokens: number;
  p95Tokens: number;
  passingLogs: number;
  passingMaxTokens: number;
}

function summarise(samples: readonly Sample[], method: Method): Summary {
  const failing = samples.filter((sample) => !sample.passing);
  const passing = samples.filter((sample) => sample.passing);
  const facts = failing.reduce((sum, sample) => sum + sample.facts.length, 0);
  const recalled = failing.reduce((sum, sample) => sum + sample.results[method].recalled, 0);
  const full = failing.filter((sample) => sample.results[method].recalled === sample.facts.length).length;
  const failingTokens = failing.map((sample) => sample.results[method].tokens);
  return {
    logs: failing.length,
    facts,
    recall: facts === 0 ? 1 : recalled / facts,
    fullyRecalled: failing.length === 0 ? 1 : full / failing.length,
    medianTokens: percentile(failingTokens, 50),
    p95Tokens: percentile(failingTokens, 95),
    passingLogs: passing.length,
    passingMaxTokens: Math.max(0, ...passing.map((sample) => sample.results[method].tokens)),
  };
}

// ------------------------------------------------------------------ big log and speed

interface SpeedResult {
  name: string;
  /** Median wall-clock seconds (noisy on a shared machine). */
  wallSeconds: number;
  /** Median CPU seconds, user + system: what the process itself cost. */
  cpuSeconds: number;
  /** MB per CPU second. */
  mbPerCpuSecond: number;
  /** MB per wall second. */
  mbPerWallSecond: number;
  /** Highest peak RSS over the runs (the target is judged on this). */
  peakRssMb: number;
  /** Median peak RSS over the runs: V8's GC timing makes single runs vary a lot under load. */
  medianRssMb: number;
}

/** Runs `argv` under GNU time, discarding stdout; returns wall and CPU seconds and peak RSS. */
function timed(argv: string[]): Promise<{ wall: number; cpu: number; rssKb: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // stdout is a pipe we drain, not /dev/null: GNU grep stops at the first match when its
    // output is /dev/null, which would make the baseline look impossibly fast.
    const child = spawn('/usr/bin/time', ['-f', 'FWTIME %M %U %S', ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const time = /FWTIME (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      // grep exits 1 when nothing matched; anything else is a failed measurement.
      if ((code !== 0 && code !== 1) || !time) {
        reject(new Error(`${argv.join(' ')} failed (${code}): ${stderr.slice(-500)}`));
      } else {
        resolve({ wall, cpu: Number(time[2]) + Number(time[3]), rssKb: Number(time[1]) });
      }
    });
  });
}

/**
 * The condenser runs as esbuild bundles, like the Action's dist/: the child, and beside it the
 * condense worker it starts, so neither it nor the floor pays for Node's TypeScript loader
 * (≈ 20 MB of RSS and 0.3 s of start-up).
 */
async function bundleChild(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const bundle = async (entry: string, name: string) => {
    const outfile = join(dir, name);
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      outfile,
      logLevel: 'silent',
    });
    return outfile;
  };
  await bundle(join(here, '..', '..', 'src', 'condense', 'worker-entry.ts'), 'condense-worker.mjs');
  return bundle(join(here, 'condense-file.ts'), 'condense-file.mjs');
}

async function measureSpeed(path: string, bytes: number, runs: number, dir: string): Promise<Speed> {
  const node = process.execPath;
  const child = await bundleChild(dir);
  const contenders: [string, string[]][] = [
    [CONDENSE, [node, child, path]],
    [FLOOR, [node, child, path, 'floor-readline']],
    ['Node line count (Buffer scan, no strings)', [node, child, path, 'floor-bytes']],
    ['tail -n 200', ['tail', '-n', '200', path]],
    ['grep -iE "error|fail"', ['grep', '-iE', 'error|fail', path]],
  ];
  const mb = bytes / 1024 / 1024;
  // Rounds, not blocks: each round runs every contender once, so a change in the machine's load
  // (the floor alone moves by 15–25% over minutes here) reaches the condenser and the floor
  // alike, and the ratio is taken within each round.
  const samples = new Map<string, { wall: number; cpu: number; rssKb: number }[]>(
    contenders.map(([name]) => [name, []]),
  );
  for (let run = 0; run < runs; run += 1)
    for (const [name, argv] of contenders) samples.get(name)?.push(await timed(argv));
  const results: SpeedResult[] = contenders.map(([name]) => {
    const own = samples.get(name) ?? [];
    // Medians: the machine is shared, so single runs are noisy.
    const wallSeconds = percentile(
      own.map((sample) => sample.wall),
      50,
    );
    const cpuSeconds = percentile(
      own.map((sample) => sample.cpu),
      50,
    );
    return {
      name,
      wallSeconds,
      cpuSeconds,
      mbPerCpuSecond: mb / Math.max(cpuSeconds, 0.01),
      mbPerWallSecond: mb / wallSeconds,
      peakRssMb: Math.max(...own.map((sample) => sample.rssKb)) / 1024,
      medianRssMb:
        percentile(
          own.map((sample) => sample.rssKb),
          50,
        ) / 1024,
    };
  });
  const condense = samples.get(CONDENSE) ?? [];
  const floor = samples.get(FLOOR) ?? [];
  const ratios = condense.map((sample, round) => sample.cpu / Math.max(floor[round]?.cpu ?? 0, 0.01));
  return { results, ratios };
}

/** The speed table, and the condenser's CPU time over the floor's in each round. */
interface Speed {
  results: SpeedResult[];
  ratios: number[];
}

const CONDENSE = 'fleetwright condense';
/** The speed floor the target refers to: reading the file and producing its lines, nothing else. */
const FLOOR = 'floor: Node line count (readline)';

// ------------------------------------------------------------------ report

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
/** Table cells: a `|` in a name would start a new column. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

function renderTables(samples: readonly Sample[], speed: Speed | undefined, bigMb: number): string {
  const out: string[] = [];
  const tools = [...new Set(samples.map((sample) => sample.tool))].sort();
  out.push('### Quality per tool (fleetwright)', '');
  out.push(
    '| tool | failing logs | facts | recall | fully recalled | median tokens | p95 tokens | passing logs | max tokens (passing) |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const tool of tools) {
    const s = summarise(
      samples.filter((sample) => sample.tool === tool),
      'fleetwright',
    );
    out.push(
      `| ${tool} | ${s.logs} | ${s.facts} | ${pct(s.recall)} | ${pct(s.fullyRecalled)} | ${s.medianTokens} | ${s.p95Tokens} | ${s.passingLogs} | ${s.passingLogs > 0 ? s.passingMaxTokens : '–'} |`,
    );
  }
  out.push('', '### Overall, against the baselines', '');
  out.push(
    '| method | recall | logs fully recalled | median tokens | p95 tokens | max tokens, passing logs |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const method of METHODS) {
    const s = summarise(samples, method);
    out.push(
      `| ${cell(method)} | ${pct(s.recall)} | ${pct(s.fullyRecalled)} | ${s.medianTokens} | ${s.p95Tokens} | ${s.passingMaxTokens} |`,
    );
  }
  const total = summarise(samples, 'fleetwright');
  out.push(
    '',
    `Corpus: ${samples.length} logs (${total.logs} failing with ${total.facts} facts, ${total.passingLogs} passing).`,
  );
  const missed = samples.filter(
    (sample) => !sample.passing && sample.results.fleetwright.recalled < sample.facts.length,
  );
  if (missed.length > 0) {
    out.push('', 'Logs not fully recalled by fleetwright:', '');
    for (const sample of missed)
      out.push(`- ${sample.id}: ${sample.results.fleetwright.recalled}/${sample.facts.length}`);
  }
  if (speed) {
    out.push('', `### Speed on a generated ${bigMb} MB job log`, '');
    out.push('| process | CPU s | MB/s (CPU) | wall s | MB/s (wall) | peak RSS, MB (median / max of runs) |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const result of speed.results) {
      out.push(
        `| ${cell(result.name)} | ${result.cpuSeconds.toFixed(2)} | ${result.cpuSeconds < 0.01 ? '> ' : ''}${result.mbPerCpuSecond.toFixed(0)} | ${result.wallSeconds.toFixed(2)} | ${result.mbPerWallSecond.toFixed(0)} | ${result.medianRssMb.toFixed(0)} / ${result.peakRssMb.toFixed(0)} |`,
      );
    }
  }
  return out.join('\n');
}

interface Target {
  name: string;
  ok: boolean;
  value: string;
}

function checkTargets(samples: readonly Sample[], speed: Speed | undefined): Target[] {
  const s = summarise(samples, 'fleetwright');
  const targets: Target[] = [
    { name: 'recall ≥ 98%', ok: s.recall >= 0.98, value: pct(s.recall) },
    { name: '≥ 95% of logs fully recalled', ok: s.fullyRecalled >= 0.95, value: pct(s.fullyRecalled) },
    { name: 'median report ≤ 400 tokens', ok: s.medianTokens <= 400, value: String(s.medianTokens) },
    { name: 'p95 report ≤ 1,500 tokens', ok: s.p95Tokens <= 1500, value: String(s.p95Tokens) },
    { name: 'passing logs ≤ 25 tokens', ok: s.passingMaxTokens <= 25, value: String(s.passingMaxTokens) },
  ];
  if (speed) {
    const condense = speed.results.find((result) => result.name === CONDENSE);
    if (condense && speed.ratios.length > 0) {
      // The median of the per-round ratios, with their range.
      const ratio = percentile(speed.ratios, 50);
      const range = `${Math.min(...speed.ratios).toFixed(2)}–${Math.max(...speed.ratios).toFixed(2)}×`;
      targets.push({
        name: 'throughput within 3× of the floor (readline line count, CPU time)',
        ok: ratio <= 3,
        value: `${ratio.toFixed(2)}× (median of ${speed.ratios.length} rounds, ${range})`,
      });
      targets.push({
        name: 'peak RSS ≤ 150 MB',
        ok: condense.peakRssMb <= 150,
        value: `${condense.peakRssMb.toFixed(0)} MB`,
      });
    }
  }
  return targets;
}

// ------------------------------------------------------------------ main

const options = parseArgs(process.argv.slice(2));
const samples = await measureQuality(options.corpus);
let speed: Speed | undefined;
if (options.bigMb > 0) {
  if (!existsSync('/usr/bin/time'))
    throw new Error('the speed benchmark needs /usr/bin/time (GNU time) for peak RSS');
  const dir = join(tmpdir(), `fleetwright-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'big.log');
  try {
    const bytes = await generateBigLog(options.corpus, options.bigMb, path);
    console.error(`generated ${(bytes / 1024 / 1024).toFixed(0)} MB log`);
    speed = await measureSpeed(path, (await stat(path)).size, options.runs, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(renderTables(samples, speed, options.bigMb));
const targets = checkTargets(samples, speed);
console.log('\n### Targets\n');
for (const target of targets)
  console.log(`- ${target.ok ? 'met' : 'MISSED'}: ${target.name} (${target.value})`);
if (options.json) {
  await mkdir(dirname(options.json), { recursive: true });
  await writeFile(options.json, `${JSON.stringify({ samples, speed, targets }, null, 2)}\n`);
}
if (options.check && targets.some((target) => !target.ok)) process.exitCode = 1;
