/**
 * The `try` loop with doubles for its ports: a scripted coder, a judge that applies the real
 * `decideVerdict` to a scripted model answer, and scripted verify runs. The end-to-end tests
 * (try-judge.test.ts) cover the wiring; these cover the loop's rules.
 */
import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/adapters/local/run-verify-command.ts';
import { runTryLoop, type TryLoopDeps, type TryLoopOptions } from '../../src/cli/try-loop.ts';
import { ZERO_USAGE, type Usage } from '../../src/contracts/usage.ts';
import { renderUnifiedDiff } from '../../src/core/diff/render-unified-diff.ts';
import { decideVerdict } from '../../src/core/judge/decide-verdict.ts';
import type { LlmJudgement } from '../../src/core/judge/types.ts';
import { parseManifest } from '../../src/core/manifest/parse.ts';
import type { Manifest } from '../../src/core/manifest/schema.ts';
import type { ChangeSet, Coder, CoderResult, CoderTask } from '../../src/ports/coder.ts';
import type { Judge, JudgeInput, JudgeResult } from '../../src/ports/judge.ts';
import { JudgeError } from '../../src/shared/errors.ts';

const PROMPT = 'Rewrite sum as an arrow function.';

function manifest(extra = ''): Manifest {
  const result = parseManifest(
    `version: 1\nid: m\ntitle: T\nprompt: ${PROMPT}\ntargets:\n  patterns: ["*"]\n${extra}`,
    'migrations/m.yml',
  );
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.manifest;
}

const usage = (costUsd: number): Usage => ({ ...ZERO_USAGE, inputTokens: 100, outputTokens: 10, costUsd });

const EMPTY_CHANGE: ChangeSet = { additions: [], deletions: [], diff: '' };

function coderResult(outcome: CoderResult['outcome'], costUsd = 0.01): CoderResult {
  return {
    outcome,
    summary: `coder said ${outcome}`,
    ...(outcome === 'changed' ? {} : { reason: 'because' }),
    changeSet: EMPTY_CHANGE,
    usage: usage(costUsd),
    turns: 2,
    toolCalls: 3,
    filesTouched: ['src/sum.js'],
  };
}

class ScriptedCoder implements Coder {
  readonly tasks: CoderTask[] = [];
  readonly #results: CoderResult[];
  constructor(results: CoderResult[]) {
    this.#results = results;
  }
  async run(task: CoderTask): Promise<CoderResult> {
    this.tasks.push(task);
    const next = this.#results.shift();
    if (next === undefined) throw new Error('unexpected coder run');
    return next;
  }
}

/** A judge whose model answers are scripted; the guards still decide through `decideVerdict`. */
class ScriptedJudge implements Judge {
  readonly inputs: JudgeInput[] = [];
  readonly #answers: Array<LlmJudgement | Error>;
  constructor(answers: Array<LlmJudgement | Error>) {
    this.#answers = answers;
  }
  async review(input: JudgeInput): Promise<JudgeResult> {
    this.inputs.push(input);
    const answer = this.#answers.shift();
    if (answer === undefined) throw new Error('unexpected review');
    if (answer instanceof Error) throw answer;
    const decision = decideVerdict(input.guardFindings, answer, input.migration.prompt);
    return {
      ...decision,
      llm: answer,
      truncatedFiles: [],
      omittedFiles: [],
      model: 'claude-opus-5-5',
      usage: usage(0.02),
    };
  }
}

const approve: LlmJudgement = {
  type: 'verdict',
  verdict: { verdict: 'approve', reasons: ['fine'], requiredChanges: [] },
};
const reject: LlmJudgement = {
  type: 'verdict',
  verdict: {
    verdict: 'reject',
    reasons: ['src/sum.js:1 drops the name'],
    requiredChanges: ['Keep the name'],
  },
};

const nodeTestSummary = (pass: number, fail: number) =>
  `ℹ tests ${pass + fail}\nℹ suites 0\nℹ pass ${pass}\nℹ fail ${fail}\nℹ cancelled 0\nℹ skipped 0\nℹ todo 0\nℹ duration_ms 12\n`;

const green = (pass = 1): VerifyResult => ({
  exitCode: 0,
  output: nodeTestSummary(pass, 0),
  truncatedBytes: 0,
  durationMs: 50,
  timedOut: false,
});
const red: VerifyResult = {
  exitCode: 1,
  output: 'Error: something broke\n',
  truncatedBytes: 0,
  durationMs: 50,
  timedOut: false,
};

const SUM_DIFF = renderUnifiedDiff([
  {
    path: 'src/sum.js',
    before: { text: 'module.exports = function sum(a, b) {\n  return a + b;\n};\n', mode: '100644' },
    after: { text: 'module.exports = (a, b) => a + b;\n', mode: '100644' },
  },
]);

function setup(
  coder: ScriptedCoder,
  judge: Judge | undefined,
  verifies: VerifyResult[] | undefined,
  options: Partial<TryLoopOptions> = {},
) {
  const lines: string[] = [];
  const deps: TryLoopDeps = {
    coder,
    judge,
    verify:
      verifies === undefined
        ? undefined
        : async () => {
            const next = verifies.shift();
            if (next === undefined) throw new Error('unexpected verify');
            return next;
          },
    changeSet: async () => ({ additions: [], deletions: [], diff: SUM_DIFF }),
    progress: (line) => lines.push(line),
  };
  const m = options.manifest ?? manifest();
  const loopOptions: TryLoopOptions = {
    manifest: m,
    migration: { id: m.id, title: m.title, prompt: PROMPT, allowWorkflowEdits: false, allowedPaths: [] },
    repoRoot: '/tmp/repo',
    repoName: 'repo',
    maxIterations: 3,
    verifyCommand: verifies === undefined ? undefined : 'node --test',
    baselineCounts: { passed: 1, failed: 0, skipped: 0, total: 1 },
    orgCriteria: undefined,
    ...options,
  };
  return { run: () => runTryLoop(deps, loopOptions), lines };
}

describe('cli/try-loop', () => {
  it('repairs a red verify without asking the judge, then judges the green change', async () => {
    const coder = new ScriptedCoder([coderResult('changed'), coderResult('changed')]);
    const judge = new ScriptedJudge([approve]);

    const result = await setup(coder, judge, [red, green()]).run();

    expect(result.outcome).toBe('green');
    expect(coder.tasks.map((t) => t.mode)).toEqual(['initial', 'repair']);
    expect(judge.inputs).toHaveLength(1);
    expect(judge.inputs[0]?.ci).toMatchObject({
      conclusion: 'success',
      testCounts: { passed: 1, total: 1 },
      summary: expect.stringContaining('On the unmodified checkout: 1 passed, 0 failed, 0 skipped, 1 total.'),
    });
    expect(result.usage.costUsd).toBeCloseTo(0.01 + 0.01 + 0.02, 9);
    expect(result.coderUsage.costUsd).toBeCloseTo(0.02, 9);
    expect(result.judgeUsage.costUsd).toBeCloseTo(0.02, 9);
  });

  it('feeds a model rejection to the coder as judge-feedback with the history', async () => {
    const coder = new ScriptedCoder([coderResult('changed'), coderResult('changed')]);
    const judge = new ScriptedJudge([reject, approve]);

    const result = await setup(coder, judge, [green(), green()]).run();

    expect(result.outcome).toBe('green');
    expect(result.reviews).toBe(2);
    const feedback = coder.tasks[1];
    expect(feedback).toMatchObject({
      mode: 'judge-feedback',
      requiredChanges: ['Keep the name'],
      reasons: ['src/sum.js:1 drops the name'],
      history: [{ iteration: 1, result: 'judge rejected: src/sum.js:1 drops the name' }],
    });
  });

  it('blocks on fewer tests run than on the baseline, from the condensed green output alone', async () => {
    const coder = new ScriptedCoder([coderResult('changed')]);
    const judge = new ScriptedJudge([approve]);

    const result = await setup(coder, judge, [green(0)], { maxIterations: 1 }).run();

    expect(result.outcome).toBe('judge-rejected');
    expect(result.lastReview?.record).toMatchObject({
      verdict: 'reject',
      decidedBy: 'guards',
      blockingFindings: [{ kind: 'test-count-dropped' }],
    });
    expect(judge.inputs[0]?.guardFindings.map((f) => f.kind)).toEqual(['test-count-dropped']);
  });

  it('applies the manifest guard settings (a size limit set to block)', async () => {
    const m = manifest('guards:\n  maxChangedLines: 1\n  severity:\n    diff-too-large: block\n');
    const coder = new ScriptedCoder([coderResult('changed')]);
    const judge = new ScriptedJudge([approve]);

    const result = await setup(coder, judge, [green()], { manifest: m, maxIterations: 1 }).run();

    expect(result.outcome).toBe('judge-rejected');
    expect(result.lastReview?.record.blockingFindings.map((f) => `${f.severity} ${f.kind}`)).toEqual([
      'block diff-too-large',
    ]);
  });

  it('counts "not applicable" after a rejection as giving up', async () => {
    const coder = new ScriptedCoder([coderResult('changed'), coderResult('not-applicable')]);
    const judge = new ScriptedJudge([reject]);

    const result = await setup(coder, judge, [green()]).run();

    expect(result.outcome).toBe('gave-up');
    expect(result.iterations.map((i) => i.mode)).toEqual(['initial', 'judge-feedback']);
  });

  it('stops before the judge when the coder spent the cost budget', async () => {
    const m = manifest('budget:\n  maxCostPerRepoUsd: 0.05\n');
    const coder = new ScriptedCoder([coderResult('changed', 0.05)]);
    const judge = new ScriptedJudge([]);

    const result = await setup(coder, judge, [green()], { manifest: m }).run();

    expect(result.outcome).toBe('budget-exhausted');
    expect(judge.inputs).toHaveLength(0);
  });

  it('shares the cost budget with the judge: no coder run after the judge spent the rest', async () => {
    const m = manifest('budget:\n  maxCostPerRepoUsd: 0.03\n');
    const coder = new ScriptedCoder([coderResult('changed')]);
    const judge = new ScriptedJudge([reject]);

    const result = await setup(coder, judge, [green()], { manifest: m }).run();

    expect(result.outcome).toBe('budget-exhausted');
    expect(coder.tasks).toHaveLength(1);
    expect(result.usage.costUsd).toBeCloseTo(0.03, 9);
  });

  it('ends with error when the judge cannot run', async () => {
    const coder = new ScriptedCoder([coderResult('changed')]);
    const judge = new ScriptedJudge([new JudgeError('Judge request failed (HTTP 401): bad key')]);

    const result = await setup(coder, judge, [green()]).run();

    expect(result).toMatchObject({
      outcome: 'error',
      failure: 'Judge request failed (HTTP 401): bad key',
      reviews: 0,
    });
  });

  it('ends at green without a judge, and unverified without a verify command', async () => {
    const withoutJudge = await setup(new ScriptedCoder([coderResult('changed')]), undefined, [green()]).run();
    const judge = new ScriptedJudge([approve]);
    const unverified = await setup(new ScriptedCoder([coderResult('changed')]), judge, undefined).run();

    expect(withoutJudge).toMatchObject({ outcome: 'green', reviews: 0, lastReview: undefined });
    expect(unverified).toMatchObject({ outcome: 'unverified', reviews: 1 });
    expect(judge.inputs[0]?.ci).toBeUndefined();
  });
});
