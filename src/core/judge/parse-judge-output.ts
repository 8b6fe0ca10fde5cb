/**
 * Parses the judge model's text answer into a `Verdict`. Structured outputs make the text pure
 * JSON; anything else (prose, truncated JSON, a schema mismatch) is a failure, never a guess.
 */
import { z } from 'zod';
import { Verdict } from '../../contracts/verdict.ts';
import type { LlmJudgement } from './types.ts';

const MAX_ITEMS = 20;
const MAX_ITEM_CHARS = 2000;

/**
 * Returns `{ type: 'verdict' }` for a schema-valid answer (strings trimmed, empties and
 * duplicates dropped, at most 20 items of 2,000 characters each, so a comment stays readable),
 * or `{ type: 'failed' }` with `unparsable` / `invalid` / `empty` and a located detail.
 * Tolerates only a Markdown code fence around the JSON.
 */
export function parseJudgeOutput(text: string): LlmJudgement {
  const body = text
    .trim()
    .replace(/^```(?:json)?\s*\n([\s\S]*?)\n?```$/, '$1')
    .trim();
  if (body === '') return { type: 'failed', failure: 'empty', detail: 'The judge returned no text' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return {
      type: 'failed',
      failure: 'unparsable',
      detail: `The judge's answer is not JSON (${(error as Error).message}): ${preview(body)}`,
    };
  }
  const parsed = Verdict.safeParse(json);
  if (!parsed.success) {
    return {
      type: 'failed',
      failure: 'invalid',
      detail: `The judge's answer does not match the verdict schema:\n${z.prettifyError(parsed.error)}`,
    };
  }
  return {
    type: 'verdict',
    verdict: {
      verdict: parsed.data.verdict,
      reasons: cleanList(parsed.data.reasons),
      requiredChanges: cleanList(parsed.data.requiredChanges),
    },
  };
}

function cleanList(items: readonly string[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const text = item.trim();
    if (text === '' || out.includes(text)) continue;
    out.push(text.length <= MAX_ITEM_CHARS ? text : `${text.slice(0, MAX_ITEM_CHARS - 1)}…`);
    if (out.length === MAX_ITEMS) break;
  }
  return out;
}

function preview(text: string): string {
  return text.length <= 200 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 200))}…`;
}
