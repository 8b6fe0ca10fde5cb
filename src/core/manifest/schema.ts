/**
 * The migration manifest, version 1: one YAML file per migration in the org's config repo
 * (`migrations/<id>.yml`). This zod schema is the single source of truth: the TypeScript
 * types, the defaults, the generated JSON Schema (`schemas/manifest.schema.json`) and the
 * README's reference all come from it.
 *
 * Rules (shared/STYLE.md §7): every object is strict (unknown keys are errors, because a typo
 * such as `maxIteration` must not silently fall back to a default), every field is described,
 * and nothing here uses `refine`: checks that need more than one field (prompt vs promptFile,
 * per-repo cost vs total, glob syntax, …) live in `validate.ts`, so the JSON Schema stays exact.
 *
 * Parse manifests with `parseManifest` (parse.ts), never with `Manifest.parse` directly: it adds
 * located errors, size limits and the semantic checks.
 */
import { z } from 'zod';
import { DEFAULT_GUARD_LIMITS, GUARD_KINDS, type GuardKind } from '../guards/types.ts';

/** Kebab-case: lowercase letters and digits in groups separated by single hyphens. */
export const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The longest accepted id; branch names, labels and markers embed it. */
export const MAX_ID_LENGTH = 64;

/** A migration id: kebab-case, unique across the config repo, equal to the file name's stem. */
export const MigrationId = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(KEBAB_CASE, { error: 'expected kebab-case (lowercase letters, digits and single hyphens)' })
  .describe(
    'Unique id of the migration, in kebab-case (e.g. `replace-request-with-fetch`). It must equal the ' +
      'file name without extension (`migrations/<id>.yml`). The PR branch is `fleetwright/<id>`.',
  );
export type MigrationId = z.infer<typeof MigrationId>;

const stringList = (description: string) => z.array(z.string()).default([]).describe(description);

/** Which repositories of the organisation the migration targets. */
export const Targets = z
  .strictObject({
    repos: stringList(
      'Repositories targeted explicitly, as `name` or `owner/name` (the owner must be the organisation ' +
        'that owns the config repo). Listed repos are targeted even when they match no pattern, topic ' +
        'or language; `exclude`, archived and fork rules still apply.',
    ),
    patterns: stringList(
      'Glob patterns matched case-insensitively against repository names (`*`, `?`, `[a-z]`, `{a,b}`; ' +
        'optionally prefixed by `owner/`). `["*"]` targets every repository.',
    ),
    topics: stringList(
      'Repository topics; a repository qualifies when it has at least one of them. Combined with ' +
        '`patterns` and `languages` by AND (each non-empty selector must match).',
    ),
    languages: stringList(
      'Primary repository languages as GitHub reports them (e.g. `TypeScript`, `Python`), compared ' +
        'case-insensitively; a repository qualifies when its language is one of them.',
    ),
    exclude: stringList(
      'Repository names or glob patterns (same syntax as `patterns`) that are never targeted, even when ' +
        'listed in `repos`.',
    ),
    includeArchived: z
      .boolean()
      .default(false)
      .describe('Target archived repositories too (they are read-only, so PRs will fail; rarely useful).'),
    includeForks: z.boolean().default(false).describe('Target forked repositories too.'),
    allowNoCi: z
      .boolean()
      .default(false)
      .describe(
        'Target repositories whose default branch has no CI at all. Without CI nothing verifies the ' +
          "coder's change, so by default such repositories are skipped with reason `no-ci`.",
      ),
  })
  .describe(
    'Which repositories to migrate. At least one of `repos`, `patterns`, `topics` or `languages` must be ' +
      'non-empty. A repository is a target when it is listed in `repos`, or when it matches every ' +
      'non-empty selector among `patterns`, `topics` and `languages`; then `exclude`, `includeArchived` and ' +
      '`includeForks` remove repositories.',
  );
export type Targets = z.infer<typeof Targets>;

/** Placeholders accepted in `pr.title` and `pr.body`, documented in README. */
export const PR_PLACEHOLDERS = [
  'migration.id',
  'migration.title',
  'migration.description',
  'repo.owner',
  'repo.name',
  'repo.fullName',
  'repo.defaultBranch',
] as const;
export type PrPlaceholder = (typeof PR_PLACEHOLDERS)[number];

/** Default PR title template. */
export const DEFAULT_PR_TITLE = '{{migration.title}}';
/** Default PR body template (fleetwright appends its own status section and state marker). */
export const DEFAULT_PR_BODY = '{{migration.description}}';

/** How the pull request looks. */
export const PullRequest = z
  .strictObject({
    title: z
      .string()
      .min(1)
      .max(256)
      .default(DEFAULT_PR_TITLE)
      .describe(
        'PR title template, at most 256 characters after rendering. Placeholders: `{{migration.id}}`, ' +
          '`{{migration.title}}`, `{{migration.description}}`, `{{repo.owner}}`, `{{repo.name}}`, ' +
          '`{{repo.fullName}}`, `{{repo.defaultBranch}}`.',
      ),
    body: z
      .string()
      .max(32_768)
      .default(DEFAULT_PR_BODY)
      .describe(
        'PR body template in Markdown (same placeholders as `title`). fleetwright appends a status section ' +
          'and a hidden state marker below it; do not edit those by hand.',
      ),
    labels: z
      .array(z.string().min(1).max(50))
      .default([])
      .describe(
        'Extra labels added to every PR (at most 50 characters each). fleetwright always adds its own ' +
          '`fleetwright` and `fleetwright:<state>` labels.',
      ),
  })
  .describe('The pull request opened in each target repository. Its branch is always `fleetwright/<id>`.');
export type PullRequest = z.infer<typeof PullRequest>;

/** Money and effort limits. Budgets are mandatory, so every field has a default. */
export const Budget = z
  .strictObject({
    maxIterations: z
      .number()
      .int()
      .positive()
      .max(50)
      .default(5)
      .describe(
        'Coder runs per repository: the first draft plus repairs after red CI or a judge rejection. ' +
          'When spent, the target ends as `exhausted`.',
      ),
    maxCostPerRepoUsd: z
      .number()
      .positive()
      .default(5)
      .describe('Model spend per repository in USD (coder and judge together), across all iterations.'),
    maxTotalUsd: z
      .number()
      .positive()
      .default(100)
      .describe(
        'Model spend for the whole migration in USD. No new coder run starts once it is reached. ' +
          'Must be at least `maxCostPerRepoUsd`.',
      ),
    maxCoderTurns: z
      .number()
      .int()
      .positive()
      .max(500)
      .default(60)
      .describe('Model turns (tool-use round trips) within one coder run.'),
    coderTimeoutMinutes: z
      .number()
      .int()
      .positive()
      .max(240)
      .default(20)
      .describe('Wall-clock limit of one coder run, in minutes.'),
    ciTimeoutMinutes: z
      .number()
      .int()
      .positive()
      .max(1440)
      .default(120)
      .describe("How long to wait for a PR's CI to finish before the target ends as `stalled`, in minutes."),
  })
  .describe('Budgets. Every limit is enforced by the state machine; nothing loops on "the model said done".');
export type Budget = z.infer<typeof Budget>;

/** How fast the migration spreads. */
export const Rollout = z
  .strictObject({
    paused: z
      .boolean()
      .default(false)
      .describe(
        'Stop opening new PRs and starting coder runs. Open PRs stay as they are. Set back to `false` to resume.',
      ),
    dryRun: z
      .boolean()
      .default(false)
      .describe('Plan and log what would happen (targets, skips) without opening PRs or running the coder.'),
    maxOpenPrs: z
      .number()
      .int()
      .positive()
      .max(1000)
      .default(10)
      .describe('At most this many fleetwright PRs of this migration are open at once.'),
    prsPerHour: z
      .number()
      .int()
      .positive()
      .max(100)
      .default(5)
      .describe('At most this many new PRs are opened per hour (GitHub also limits content creation).'),
    maxConcurrentCoders: z
      .number()
      .int()
      .positive()
      .max(20)
      .default(2)
      .describe('At most this many coder runs of this migration at the same time.'),
  })
  .describe('Rollout pacing and the pause switch.');
export type Rollout = z.infer<typeof Rollout>;

/** Extra guidance for the LLM judge. */
export const Judge = z
  .strictObject({
    criteria: z
      .array(z.string().min(1).max(2000))
      .max(50)
      .default([])
      .describe(
        'Extra acceptance criteria in plain language, added to the built-in rubric (scope, no unrelated ' +
          'changes, no disabled tests). Example: "No remaining imports of `request`".',
      ),
  })
  .describe('The LLM judge that reviews a green diff before humans see it.');
export type Judge = z.infer<typeof Judge>;

/** What each kind of guard finding flags, for the generated JSON Schema and the README. */
export const GUARD_KIND_DESCRIPTIONS: Readonly<Record<GuardKind, string>> = Object.freeze({
  'test-file-deleted': 'A test file was deleted (or renamed so the runner no longer finds it).',
  'test-file-emptied': 'A test file no longer contains any test.',
  'test-removed': 'Tests were removed and not added back elsewhere in the diff.',
  'test-skipped': 'A test was skipped or disabled (`.skip`, `xit`, `@Disabled`, `pytest.mark.skip`, …).',
  'test-focused': 'A focus marker was added (`.only`, `fit`, `fdescribe`, …), so other tests stop running.',
  'assertions-removed': 'A test file has fewer assertions than before.',
  'expected-value-changed': 'An expected value in an assertion was changed (possibly to match new output).',
  'test-count-dropped': 'Fewer tests ran on the change than on its base (from the reports’ test counts).',
  'skipped-count-rose': 'More tests were skipped on the change than on its base.',
  'out-of-scope-path': 'A file outside `scope.allowedPaths` was changed.',
  'ci-config-edited': 'A CI workflow file was edited without `scope.allowWorkflowEdits`.',
  'ci-config-relaxed':
    'CI or build configuration was relaxed (`continue-on-error`, `--passWithNoTests`, `|| true`, …).',
  'lint-rule-disabled': 'A lint or type-check rule was turned off in configuration.',
  'lint-suppression-added':
    'An inline lint or type-check suppression was added (`eslint-disable`, `@ts-ignore`, `# noqa`, …).',
  'coverage-threshold-lowered': 'A coverage threshold was lowered.',
  'coverage-exclusion-added': 'Files were excluded from coverage.',
  'lockfile-only': 'Only lockfiles changed.',
  'whitespace-only': 'Only whitespace changed.',
  'diff-too-large': 'The diff exceeds `guards.maxChangedLines` or `guards.maxChangedFiles`.',
});

const GuardLevel = z.enum(['off', 'warn', 'block']);

/** Per-kind severity overrides: one optional key per guard kind, so a misspelt kind is an unknown key. */
const GuardSeverityOverrides = z
  .strictObject(
    Object.fromEntries(
      GUARD_KINDS.map((kind) => [kind, GuardLevel.optional().describe(GUARD_KIND_DESCRIPTIONS[kind])]),
    ) as Record<GuardKind, z.ZodOptional<typeof GuardLevel>>,
  )
  .default({})
  .describe(
    'Severity per kind of guard finding: `block` (the PR is rejected whatever the LLM judge says), `warn` ' +
      '(shown to the judge, which decides) or `off` (not reported). Kinds not listed keep their built-in ' +
      'severity. Findings about deleted or skipped tests (`test-file-deleted`, `test-file-emptied`, ' +
      '`test-removed`, `test-skipped`, `skipped-count-rose`, `test-count-dropped`) can only be set to `block`, ' +
      'which rejects them even when the migration prompt asks to delete or skip tests; only an explicit ' +
      'instruction in the prompt lets them through.',
  );

/** Tuning of the deterministic guards that review a green diff before the LLM judge. */
export const Guards = z
  .strictObject({
    severity: GuardSeverityOverrides,
    maxChangedLines: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .default(DEFAULT_GUARD_LIMITS.maxChangedLines)
      .describe(
        'A diff with more changed lines (added + removed, lockfiles and binary files excluded) is flagged ' +
          '`diff-too-large` (severity `warn` unless overridden).',
      ),
    maxChangedFiles: z
      .number()
      .int()
      .positive()
      .max(100_000)
      .default(DEFAULT_GUARD_LIMITS.maxChangedFiles)
      .describe(
        'A diff touching more files (lockfiles excluded) is flagged `diff-too-large` (severity `warn` unless overridden).',
      ),
  })
  .describe(
    'The deterministic guards: checks on the diff for deleted, skipped or weakened tests, relaxed CI, lint ' +
      'or coverage settings, out-of-scope files and oversized diffs, run before the LLM judge.',
  );
export type Guards = z.infer<typeof Guards>;

/** Who is asked to look, and when. */
export const Review = z
  .strictObject({
    ownerPreview: z
      .boolean()
      .default(false)
      .describe(
        'When `true`, approved PRs first go to the migration `owners` (still as drafts); they are marked ready ' +
          'for review only after an owner approves. Requires at least one owner.',
      ),
    owners: z
      .array(z.string())
      .default([])
      .describe('Migration owners: GitHub logins (`octocat`) or teams (`@org/team`). Notified of results.'),
    reviewers: z
      .union([z.literal('codeowners'), z.array(z.string())])
      .default('codeowners')
      .describe(
        "Who reviews a ready PR: `codeowners` (the repository's CODEOWNERS, via GitHub's automatic review " +
          'requests) or a list of logins and `@org/team` teams.',
      ),
  })
  .describe('Human review once the PR is green and approved by the judge.');
export type Review = z.infer<typeof Review>;

/** Default model ids; prices for them live in config/models.yml. */
export const DEFAULT_CODER_MODEL = 'claude-sonnet-5-5';
export const DEFAULT_JUDGE_MODEL = 'claude-opus-5-5';
/** The judge's default output cap: a verdict is a few hundred tokens; 4,096 leaves ample room. */
export const DEFAULT_JUDGE_MAX_OUTPUT_TOKENS = 4096;

const ModelId = z.string().regex(/^[a-z0-9][a-z0-9.:@_-]*$/, {
  error: 'expected a model id such as `claude-sonnet-5-5`',
});

/** Which models do the work. */
export const Model = z
  .strictObject({
    coder: ModelId.default(DEFAULT_CODER_MODEL).describe(
      'Anthropic model id of the coder. It must have a price in the model catalog (config/models.yml) so ' +
        'cost budgets can be enforced.',
    ),
    judge: ModelId.default(DEFAULT_JUDGE_MODEL).describe('Anthropic model id of the judge.'),
    maxOutputTokens: z
      .number()
      .int()
      .positive()
      .max(128_000)
      .default(16_000)
      .describe(
        'Maximum output tokens of one coder response (a turn may write a whole file). The judge has its own cap, ' +
          '`judgeMaxOutputTokens`.',
      ),
    judgeMaxOutputTokens: z
      .number()
      .int()
      .positive()
      .max(128_000)
      .default(DEFAULT_JUDGE_MAX_OUTPUT_TOKENS)
      .describe(
        'Maximum output tokens of the judge’s answer. A verdict (at most 20 reasons and 20 required changes) is ' +
          'small; an answer cut off at this cap is unparsable and rejects the change (fail closed), so raise it ' +
          'only if reviews end with "cut off at the output limit", e.g. for a judge model that thinks aloud first.',
      ),
  })
  .describe('Model selection.');
export type Model = z.infer<typeof Model>;

/** Where the coder may write. */
export const Scope = z
  .strictObject({
    allowedPaths: z
      .array(z.string())
      .default([])
      .describe(
        'Path globs (relative to the repository root, e.g. `src/**`, `package.json`) the change may touch. ' +
          'Empty means anywhere. Edits outside are refused by the coder tools and flagged by the guards.',
      ),
    allowWorkflowEdits: z
      .boolean()
      .default(false)
      .describe(
        'Allow changes under `.github/workflows/`. The app also needs the `workflows: write` permission; ' +
          'off by default because a workflow edit can change what CI verifies.',
      ),
  })
  .describe('Limits on what the change may touch.');
export type Scope = z.infer<typeof Scope>;

/** The migration manifest, version 1. */
export const Manifest = z
  .strictObject({
    version: z.literal(1).describe('Manifest format version. Always `1`.'),
    id: MigrationId,
    title: z
      .string()
      .min(1)
      .max(200)
      .describe('Short human title, used as the default PR title and on the dashboard.'),
    description: z
      .string()
      .max(10_000)
      .default('')
      .describe('Why and what, in Markdown; the default PR body. Shown to reviewers, not to the coder.'),
    prompt: z
      .string()
      .optional()
      .describe('Instructions for the coder, inline. Exactly one of `prompt` and `promptFile` is required.'),
    promptFile: z
      .string()
      .optional()
      .describe(
        'Path of a file holding the instructions for the coder, relative to the root of the config repo ' +
          '(e.g. `prompts/request-to-fetch.md`). Exactly one of `prompt` and `promptFile` is required.',
      ),
    targets: Targets,
    pr: PullRequest.prefault({}),
    budget: Budget.prefault({}),
    rollout: Rollout.prefault({}),
    judge: Judge.prefault({}),
    review: Review.prefault({}),
    guards: Guards.prefault({}),
    model: Model.prefault({}),
    scope: Scope.prefault({}),
  })
  .describe(
    'A fleetwright migration manifest (one file per migration under `migrations/` in the config repo).',
  );

/** A manifest after parsing: every default filled in. */
export type Manifest = z.infer<typeof Manifest>;
/** A manifest as written in YAML: defaulted fields optional. */
export type ManifestInput = z.input<typeof Manifest>;

/** The deterministic branch of a migration's PRs. */
export const BRANCH_PREFIX = 'fleetwright/';

/**
 * The branch fleetwright pushes a migration's changes to in every target repo: `fleetwright/<id>`.
 * Pure; assumes `id` is a valid `MigrationId` (kebab-case is always a valid git ref component).
 */
export function buildBranchName(id: MigrationId): string {
  return `${BRANCH_PREFIX}${id}`;
}

/**
 * The migration id of a fleetwright branch (`fleetwright/<id>` or `refs/heads/fleetwright/<id>`),
 * or `undefined` when the branch is not one of ours (the usual case for a webhook: skip it).
 */
export function parseBranchName(ref: string): MigrationId | undefined {
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
  if (!branch.startsWith(BRANCH_PREFIX)) return undefined;
  const id = branch.slice(BRANCH_PREFIX.length);
  return id.length <= MAX_ID_LENGTH && KEBAB_CASE.test(id) ? id : undefined;
}
