/**
 * ClaudeCoder: the Coder port over the Anthropic Messages API, as a hand-written agent loop.
 *
 * Why not the SDK's tool runner: it defaults to server-side message threads (a beta), and
 * enterprise gateways implement only `POST /v1/messages`. This loop resends the conversation
 * each turn, which every Anthropic-compatible endpoint supports, and moves a second cache
 * breakpoint to the newest message so each turn re-reads the previous turns from the cache.
 *
 * One run:
 * 1. open the workspace (confined to its root) and build the request prefix: tools + system
 *    prompt (rules + migration, cache breakpoint on the last block), identical per migration;
 * 2. send the per-repository user message (task, failure report, history, root listing);
 * 3. loop: check budgets (turns, output tokens, cost, time) → call the API with explicit
 *    retries → account usage → act on `stop_reason` (tool_use: run tools, errors back to the
 *    model; end_turn without finish: nudge once; max_tokens: drop the cut calls and continue
 *    once; pause_turn: resend; refusal / context overflow: stop);
 * 4. return the outcome with the change set as it is at that moment (partial on budget stops).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { Usage } from '../../contracts/usage.ts';
import { ZERO_USAGE, addUsage } from '../../contracts/usage.ts';
import { buildCoderSystemPrompt } from '../../core/prompts/coder-system-prompt.ts';
import { buildCoderUserMessage } from '../../core/prompts/coder-user-message.ts';
import type {
  Coder,
  CoderBudget,
  CoderOutcome,
  CoderProgress,
  CoderResult,
  CoderTask,
  WorkspaceRef,
} from '../../ports/coder.ts';
import { CoderError } from '../../shared/errors.ts';
import { costOf, findModelPrice, type ModelCatalog, type ModelPrice } from '../../shared/pricing.ts';
import {
  DEFAULT_TOOL_LIMITS,
  executeCoderTool,
  type FinishInput,
  type ToolLimits,
  type ToolOutcome,
} from '../local/coder-tools.ts';
import { LocalWorkspace, type WorkspacePolicy } from '../local/workspace.ts';
import { buildCoderToolDefinitions } from './coder-tool-definitions.ts';

/** A pino-compatible logger subset. */
export interface CoderLogger {
  debug(meta: object, message: string): void;
  warn(meta: object, message: string): void;
}

export interface ClaudeCoderOptions {
  /** An Anthropic client (`new Anthropic({ baseURL, apiKey | authToken, fetch })`). Its own retries are bypassed. */
  client: Anthropic;
  /** Model id; must have a price in `catalog`. */
  model: string;
  catalog: ModelCatalog;
  /** `max_tokens` of one request (lowered to what the run's output budget has left). Default 16,000. */
  maxTokensPerTurn?: number;
  /** Retries of one request on 408/409/429/5xx/529 and connection errors. Default 4. */
  maxRetries?: number;
  /** First backoff delay when the server gives no retry-after. Default 1,000 ms, doubling. */
  retryBaseDelayMs?: number;
  /** Upper bound of any wait, including a server's retry-after. Default 60,000 ms. */
  maxRetryDelayMs?: number;
  /** Prompt-cache TTL of the shared prefix. '1h' costs 2× input to write; worth it for slow fleets. Default '5m'. */
  cacheTtl?: '5m' | '1h';
  toolLimits?: Partial<ToolLimits>;
  /** Opens the workspace for a run; `fleetwright try` passes one shared across iterations. */
  openWorkspace?: (root: string, policy: WorkspacePolicy) => Promise<LocalWorkspace>;
  /** Waits between retries (tests pass a recorder). Must reject when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  log?: CoderLogger;
}

type MessageParam = Anthropic.MessageParam;
type ContentBlockParam = Anthropic.ContentBlockParam;

/** The fields of a Messages API response the loop relies on (the rest passes through untouched). */
const ApiMessage = z.looseObject({
  content: z.array(z.looseObject({ type: z.string() })),
  stop_reason: z.string().nullable(),
  usage: z
    .looseObject({ input_tokens: z.number().nullish(), output_tokens: z.number().nullish() })
    .optional(),
});

class StopRun extends Error {
  readonly outcome: CoderOutcome;
  readonly reason: string;
  constructor(outcome: CoderOutcome, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.outcome = outcome;
    this.reason = reason;
  }
}

const NUDGE =
  'You ended your turn without calling finish. If the migration is complete, call finish with outcome "changed" and a summary; if it does not apply, call finish with "not-applicable" and the reason; if you cannot complete it, call finish with "gave-up" and the reason. Otherwise continue with the tools.';

export class ClaudeCoder implements Coder {
  readonly #client: Anthropic;
  readonly #model: string;
  readonly #price: ModelPrice;
  readonly #maxTokensPerTurn: number;
  readonly #maxRetries: number;
  readonly #retryBaseDelayMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #cacheTtl: '5m' | '1h';
  readonly #limits: ToolLimits;
  readonly #tools: Anthropic.ToolUnion[];
  readonly #openWorkspace: (root: string, policy: WorkspacePolicy) => Promise<LocalWorkspace>;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #log: CoderLogger | undefined;

  /** Throws CoderError when the model has no price: a cost budget cannot be enforced without one. */
  constructor(options: ClaudeCoderOptions) {
    const price = findModelPrice(options.catalog, options.model);
    if (price === undefined) {
      throw new CoderError(
        `Model '${options.model}' has no price in the model catalog; add it to config/models.yml (or the file named by FLEETWRIGHT_MODELS_FILE) so cost budgets can be enforced.`,
      );
    }
    this.#client = options.client;
    this.#model = options.model;
    this.#price = price;
    this.#maxTokensPerTurn = options.maxTokensPerTurn ?? 16_000;
    this.#maxRetries = options.maxRetries ?? 4;
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? 1_000;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
    this.#cacheTtl = options.cacheTtl ?? '5m';
    this.#limits = { ...DEFAULT_TOOL_LIMITS, ...options.toolLimits };
    this.#tools = buildCoderToolDefinitions(this.#limits);
    this.#openWorkspace = options.openWorkspace ?? ((root, policy) => LocalWorkspace.open(root, policy));
    this.#sleep = options.sleep ?? sleep;
    this.#log = options.log;
  }

  async run(
    task: CoderTask,
    workspaceRef: WorkspaceRef,
    budget: CoderBudget,
    options: { signal?: AbortSignal; onProgress?: (event: CoderProgress) => void } = {},
  ): Promise<CoderResult> {
    const timeout = AbortSignal.timeout(Math.max(1, budget.timeoutMs));
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const emit = options.onProgress ?? (() => undefined);
    let workspace: LocalWorkspace;
    try {
      workspace = await this.#openWorkspace(workspaceRef.root, {
        allowWorkflowEdits: task.migration.allowWorkflowEdits,
        allowedPaths: task.migration.allowedPaths,
      });
    } catch (cause) {
      throw new CoderError(`Cannot open the workspace ${workspaceRef.root}: ${(cause as Error).message}`, {
        cause,
      });
    }

    const system = buildCoderSystemPrompt(task.migration).map((block) =>
      this.#textBlock(block.text, block.cacheControl),
    );
    const userText = buildCoderUserMessage(task, {
      repoOverview: await rootOverview(workspace),
      maxTurns: budget.maxTurns,
    });
    const messages: MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: userText }] }];

    let usage: Usage = ZERO_USAGE;
    let turns = 0;
    let toolCalls = 0;
    let nudged = false;
    let maxTokensHits = 0;
    let finishWarned = false;
    let lastText = '';
    const touched = new Set<string>();

    const end = async (outcome: CoderOutcome, summary: string, reason?: string): Promise<CoderResult> => {
      const result: CoderResult = {
        outcome,
        summary,
        ...(reason === undefined ? {} : { reason }),
        changeSet: await workspace.changeSet(),
        usage,
        turns,
        toolCalls,
        filesTouched: [...touched].sort(),
      };
      this.#log?.debug({ outcome, turns, toolCalls, usage }, 'coder run ended');
      return result;
    };
    const stopped = (): Promise<CoderResult> =>
      timeout.aborted
        ? end(
            'timeout',
            `Stopped: the run exceeded its ${budget.timeoutMs} ms time limit.`,
            `wall-clock budget of ${budget.timeoutMs} ms spent`,
          )
        : end('error', 'Stopped: the run was cancelled.', 'cancelled by the caller');

    for (;;) {
      if (signal.aborted) return stopped();
      if (turns >= budget.maxTurns) {
        return end(
          'budget-exhausted',
          `Stopped after ${turns} turns without finishing.`,
          `turn budget of ${budget.maxTurns} turns spent`,
        );
      }
      if (usage.costUsd >= budget.maxCostUsd) {
        return end(
          'budget-exhausted',
          `Stopped at $${usage.costUsd.toFixed(4)} without finishing.`,
          `cost budget of $${budget.maxCostUsd} spent`,
        );
      }
      const remainingOutput = budget.maxOutputTokens - usage.outputTokens;
      if (remainingOutput <= 0) {
        return end(
          'budget-exhausted',
          `Stopped after ${usage.outputTokens} output tokens without finishing.`,
          `output-token budget of ${budget.maxOutputTokens} spent`,
        );
      }
      const maxTokens = Math.min(this.#maxTokensPerTurn, remainingOutput);

      let response: Anthropic.Message;
      try {
        response = await this.#create(
          {
            model: this.#model,
            max_tokens: maxTokens,
            system,
            tools: this.#tools,
            messages: withMovingBreakpoint(messages),
          },
          signal,
          emit,
        );
      } catch (caught) {
        if (signal.aborted || caught instanceof APIUserAbortError) return stopped();
        if (caught instanceof StopRun) return end(caught.outcome, `Stopped: ${caught.reason}`, caught.reason);
        const message = describeApiError(caught);
        if (turns === 0)
          throw new CoderError(`The Messages API request failed: ${message}`, { cause: caught });
        this.#log?.warn({ turns, error: message }, 'coder request failed mid-run');
        return end('error', `Stopped: the Messages API request failed after ${turns} turns.`, message);
      }

      turns += 1;
      usage = addUsage(usage, this.#usageOf(response.usage));
      emit({ type: 'turn', turn: turns, usage });
      const content =
        response.content.length > 0
          ? response.content
          : [{ type: 'text' as const, text: '(no output)', citations: null }];
      messages.push({ role: 'assistant', content: content as ContentBlockParam[] });
      const text = content
        .filter((block): block is Anthropic.TextBlock => block.type === 'text')
        .map((block) => block.text)
        .join('\n')
        .trim();
      if (text !== '') lastText = text;
      const toolUses = content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');

      switch (response.stop_reason) {
        case 'refusal': {
          const details = response.stop_details;
          const category = details?.category ?? 'unspecified';
          const explanation = details?.explanation ? `: ${details.explanation}` : '';
          return end(
            'refused',
            lastText || 'The model declined this task.',
            `the model refused (category ${category})${explanation}`,
          );
        }
        case 'model_context_window_exceeded':
          return end(
            'context-exceeded',
            'Stopped: the conversation outgrew the model’s context window.',
            'model context window exceeded',
          );
        case 'pause_turn':
          // A long server-side turn was paused: send the conversation back unchanged to resume.
          continue;
        case 'max_tokens': {
          maxTokensHits += 1;
          if (maxTokens < this.#maxTokensPerTurn) {
            // The reply was cut by what the run's output budget had left, not by the per-turn cap.
            return end(
              'budget-exhausted',
              lastText || 'Stopped: the output-token budget is spent.',
              `output-token budget of ${budget.maxOutputTokens} spent`,
            );
          }
          if (maxTokensHits >= 2) {
            return end(
              'max-tokens',
              lastText || 'Stopped: replies hit the max_tokens limit.',
              `replies hit max_tokens (${maxTokens}) ${maxTokensHits} times`,
            );
          }
          // The cut-off tool calls may carry truncated input (half a file): never execute them.
          const results: ContentBlockParam[] = toolUses.map((block) => ({
            type: 'tool_result',
            tool_use_id: block.id,
            is_error: true,
            content:
              'Not executed: your reply was cut off by the max_tokens limit, so this call may be incomplete.',
          }));
          toolCalls += toolUses.length;
          results.push({
            type: 'text',
            text: `Your reply hit the max_tokens limit (${maxTokens} tokens) and was cut off. Continue with smaller steps: several str_replace or insert calls instead of one large create.`,
          });
          messages.push({ role: 'user', content: results });
          continue;
        }
        case 'tool_use':
          break;
        default: {
          // end_turn / stop_sequence / null: text only.
          if (toolUses.length > 0) break;
          if (!nudged) {
            nudged = true;
            messages.push({ role: 'user', content: [{ type: 'text', text: NUDGE }] });
            continue;
          }
          return end(
            'gave-up',
            lastText || 'The model stopped without a summary.',
            'the model stopped without calling finish',
          );
        }
      }

      // tool_use: execute every call in order; `finish` is honoured after the others ran.
      const results: Anthropic.ToolResultBlockParam[] = [];
      let finish: { input: FinishInput; index: number } | undefined;
      for (const block of toolUses) {
        toolCalls += 1;
        if (signal.aborted) {
          results.push({
            type: 'tool_result',
            tool_use_id: block.id,
            is_error: true,
            content: 'Not executed: the run was stopped.',
          });
          continue;
        }
        let outcome: ToolOutcome;
        try {
          outcome = await executeCoderTool(workspace, block.name, block.input, this.#limits);
        } catch (caught) {
          // executeCoderTool handles model errors; anything else still goes back to the model.
          outcome = {
            content: `The tool failed: ${(caught as Error).message}`,
            isError: true,
            summary: `${block.name}: failed`,
          };
        }
        if (outcome.modified !== undefined) touched.add(outcome.modified);
        if (outcome.finish !== undefined) finish = { input: outcome.finish, index: results.length };
        emit({ type: 'tool', name: block.name, summary: outcome.summary, isError: outcome.isError });
        this.#log?.debug(
          { tool: block.name, summary: outcome.summary, isError: outcome.isError },
          'coder tool call',
        );
        results.push({
          type: 'tool_result',
          tool_use_id: block.id,
          content: outcome.content,
          ...(outcome.isError ? { is_error: true } : {}),
        });
      }
      if (signal.aborted) return stopped();

      if (finish !== undefined) {
        const changes = await workspace.changeSet();
        const changed = changes.additions.length + changes.deletions.length > 0;
        const { outcome, summary, reason } = finish.input;
        // Only a first run can be checked against the workspace: a repair run starts from the
        // earlier runs' changes, so "no changes" and "not-applicable" cannot be told apart there.
        const mismatch =
          task.mode !== 'initial'
            ? undefined
            : outcome === 'changed' && !changed
              ? 'You finished with outcome "changed", but the workspace has no changes. Make the change, or finish with "not-applicable" or "gave-up" and a reason.'
              : outcome === 'not-applicable' && changed
                ? `You finished with outcome "not-applicable", but you changed ${changes.additions.length + changes.deletions.length} file(s). Revert them first, or finish with "changed".`
                : undefined;
        if (mismatch === undefined) return end(outcome, summary, reason);
        if (finishWarned) {
          return end(
            'gave-up',
            summary,
            `the model finished with "${outcome}", which contradicts the workspace (${changed ? 'files changed' : 'no changes'})`,
          );
        }
        finishWarned = true;
        results[finish.index] = {
          type: 'tool_result',
          tool_use_id: toolUses[finish.index]?.id ?? '',
          is_error: true,
          content: mismatch,
        };
      }
      messages.push({ role: 'user', content: results });
    }
  }

  #textBlock(text: string, cache: boolean | undefined): Anthropic.TextBlockParam {
    if (!cache) return { type: 'text', text };
    return {
      type: 'text',
      text,
      cache_control: this.#cacheTtl === '5m' ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: '1h' },
    };
  }

  /** One request with explicit retries; throws StopRun for a context overflow. */
  async #create(
    params: Anthropic.MessageCreateParamsNonStreaming,
    signal: AbortSignal,
    emit: (event: CoderProgress) => void,
  ): Promise<Anthropic.Message> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        // maxRetries: 0 — retries are ours, so they are visible (progress events), bounded by
        // the run's signal, and the same whatever client the caller injected.
        // An explicit timeout also skips the SDK's "streaming is required" refusal of large
        // max_tokens (> ~21k) on non-streaming calls: the run's own signal bounds the wait.
        const timeout = Math.min(3_600_000, Math.max(600_000, (3_600_000 * params.max_tokens) / 128_000));
        const response: unknown = await this.#client.messages.create(params, {
          signal,
          maxRetries: 0,
          timeout,
        });
        // Gateways and proxies are not always faithful: parse what the loop relies on.
        const parsed = ApiMessage.safeParse(response);
        if (!parsed.success) {
          throw new CoderError(
            `The Messages API returned an unexpected response: ${z.prettifyError(parsed.error)}`,
          );
        }
        return response as Anthropic.Message;
      } catch (caught) {
        if (signal.aborted || caught instanceof APIUserAbortError) throw caught;
        if (isContextOverflow(caught)) {
          throw new StopRun(
            'context-exceeded',
            `the prompt exceeds the model's context window (${describeApiError(caught)})`,
            { cause: caught },
          );
        }
        if (!isRetryable(caught) || attempt >= this.#maxRetries) throw caught;
        const status = caught instanceof APIError ? caught.status : undefined;
        const waitMs = this.#retryDelay(caught, attempt);
        emit({ type: 'retry', attempt: attempt + 1, status, waitMs });
        this.#log?.warn({ status, attempt: attempt + 1, waitMs }, 'Messages API request failed, retrying');
        await this.#sleep(waitMs, signal);
      }
    }
  }

  /** retry-after-ms, then retry-after (seconds or HTTP date), else exponential backoff with jitter; capped. */
  #retryDelay(error: unknown, attempt: number): number {
    const headers = error instanceof APIError ? error.headers : undefined;
    const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
    if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, this.#maxRetryDelayMs);
    const after = headers?.get('retry-after');
    if (after) {
      const seconds = Number.parseFloat(after);
      const fromHeader = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - Date.now();
      if (Number.isFinite(fromHeader) && fromHeader >= 0) return Math.min(fromHeader, this.#maxRetryDelayMs);
    }
    const backoff = this.#retryBaseDelayMs * 2 ** attempt;
    return Math.round(Math.min(backoff * (1 - Math.random() * 0.25), this.#maxRetryDelayMs));
  }

  #usageOf(raw: Anthropic.Usage | undefined): Usage {
    const tokens = {
      inputTokens: raw?.input_tokens ?? 0,
      outputTokens: raw?.output_tokens ?? 0,
      cacheWriteTokens: raw?.cache_creation_input_tokens ?? 0,
      cacheReadTokens: raw?.cache_read_input_tokens ?? 0,
    };
    let cost = costOf(tokens, this.#price);
    // costOf prices every cache write at the 5-minute rate; 1-hour writes cost 2× input.
    const oneHour = raw?.cache_creation?.ephemeral_1h_input_tokens ?? 0;
    if (oneHour > 0)
      cost +=
        (oneHour * (2 * this.#price.input - (this.#price.cacheWrite ?? 1.25 * this.#price.input))) / 1e6;
    return { ...tokens, costUsd: Math.round(cost * 1e6) / 1e6 };
  }
}

/**
 * Returns the messages with one cache breakpoint on the last block of the newest message, so
 * the next turn reads the whole conversation so far from the cache. Earlier messages are sent
 * without it (the API allows 4 breakpoints; the system prompt uses 1).
 */
function withMovingBreakpoint(messages: MessageParam[]): MessageParam[] {
  const last = messages[messages.length - 1];
  if (last === undefined || last.role !== 'user' || typeof last.content === 'string') return messages;
  const blocks = [...last.content];
  const tail = blocks[blocks.length - 1];
  if (tail === undefined || (tail.type !== 'text' && tail.type !== 'tool_result')) return messages;
  blocks[blocks.length - 1] = { ...tail, cache_control: { type: 'ephemeral' } };
  return [...messages.slice(0, -1), { role: 'user', content: blocks }];
}

async function rootOverview(workspace: LocalWorkspace): Promise<string | undefined> {
  try {
    return await workspace.list(await workspace.resolve('.', 'read'), '.', 1, 150);
  } catch {
    return undefined;
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true; // includes connection timeouts
  if (!(error instanceof APIError) || error.status === undefined) return false;
  const should = error.headers?.get('x-should-retry');
  if (should === 'false') return false;
  if (should === 'true') return true;
  return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
}

function isContextOverflow(error: unknown): boolean {
  if (!(error instanceof APIError)) return false;
  if (error.status === 413) return true;
  if (error.status !== 400) return false;
  return /prompt is too long|context window|context length|maximum context|too many (input )?tokens/i.test(
    error.message,
  );
}

function describeApiError(error: unknown): string {
  if (error instanceof APIError) {
    const status = error.status === undefined ? '' : `HTTP ${error.status}: `;
    return `${status}${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
