/**
 * Target selection: which of the installation's repositories a migration targets, and which of
 * those are skipped (with a reason a human can read). Pure; the repository list comes from the
 * GitHost port. Semantics follow the manifest's `targets` section: a repository is selected when
 * it is listed in `repos`, or when it matches every non-empty selector among `patterns`, `topics`
 * and `languages`; then `exclude`, archived, fork, empty and disabled rules remove it.
 * Globs use the manifest validator's own matcher (core/manifest/repo-pattern.ts), so a pattern
 * means the same thing in the check run and in the fan-out.
 */
import { matchesRepoPattern, parseRepoPattern } from '../manifest/repo-pattern.ts';

/** The repository facts selection needs (a subset of the GitHost `RepoInfo`). */
export interface RepoFacts {
  owner: string;
  repo: string;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
  disabled: boolean;
  empty: boolean;
  topics: readonly string[];
  language: string | null;
}

/** The manifest's `targets` section (h/manifest `Targets`), structurally. */
export interface TargetSelector {
  repos: readonly string[];
  patterns: readonly string[];
  topics: readonly string[];
  languages: readonly string[];
  exclude: readonly string[];
  includeArchived: boolean;
  includeForks: boolean;
}

export type SkipReason = 'archived' | 'fork' | 'excluded' | 'empty' | 'disabled';

export type Selection =
  | { repo: string; defaultBranch: string; decision: 'target' }
  | { repo: string; defaultBranch: string; decision: 'skip'; reason: SkipReason };

export interface SelectionResult {
  /** Selected repositories (targets and skips), sorted by full name. */
  selections: Selection[];
  /** Entries of `repos` that name no repository of the installation (shown to the owner). */
  missing: string[];
}

/**
 * Selects among `repos`. `org` is the owner of the config repo: `owner/name` entries naming
 * another owner never match (a manifest cannot reach outside its organisation).
 */
export function selectTargets(
  repos: readonly RepoFacts[],
  selector: TargetSelector,
  org: string,
): SelectionResult {
  const orgLower = org.toLowerCase();
  const listed = new Set(selector.repos.map((entry) => qualify(entry, orgLower)));
  const patternMatchers = selector.patterns.map((pattern) => buildNameMatcher(pattern, orgLower));
  const excludeMatchers = selector.exclude.map((pattern) => buildNameMatcher(pattern, orgLower));
  const topics = new Set(selector.topics.map((topic) => topic.toLowerCase()));
  const languages = new Set(selector.languages.map((language) => language.toLowerCase()));
  const hasSelectors = patternMatchers.length + topics.size + languages.size > 0;

  const selections: Selection[] = [];
  const found = new Set<string>();
  for (const repo of [...repos].sort((a, b) => fullName(a).localeCompare(fullName(b)))) {
    const name = fullName(repo).toLowerCase();
    if (repo.owner.toLowerCase() !== orgLower) continue;
    const isListed = listed.has(name);
    if (isListed) found.add(name);
    const matches =
      hasSelectors &&
      (patternMatchers.length === 0 || patternMatchers.some((match) => match(repo))) &&
      (topics.size === 0 || repo.topics.some((topic) => topics.has(topic.toLowerCase()))) &&
      (languages.size === 0 || (repo.language !== null && languages.has(repo.language.toLowerCase())));
    if (!isListed && !matches) continue;
    const reason = skipReason(repo, selector, excludeMatchers);
    const base = { repo: fullName(repo), defaultBranch: repo.defaultBranch };
    selections.push(reason ? { ...base, decision: 'skip', reason } : { ...base, decision: 'target' });
  }
  const missing = [...listed].filter((name) => !found.has(name)).sort();
  return { selections, missing };
}

function skipReason(
  repo: RepoFacts,
  selector: TargetSelector,
  excludeMatchers: readonly ((repo: RepoFacts) => boolean)[],
): SkipReason | undefined {
  if (excludeMatchers.some((match) => match(repo))) return 'excluded';
  if (repo.archived && !selector.includeArchived) return 'archived';
  if (repo.fork && !selector.includeForks) return 'fork';
  // Disabled repositories reject writes and empty ones have nothing to migrate: no opt-in helps.
  if (repo.disabled) return 'disabled';
  if (repo.empty) return 'empty';
  return undefined;
}

function fullName(repo: { owner: string; repo: string }): string {
  return `${repo.owner}/${repo.repo}`;
}

function qualify(entry: string, orgLower: string): string {
  const lower = entry.trim().toLowerCase();
  return lower.includes('/') ? lower : `${orgLower}/${lower}`;
}

/**
 * Case-insensitive glob on the repository name (`owner/` prefix optional). A pattern the
 * validator would reject matches nothing: fail closed rather than target the whole org.
 */
function buildNameMatcher(pattern: string, orgLower: string): (repo: RepoFacts) => boolean {
  const parsed = parseRepoPattern(pattern.trim());
  if (!parsed.ok) return () => false;
  const { owner } = parsed.pattern;
  if (owner !== undefined && owner.toLowerCase() !== orgLower) return () => false;
  return (repo) => matchesRepoPattern(parsed.pattern, repo.owner, repo.repo);
}
