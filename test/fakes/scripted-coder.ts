/**
 * A Coder that follows a script instead of calling a model: per repository, what the run
 * returns. Records every task it was given, so tests can assert how often and how it ran.
 */
import type {
  ChangeSet,
  Coder,
  CoderBudget,
  CoderOutcome,
  CoderResult,
  CoderTask,
  WorkspaceRef,
} from '../../src/ports/coder.ts';

export interface ScriptedRun {
  outcome: CoderOutcome;
  /** Files written (path → new contents); none for not-applicable. */
  files?: Record<string, string>;
  reason?: string;
  costUsd?: number;
}

export type CoderScript = (task: CoderTask, call: number) => ScriptedRun;

export class ScriptedCoder implements Coder {
  readonly calls: { task: CoderTask; workspace: WorkspaceRef; budget: CoderBudget }[] = [];
  readonly #script: CoderScript;
  readonly #perRepo = new Map<string, number>();

  constructor(script: CoderScript) {
    this.#script = script;
  }

  async run(task: CoderTask, workspace: WorkspaceRef, budget: CoderBudget): Promise<CoderResult> {
    this.calls.push({ task, workspace, budget });
    const call = (this.#perRepo.get(task.repo) ?? 0) + 1;
    this.#perRepo.set(task.repo, call);
    const scripted = this.#script(task, call);
    const files = Object.entries(scripted.files ?? {});
    const changeSet: ChangeSet = {
      additions: files.map(([path, contents]) => ({ path, contents: Buffer.from(contents) })),
      deletions: [],
      diff: files
        .map(([path, contents]) =>
          [
            `diff --git a/${path} b/${path}`,
            `--- a/${path}`,
            `+++ b/${path}`,
            '@@ -1 +1 @@',
            '-old',
            ...contents.split('\n').map((line) => `+${line}`),
          ].join('\n'),
        )
        .join('\n'),
    };
    return {
      outcome: scripted.outcome,
      summary:
        scripted.outcome === 'changed'
          ? `Changed ${files.length} file(s)`
          : (scripted.reason ?? scripted.outcome),
      ...(scripted.reason ? { reason: scripted.reason } : {}),
      changeSet,
      usage: {
        inputTokens: 1000,
        outputTokens: 200,
        cacheWriteTokens: 0,
        cacheReadTokens: 800,
        costUsd: scripted.costUsd ?? 0.25,
      },
      turns: 3,
      toolCalls: 5,
    };
  }

  callsFor(repo: string): number {
    return this.#perRepo.get(repo) ?? 0;
  }
}
