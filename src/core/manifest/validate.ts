/**
 * Semantic checks on a manifest that already matches the schema: rules that involve more than
 * one field, or that the JSON Schema cannot express well (glob syntax, template placeholders,
 * path confinement). Pure: checks that need the outside world (does the prompt file exist, is
 * the id unique across files) live in validate-files.ts and take callbacks.
 */
import { OWNER_LOGIN, parseRepoPattern, parseRepoRef } from './repo-pattern.ts';
import { GUARD_KINDS, PROTECTED_GUARD_KINDS } from '../guards/types.ts';
import { PR_PLACEHOLDERS } from './schema.ts';
import type { Manifest } from './schema.ts';
import type { ValidationCode } from './validation-message.ts';
import { findModelPrice } from '../../shared/pricing.ts';
import type { ModelCatalog } from '../../shared/pricing.ts';

/** A semantic problem, located by manifest path; `parseManifest` turns it into a ValidationMessage. */
export interface SemanticIssue {
  /** Candidate paths, most specific first; the first one present in the YAML is reported (defaults are absent). */
  paths: PropertyKey[][];
  /** Point at the key rather than the value (e.g. "this key must not be here"). */
  target?: 'key' | 'value';
  /** Other fields the check read, beyond `paths` (so it is not reported when those were invalid). */
  dependsOn?: PropertyKey[][];
  code: ValidationCode;
  severity: 'error' | 'warning';
  message: string;
}

export interface ValidateManifestOptions {
  /** The file name without extension; when set, `id` must equal it. */
  fileStem?: string;
  /** The organisation owning the config repo; `owner/…` references elsewhere are errors. */
  organisation?: string;
  /**
   * The model price catalog; when given, `model.coder` and `model.judge` must have a price in it
   * (cost budgets cannot be enforced otherwise, so the coder would refuse to run).
   */
  modelCatalog?: ModelCatalog;
}

/** A GitHub team reference as used in reviewers and owners: `@org/team-slug`. */
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** GitHub topics: lowercase letters, digits and hyphens, at most 50 characters. */
const TOPIC = /^[a-z0-9][a-z0-9-]{0,49}$/;
/** Placeholder syntax in PR templates: `{{ name }}`. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const error = (
  path: PropertyKey[],
  code: ValidationCode,
  message: string,
  target?: 'key' | 'value',
): SemanticIssue => ({
  paths: [path],
  code,
  severity: 'error',
  message,
  ...(target ? { target } : {}),
});

/**
 * A relative path inside the config repo: no absolute paths, no `..`, no backslashes, so a
 * manifest can never make the app read outside the repository it came from.
 * Returns the problem, or `undefined` when the path is acceptable.
 */
export function findRepoPathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'empty path';
  if (path.includes('\\')) return "backslash in path; expected '/' separators";
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
    return 'absolute path; expected a path relative to the repository root';
  if (path.split('/').some((segment) => segment === '..'))
    return "'..' is not allowed; expected a path inside the repository";
  if (path.includes('\0')) return 'NUL character in path';
  return undefined;
}

function checkPrompt(manifest: Manifest): SemanticIssue[] {
  const { prompt, promptFile } = manifest;
  if (prompt !== undefined && promptFile !== undefined) {
    return [
      {
        ...error(
          ['promptFile'],
          'prompt',
          "both 'prompt' and 'promptFile' are set; expected exactly one",
          'key',
        ),
        dependsOn: [['prompt']],
      },
    ];
  }
  if (prompt === undefined && promptFile === undefined) {
    return [
      {
        ...error([], 'prompt', "missing 'prompt' or 'promptFile'; expected exactly one of them"),
        dependsOn: [['prompt'], ['promptFile']],
      },
    ];
  }
  if (prompt !== undefined && prompt.trim() === '') {
    return [error(['prompt'], 'prompt', 'prompt is empty; expected instructions for the coder')];
  }
  if (promptFile !== undefined) {
    const problem = findRepoPathProblem(promptFile);
    if (problem) return [error(['promptFile'], 'prompt-file', `promptFile: ${problem}`)];
  }
  return [];
}

function checkTargets(manifest: Manifest, options: ValidateManifestOptions): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const { targets } = manifest;
  const org = options.organisation?.toLowerCase();
  const foreignOwner = (owner: string | undefined) =>
    owner !== undefined && org !== undefined && owner.toLowerCase() !== org;
  if (![targets.repos, targets.patterns, targets.topics, targets.languages].some((list) => list.length > 0)) {
    issues.push(
      error(
        ['targets'],
        'targets',
        "targets selects no repository; expected at least one of repos, patterns, topics or languages (use patterns: ['*'] for all)",
      ),
    );
  }
  targets.repos.forEach((entry, index) => {
    const parsed = parseRepoRef(entry);
    if (!parsed.ok) issues.push(error(['targets', 'repos', index], 'targets', parsed.message));
    else if (foreignOwner(parsed.ref.owner)) {
      issues.push(
        error(
          ['targets', 'repos', index],
          'targets',
          `'${entry}' is outside the organisation '${options.organisation}'; the app only reaches repositories of its installation`,
        ),
      );
    }
  });
  for (const key of ['patterns', 'exclude'] as const) {
    targets[key].forEach((entry, index) => {
      const parsed = parseRepoPattern(entry);
      if (!parsed.ok) issues.push(error(['targets', key, index], 'glob', parsed.message));
      else if (key === 'patterns' && foreignOwner(parsed.pattern.owner)) {
        issues.push(
          error(
            ['targets', key, index],
            'glob',
            `'${entry}' can never match: it names an owner other than '${options.organisation}'`,
          ),
        );
      }
    });
  }
  targets.topics.forEach((topic, index) => {
    if (!TOPIC.test(topic)) {
      issues.push(
        error(
          ['targets', 'topics', index],
          'targets',
          `topic '${topic}' can never match; expected lowercase letters, digits and hyphens (at most 50), as GitHub stores topics`,
        ),
      );
    }
  });
  targets.languages.forEach((language, index) => {
    if (language.trim() === '')
      issues.push(
        error(
          ['targets', 'languages', index],
          'targets',
          "empty language; expected a GitHub language name such as 'TypeScript'",
        ),
      );
  });
  return issues;
}

function checkBudget(manifest: Manifest): SemanticIssue[] {
  const { budget } = manifest;
  if (budget.maxCostPerRepoUsd > budget.maxTotalUsd) {
    return [
      {
        paths: [['budget', 'maxCostPerRepoUsd'], ['budget', 'maxTotalUsd'], ['budget']],
        code: 'budget',
        severity: 'error',
        message: `budget.maxCostPerRepoUsd (${budget.maxCostPerRepoUsd}) exceeds budget.maxTotalUsd (${budget.maxTotalUsd}); expected maxCostPerRepoUsd <= maxTotalUsd`,
      },
    ];
  }
  return [];
}

function checkTemplates(manifest: Manifest): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const known = new Set<string>(PR_PLACEHOLDERS);
  for (const field of ['title', 'body'] as const) {
    const template = manifest.pr[field];
    for (const match of template.matchAll(PLACEHOLDER)) {
      const name = match[1] ?? '';
      if (!known.has(name)) {
        issues.push(
          error(
            ['pr', field],
            'template',
            `unknown placeholder '{{${name}}}' in pr.${field}; expected one of ${PR_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
          ),
        );
      }
    }
    const stripped = template.replace(PLACEHOLDER, '');
    if (stripped.includes('{{'))
      issues.push(
        error(['pr', field], 'template', `unclosed '{{' in pr.${field}; expected '{{placeholder}}'`),
      );
  }
  if (manifest.pr.title.includes('\n'))
    issues.push(error(['pr', 'title'], 'template', 'pr.title spans several lines; expected a single line'));
  if (manifest.pr.title.trim() === '')
    issues.push(error(['pr', 'title'], 'template', 'pr.title is blank; expected a title template'));
  manifest.pr.labels.forEach((label, index) => {
    if (label.trim() === '')
      issues.push(error(['pr', 'labels', index], 'labels', 'blank label; expected a label name'));
    else if (/^fleetwright(?::|$)/i.test(label)) {
      issues.push(
        error(
          ['pr', 'labels', index],
          'labels',
          `label '${label}' is reserved for fleetwright's own state labels; expected another name`,
        ),
      );
    }
  });
  return issues;
}

const isPrincipal = (value: string) => OWNER_LOGIN.test(value) || TEAM.test(value);

function checkReview(manifest: Manifest): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const { review } = manifest;
  review.owners.forEach((owner, index) => {
    if (!isPrincipal(owner))
      issues.push(
        error(
          ['review', 'owners', index],
          'review',
          `'${owner}' is not a GitHub login or team; expected 'login' or '@org/team'`,
        ),
      );
  });
  if (review.ownerPreview && review.owners.length === 0) {
    issues.push({
      paths: [['review', 'ownerPreview']],
      dependsOn: [['review', 'owners']],
      code: 'review',
      severity: 'error',
      message:
        'review.ownerPreview is on but review.owners is empty; expected at least one owner to preview PRs',
    });
  }
  if (Array.isArray(review.reviewers)) {
    if (review.reviewers.length === 0) {
      issues.push(
        error(
          ['review', 'reviewers'],
          'review',
          "review.reviewers is an empty list; expected 'codeowners' or at least one login or team",
        ),
      );
    }
    review.reviewers.forEach((reviewer, index) => {
      if (!isPrincipal(reviewer))
        issues.push(
          error(
            ['review', 'reviewers', index],
            'review',
            `'${reviewer}' is not a GitHub login or team; expected 'login' or '@org/team'`,
          ),
        );
    });
  }
  return issues;
}

function checkModels(manifest: Manifest, catalog: ModelCatalog | undefined): SemanticIssue[] {
  if (!catalog) return [];
  const known = Object.keys(catalog.models).sort();
  return (['coder', 'judge'] as const).flatMap((role) => {
    const id = manifest.model[role];
    if (findModelPrice(catalog, id) !== undefined) return [];
    return [
      error(
        ['model', role],
        'schema',
        `model.${role} '${id}' has no price in the model catalog, so its cost budget cannot be enforced; expected one of: ${known.join(', ')}`,
      ),
    ];
  });
}

function checkScope(manifest: Manifest): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  manifest.scope.allowedPaths.forEach((glob, index) => {
    const problem = findRepoPathProblem(glob);
    if (problem)
      issues.push(error(['scope', 'allowedPaths', index], 'scope', `scope.allowedPaths: ${problem}`));
  });
  return issues;
}

/**
 * Findings about deleted or skipped tests reject unless the migration prompt explicitly asks for
 * them; configuration cannot switch that off (`off`) or make it advisory (`warn`, which
 * `decideVerdict` would ignore anyway, so accepting it would mislead the owner).
 */
function checkGuards(manifest: Manifest): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  for (const kind of GUARD_KINDS) {
    const level = manifest.guards.severity[kind];
    if (level === undefined || level === 'block' || !PROTECTED_GUARD_KINDS.has(kind)) continue;
    issues.push(
      error(
        ['guards', 'severity', kind],
        'guards',
        `guards.severity.${kind} cannot be '${level}': deleted and skipped tests always reject a change unless the migration prompt explicitly asks to delete or skip tests; expected 'block' or no entry`,
      ),
    );
  }
  return issues;
}

function checkText(manifest: Manifest, options: ValidateManifestOptions): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  if (manifest.title.trim() === '')
    issues.push(error(['title'], 'schema', 'title is blank; expected a short human title'));
  if (manifest.title.includes('\n'))
    issues.push(error(['title'], 'schema', 'title spans several lines; expected a single line'));
  manifest.judge.criteria.forEach((criterion, index) => {
    if (criterion.trim() === '')
      issues.push(
        error(['judge', 'criteria', index], 'schema', 'blank judge criterion; expected a sentence'),
      );
  });
  if (options.fileStem !== undefined && options.fileStem !== manifest.id) {
    issues.push(
      error(
        ['id'],
        'id-file-name',
        `id '${manifest.id}' does not match the file name '${options.fileStem}'; expected the file to be named '${manifest.id}.yml' (or the id to be '${options.fileStem}')`,
      ),
    );
  }
  return issues;
}

/**
 * Runs every semantic check on a schema-valid manifest. Returns all problems found (empty when
 * the manifest is fine); never throws.
 */
export function validateManifest(manifest: Manifest, options: ValidateManifestOptions = {}): SemanticIssue[] {
  return [
    ...checkText(manifest, options),
    ...checkPrompt(manifest),
    ...checkTargets(manifest, options),
    ...checkBudget(manifest),
    ...checkTemplates(manifest),
    ...checkReview(manifest),
    ...checkScope(manifest),
    ...checkGuards(manifest),
    ...checkModels(manifest, options.modelCatalog),
  ];
}
