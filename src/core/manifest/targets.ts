/**
 * Which repositories a manifest targets, and how its PR title and body render for one of them.
 * The rules are the ones documented in README "Writing a migration manifest" → `targets` and `pr`;
 * the fan-out planner calls these instead of re-implementing them.
 */
import { matchesRepoPattern, parseRepoPattern, parseRepoRef } from './repo-pattern.ts';
import type { RepoPattern } from './repo-pattern.ts';
import type { Manifest, PrPlaceholder, Targets } from './schema.ts';

/** What the selection needs to know about a repository (a subset of GitHost's RepoInfo). */
export interface TargetCandidate {
  owner: string;
  name: string;
  archived: boolean;
  fork: boolean;
  topics: readonly string[];
  language: string | null;
}

/** Why a repository is or is not a target; the string shows up in logs and on the dashboard. */
export type TargetSelection =
  | { selected: true; reason: 'listed' | 'matched' }
  | { selected: false; reason: 'not-selected' | 'excluded' | 'archived' | 'fork' };

const compile = (patterns: readonly string[]): RepoPattern[] =>
  patterns.flatMap((text) => {
    const parsed = parseRepoPattern(text);
    // Invalid patterns never reach here from a validated manifest; if one does, it matches nothing.
    return parsed.ok ? [parsed.pattern] : [];
  });

/**
 * Decides whether `repo` is a target of `targets`. Pure; `targets` must come from a validated
 * manifest. Exclusions win over `repos`: a listed but excluded repository is `excluded`.
 */
export function selectTarget(targets: Targets, repo: TargetCandidate): TargetSelection {
  const sameName = (ref: { owner: string | undefined; name: string }) =>
    ref.name.toLowerCase() === repo.name.toLowerCase() &&
    (ref.owner === undefined || ref.owner.toLowerCase() === repo.owner.toLowerCase());
  const listed = targets.repos.some((text) => {
    const parsed = parseRepoRef(text);
    return parsed.ok && sameName(parsed.ref);
  });
  const topics = new Set(repo.topics.map((topic) => topic.toLowerCase()));
  const language = repo.language?.toLowerCase();
  const selectors = [
    targets.patterns.length === 0
      ? undefined
      : compile(targets.patterns).some((p) => matchesRepoPattern(p, repo.owner, repo.name)),
    targets.topics.length === 0 ? undefined : targets.topics.some((topic) => topics.has(topic.toLowerCase())),
    targets.languages.length === 0
      ? undefined
      : language !== undefined && targets.languages.some((l) => l.toLowerCase() === language),
  ].filter((result) => result !== undefined);
  const matched = selectors.length > 0 && selectors.every(Boolean);

  if (!listed && !matched) return { selected: false, reason: 'not-selected' };
  if (compile(targets.exclude).some((p) => matchesRepoPattern(p, repo.owner, repo.name)))
    return { selected: false, reason: 'excluded' };
  if (repo.archived && !targets.includeArchived) return { selected: false, reason: 'archived' };
  if (repo.fork && !targets.includeForks) return { selected: false, reason: 'fork' };
  return { selected: true, reason: listed ? 'listed' : 'matched' };
}

/** Values for the PR template placeholders of one target repository. */
export interface PrTemplateRepo {
  owner: string;
  name: string;
  defaultBranch: string;
}

/**
 * Renders `pr.title` or `pr.body` for one repository. Unknown placeholders cannot occur in a
 * validated manifest; if one does, it is left as written rather than guessed.
 */
export function renderPrTemplate(
  template: string,
  manifest: Pick<Manifest, 'id' | 'title' | 'description'>,
  repo: PrTemplateRepo,
): string {
  const values: Record<PrPlaceholder, string> = {
    'migration.id': manifest.id,
    'migration.title': manifest.title,
    'migration.description': manifest.description,
    'repo.owner': repo.owner,
    'repo.name': repo.name,
    'repo.fullName': `${repo.owner}/${repo.name}`,
    'repo.defaultBranch': repo.defaultBranch,
  };
  // One pass, so a value that itself contains `{{…}}` is never expanded again.
  return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, name: string) =>
    name in values ? values[name as PrPlaceholder] : whole,
  );
}
