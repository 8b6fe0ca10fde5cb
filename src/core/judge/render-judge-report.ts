/**
 * Renders a judge review as Markdown for humans: the `fleetwright/judge` check-run summary and
 * the judge comment on the PR (both published by a later stage). Pure. Evidence comes from the
 * diff, so it is fenced with a fence longer than any backtick run inside it and cannot break
 * the page; the output is hard-capped (GitHub rejects check-run summaries over 65,535
 * characters) and a cut is always stated.
 */
import type { Usage } from '../../contracts/usage.ts';
import type { Verdict } from '../../contracts/verdict.ts';
import type { GuardFinding } from '../guards/types.ts';
import type { VerdictSource } from './types.ts';

export interface JudgeReport {
  verdict: Verdict;
  decidedBy: VerdictSource;
  /** All guard findings (blocking ones are marked by `blockingFindings`). */
  guardFindings: readonly GuardFinding[];
  blockingFindings: readonly GuardFinding[];
  truncatedFiles: readonly string[];
  omittedFiles: readonly string[];
  model: string;
  usage: Usage;
}

const DEFAULT_MAX_CHARS = 60_000;

/** Markdown report; at most `maxChars` characters (default 60,000), cut at a line with a note. */
export function renderJudgeReportMarkdown(report: JudgeReport, options: { maxChars?: number } = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const approved = report.verdict.verdict === 'approve';
  const out: string[] = [];
  out.push(approved ? '### ✅ Approved by the fleetwright judge' : '### ❌ Changes required');
  out.push('', decidedByText(report), '');

  if (report.verdict.reasons.length > 0) {
    out.push('**Reasons**', '', ...report.verdict.reasons.map((r) => `- ${inline(r)}`), '');
  }
  if (report.verdict.requiredChanges.length > 0) {
    out.push(
      '**Required changes**',
      '',
      ...report.verdict.requiredChanges.map((c, i) => `${i + 1}. ${inline(c)}`),
      '',
    );
  }
  if (report.guardFindings.length > 0) {
    const blocking = new Set(report.blockingFindings);
    const blockCount = report.guardFindings.filter((f) => blocking.has(f)).length;
    out.push(
      `<details${approved ? '' : ' open'}><summary>Guard findings: ${blockCount} blocking, ${report.guardFindings.length - blockCount} for review</summary>`,
      '',
    );
    for (const f of report.guardFindings) {
      const where =
        f.file === undefined ? 'whole diff' : f.line === undefined ? f.file : `${f.file}:${f.line}`;
      out.push(
        `- ${blocking.has(f) ? '⛔' : '⚠️'} \`${f.kind}\` — ${inline(f.message)} (${inlineCode(where)})`,
      );
      if (f.evidence !== '') out.push('', fenced(f.evidence, '  '), '');
    }
    out.push('</details>', '');
  }
  if (report.truncatedFiles.length > 0 || report.omittedFiles.length > 0) {
    const parts: string[] = [];
    if (report.truncatedFiles.length > 0)
      parts.push(`shown in part: ${report.truncatedFiles.map(inlineCode).join(', ')}`);
    if (report.omittedFiles.length > 0)
      parts.push(`not shown: ${report.omittedFiles.map(inlineCode).join(', ')}`);
    out.push(`The judge did not see the whole diff (${parts.join('; ')}).`, '');
  }
  const u = report.usage;
  out.push(
    `<sub>Model ${inlineCode(report.model)} · ${u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens} input tokens (${u.cacheReadTokens} from cache) · ${u.outputTokens} output tokens · $${u.costUsd.toFixed(4)}</sub>`,
  );
  return cap(out.join('\n'), maxChars);
}

function decidedByText(report: JudgeReport): string {
  switch (report.decidedBy) {
    case 'llm':
      return `Decided by the LLM judge (${inlineCode(report.model)}); the deterministic guards found nothing blocking.`;
    case 'guards':
      return 'Decided by the deterministic guards: the change deletes, skips or weakens tests, or relaxes checks, in a way the migration does not ask for. The LLM judge cannot override this.';
    case 'fail-closed':
      return "The judge's answer could not be used, so the change is rejected (fail closed). A new review will be run after the next change.";
  }
}

/** One line of prose: newlines folded, HTML-ish brackets escaped so text cannot open tags. */
/**
 * Model- and diff-derived prose on one line: no HTML (so no hidden comments or markers) and no
 * live @mentions (a zero-width space after `@`), so a prompt-injected diff cannot make the
 * judge's comment ping people or teams.
 */
function inline(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/@/g, '@\u200b');
}

function inlineCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function fenced(text: string, indent: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}diff`, ...text.split('\n'), fence].map((l) => `${indent}${l}`).join('\n');
}

function cap(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const note = '\n\n_[fleetwright: report truncated to fit; see the PR for the full review]_';
  // Room for closing an open code fence and <details> so the rest of the page renders.
  const closers = 64;
  const cut = text.lastIndexOf('\n', maxChars - note.length - closers);
  let kept = text.slice(0, Math.max(0, cut));
  const fences = [...kept.matchAll(/^\s*(`{3,})/gm)].map((m) => m[1] as string);
  if (fences.length % 2 === 1) kept += `\n  ${fences[fences.length - 1]}`;
  if ((kept.match(/<details/g) ?? []).length > (kept.match(/<\/details>/g) ?? []).length)
    kept += '\n</details>';
  return kept + note;
}
