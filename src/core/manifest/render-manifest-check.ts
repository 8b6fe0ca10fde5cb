/**
 * Turns a config repo's validation result into the `fleetwright/manifests` check run: a
 * conclusion, a short title, a Markdown summary (a table of the migrations found, then the
 * problems) and one annotation per message. Pure; the workflow posts it through GitHost.
 */
import type { Manifest } from './schema.ts';
import type { ManifestSetResult } from './validate-files.ts';
import type { ValidationMessage } from './validation-message.ts';

/** The check run's name; branch protection rules refer to it. */
export const MANIFEST_CHECK_NAME = 'fleetwright/manifests';

/** GitHub's limit for `output.summary` and `output.text`. */
export const CHECK_OUTPUT_MAX_CHARS = 65_535;

export interface ManifestCheck {
  conclusion: 'success' | 'failure';
  /** One line, at most 255 characters. */
  title: string;
  /** Markdown, at most `maxSummaryChars` characters. */
  summary: string;
  /**
   * What to annotate: errors of affected files stay errors; errors of files this change did not
   * touch are downgraded to warnings (they were there before and must not block unrelated work).
   */
  annotations: ValidationMessage[];
}

export interface BuildManifestCheckOptions {
  /**
   * Sources this change affected (changed manifests, manifests whose prompt file changed).
   * `undefined` means everything counts as affected (first push, or too many changes to tell).
   */
  affected?: ReadonlySet<string>;
  /** Commit being checked, shown in the summary. */
  headSha?: string;
  maxSummaryChars?: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Escapes text for a Markdown table cell: one line, no pipes, no HTML. */
export function escapeTableCell(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut.replace(/[\\|`*_<>[\]]/g, (char) => `\\${char}`);
}

function describeTargets(manifest: Manifest): string {
  const { targets } = manifest;
  const parts: string[] = [];
  if (targets.repos.length > 0) parts.push(`repos: ${targets.repos.join(', ')}`);
  if (targets.patterns.length > 0) parts.push(`patterns: ${targets.patterns.join(', ')}`);
  if (targets.topics.length > 0) parts.push(`topics: ${targets.topics.join(', ')}`);
  if (targets.languages.length > 0) parts.push(`languages: ${targets.languages.join(', ')}`);
  if (targets.exclude.length > 0) parts.push(`exclude: ${targets.exclude.join(', ')}`);
  return parts.join('; ');
}

function describeRollout(manifest: Manifest): string {
  const { rollout, budget } = manifest;
  const state = rollout.paused ? 'paused' : rollout.dryRun ? 'dry run' : 'active';
  return `${state}; ≤ ${rollout.maxOpenPrs} open PRs, ${rollout.prsPerHour}/h; $${budget.maxCostPerRepoUsd}/repo, $${budget.maxTotalUsd} total`;
}

/** Builds the check run for a validated config repo. Never throws. */
export function buildManifestCheck(
  result: ManifestSetResult,
  options: BuildManifestCheckOptions = {},
): ManifestCheck {
  const maxSummary = Math.min(options.maxSummaryChars ?? CHECK_OUTPUT_MAX_CHARS, CHECK_OUTPUT_MAX_CHARS);
  const isAffected = (source: string) => options.affected === undefined || options.affected.has(source);

  // Duplicate ids involve every file of the group as soon as one of them is affected.
  const affected = new Set(result.files.map((file) => file.source).filter(isAffected));
  for (const group of result.duplicateIdGroups)
    if (group.some((source) => affected.has(source))) group.forEach((source) => affected.add(source));

  const annotations = result.messages.map((message) =>
    message.severity === 'error' && !affected.has(message.source)
      ? {
          ...message,
          severity: 'warning' as const,
          message: `${message.message} (in a file this change did not touch)`,
        }
      : message,
  );
  const errors = annotations.filter((m) => m.severity === 'error');
  const warnings = annotations.length - errors.length;
  const failingFiles = new Set(errors.map((m) => m.source));
  const conclusion = errors.length > 0 ? 'failure' : 'success';

  const valid = result.migrations.length;
  const total = result.files.length;
  const title =
    conclusion === 'failure'
      ? `${plural(errors.length, 'error')} in ${plural(failingFiles.size, 'manifest')}`
      : total === 0
        ? 'No migrations yet'
        : `${plural(valid, 'migration')} valid${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}`;

  const byFile = new Map(result.migrations.map((migration) => [migration.source, migration]));
  const header = [
    total === 0
      ? 'No manifest found under `migrations/`. Add `migrations/<id>.yml` files; see the README section "Writing a migration manifest".'
      : `**${plural(total, 'manifest')}**: ${valid} valid, ${total - valid} with errors${options.headSha ? ` · commit \`${options.headSha.slice(0, 12)}\`` : ''}.`,
    '',
  ];
  const rows =
    total === 0
      ? []
      : [
          '| Migration | Title | File | Targets | Rollout and budget | Status |',
          '| --- | --- | --- | --- | --- | --- |',
          ...result.files.map((file) => {
            const migration = byFile.get(file.source);
            const errorCount = errors.filter((m) => m.source === file.source).length;
            const status = migration
              ? '✅ valid'
              : errorCount > 0
                ? `❌ ${plural(errorCount, 'error')}`
                : '⚠️ invalid (not changed here)';
            return `| ${file.id ? `\`${escapeTableCell(file.id, 64)}\`` : '—'} | ${escapeTableCell(file.title ?? '—')} | ${escapeTableCell(file.source)} | ${migration ? escapeTableCell(describeTargets(migration.manifest)) : '—'} | ${migration ? escapeTableCell(describeRollout(migration.manifest)) : '—'} | ${status} |`;
          }),
          '',
        ];
  const problems =
    annotations.length === 0
      ? []
      : [
          '### Problems',
          '',
          ...annotations.map(
            (m) =>
              `- ${m.severity === 'error' ? '❌' : '⚠️'} \`${escapeTableCell(m.source, 200)}:${m.line}:${m.column}\` ${escapeTableCell(m.message, 500)}`,
          ),
          '',
        ];

  // Fit the limit: drop trailing lines and say how many were dropped, never cut mid-line.
  const lines = [...header, ...rows, ...problems];
  let summary = lines.join('\n');
  if (summary.length > maxSummary) {
    const note = (dropped: number) =>
      `\n\n…${dropped} more lines not shown; run \`npx fleetwright validate\` locally for the full list.`;
    let kept = 0;
    let length = 0;
    for (const line of lines) {
      const next = length + (kept === 0 ? 0 : 1) + line.length;
      if (next + note(lines.length).length > maxSummary) break;
      length = next;
      kept += 1;
    }
    summary = lines.slice(0, kept).join('\n') + note(lines.length - kept);
  }
  return { conclusion, title: title.slice(0, 255), summary, annotations };
}
