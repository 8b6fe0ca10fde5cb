/**
 * The corpus of invalid manifests: each case asserts every reported error, with its exact
 * line:column and one-line message. Files are named `migrations/m.yml` (so `id: m` matches)
 * and validated for the organisation `acme`.
 */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/core/manifest/parse.ts';

interface InvalidCase {
  name: string;
  yaml: string;
  /** `line:column: message`, in report order. */
  expected: string[];
}

const cases: InvalidCase[] = [
  {
    name: 'empty file',
    yaml: '',
    expected: ['1:1: the manifest is empty; expected a mapping with version, id, title, prompt and targets'],
  },
  {
    name: 'comment only',
    yaml: '# nothing here\n',
    expected: ['1:1: the manifest is empty; expected a mapping with version, id, title, prompt and targets'],
  },
  {
    name: 'scalar document',
    yaml: 'just a string\n',
    expected: ["1:1: expected a mapping with version, id, title, prompt and targets, got 'just a string'"],
  },
  {
    name: 'list document',
    yaml: '- version: 1\n',
    expected: ['1:1: expected a mapping with version, id, title, prompt and targets, got a list'],
  },
  {
    name: 'unterminated flow sequence',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: [a, b\n',
    expected: [
      '7:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  },
  {
    name: 'bad indentation and tab',
    yaml: 'version: 1\nid: m\n\ttitle: T\n',
    expected: ['3:1: YAML syntax: Tabs are not allowed as indentation'],
  },
  {
    name: 'duplicate key',
    yaml: 'version: 1\nid: m\ntitle: T\nid: m\nprompt: p\ntargets:\n  patterns: ["*"]\n',
    expected: ["4:1: YAML syntax: duplicate key 'id'; expected each key once per mapping"],
  },
  {
    name: 'several yaml errors at once',
    yaml: 'version: 1\nid: [m\ntitle: T\nprompt: "p\n',
    expected: [
      '3:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
      '5:1: YAML syntax: Missing closing "quote',
    ],
  },
  {
    name: 'two duplicate keys',
    yaml: 'version: 1\nid: m\ntitle: T\nid: n\nprompt: p\nprompt: q\n',
    expected: [
      "4:1: YAML syntax: duplicate key 'id'; expected each key once per mapping",
      "6:1: YAML syntax: duplicate key 'prompt'; expected each key once per mapping",
    ],
  },
  {
    name: 'reserved character',
    yaml: 'version: 1\nid: @m\n',
    expected: ['2:5: YAML syntax: Plain value cannot start with reserved character @'],
  },
  {
    name: 'multiple documents',
    yaml: 'version: 1\n---\nid: m\n',
    expected: ['2:1: YAML syntax: Source contains multiple documents; please use YAML.parseAllDocuments()'],
  },
  {
    name: 'alias bomb',
    yaml: 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n',
    expected: ['2:8: YAML: aliases expand to too many nodes (more than 100); expected plain values'],
  },
  {
    name: 'missing version, id, title, targets',
    yaml: 'prompt: p\n',
    expected: [
      "1:1: missing required key 'id'; expected a string",
      "1:1: missing required key 'targets'; expected a mapping",
      "1:1: missing required key 'title'; expected a string",
      "1:1: missing required key 'version'; expected 1",
    ],
  },
  {
    name: 'wrong version',
    yaml: 'version: 2\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n',
    expected: ['1:10: version: expected 1, got 2'],
  },
  {
    name: 'version as string',
    yaml: 'version: "1"\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n',
    expected: ["1:10: version: expected 1, got '1'"],
  },
  {
    name: 'id not kebab-case',
    yaml: 'version: 1\nid: My_Migration\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n',
    expected: [
      "2:5: id: expected kebab-case (lowercase letters, digits and single hyphens), got 'My_Migration'",
    ],
  },
  {
    name: 'id too long',
    yaml: 'version: 1\nid: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n',
    expected: ['2:5: id: too long: expected at most 64 characters, got 65'],
  },
  {
    name: 'id does not match file name',
    yaml: 'version: 1\nid: other\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n',
    expected: [
      "2:5: id 'other' does not match the file name 'm'; expected the file to be named 'other.yml' (or the id to be 'm')",
    ],
  },
  {
    name: 'empty title',
    yaml: 'version: 1\nid: m\ntitle: ""\nprompt: p\ntargets:\n  patterns: ["*"]\n',
    expected: ['3:8: title: must not be empty'],
  },
  {
    name: 'unknown top-level key with suggestion',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntarget:\n  patterns: ["*"]\n',
    expected: [
      "1:1: missing required key 'targets'; expected a mapping",
      "5:1: unknown key 'target'; did you mean 'targets'?",
    ],
  },
  {
    name: 'unknown nested key',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n  archived: true\n',
    expected: [
      "7:3: unknown key 'archived' in targets; expected one of: repos, patterns, topics, languages, exclude, includeArchived, includeForks, allowNoCi",
    ],
  },
  {
    name: 'prompt and promptFile both',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\npromptFile: prompts/p.md\ntargets:\n  patterns: ["*"]\n',
    expected: ["5:1: both 'prompt' and 'promptFile' are set; expected exactly one"],
  },
  {
    name: 'neither prompt nor promptFile',
    yaml: 'version: 1\nid: m\ntitle: T\ntargets:\n  patterns: ["*"]\n',
    expected: ["1:1: missing 'prompt' or 'promptFile'; expected exactly one of them"],
  },
  {
    name: 'whitespace-only prompt',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: "   \\n  "\ntargets:\n  patterns: ["*"]\n',
    expected: ['4:9: prompt is empty; expected instructions for the coder'],
  },
  {
    name: 'promptFile escapes the repo',
    yaml: 'version: 1\nid: m\ntitle: T\npromptFile: ../secrets.md\ntargets:\n  patterns: ["*"]\n',
    expected: ["4:13: promptFile: '..' is not allowed; expected a path inside the repository"],
  },
  {
    name: 'absolute promptFile',
    yaml: 'version: 1\nid: m\ntitle: T\npromptFile: /etc/passwd\ntargets:\n  patterns: ["*"]\n',
    expected: ['4:13: promptFile: absolute path; expected a path relative to the repository root'],
  },
  {
    name: 'targets missing',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\n',
    expected: ["1:1: missing required key 'targets'; expected a mapping"],
  },
  {
    name: 'targets empty value',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n',
    expected: ['5:1: targets: expected a mapping, got null (an empty value)'],
  },
  {
    name: 'targets selects nothing',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  exclude: [legacy]\n',
    expected: [
      "6:3: targets selects no repository; expected at least one of repos, patterns, topics or languages (use patterns: ['*'] for all)",
    ],
  },
  {
    name: 'patterns not a list',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: "*"\n',
    expected: ["6:13: targets.patterns: expected a list, got '*'"],
  },
  {
    name: 'pattern with space',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: [web-*, "web app"]\n',
    expected: [
      "6:21: 'web app' contains a space, which never appears in a repository name; expected letters, digits, '.', '-', '_' and the glob characters * ? [ ] { }",
    ],
  },
  {
    name: 'pattern with slash in wrong place',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns:\n    - acme/web/*\n',
    expected: [
      "7:7: '/' in the wrong place in 'acme/web/*'; expected 'name' or 'owner/name' (a repository name never contains '/')",
    ],
  },
  {
    name: 'empty pattern',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: [""]\n',
    expected: ["6:14: empty pattern; expected a repository name or a glob such as 'api-*'"],
  },
  {
    name: 'unclosed bracket in exclude',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n  exclude: ["web-[ab"]\n',
    expected: ["7:13: unclosed '[' in 'web-[ab'; expected a class such as '[a-z]'"],
  },
  {
    name: 'negated pattern',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["!legacy-*"]\n',
    expected: [
      "6:14: negated pattern '!legacy-*' is not supported; expected it without '!' in targets.exclude",
    ],
  },
  {
    name: 'glob in repos',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  repos: [api, "web-*"]\n',
    expected: [
      "6:16: 'web-*' contains glob characters; expected an exact 'name' or 'owner/name' (put globs in targets.patterns)",
    ],
  },
  {
    name: 'repo of another organisation',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  repos: [other-org/api]\n',
    expected: [
      "6:11: 'other-org/api' is outside the organisation 'acme'; the app only reaches repositories of its installation",
    ],
  },
  {
    name: 'uppercase topic',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  topics: [Frontend]\n',
    expected: [
      "6:12: topic 'Frontend' can never match; expected lowercase letters, digits and hyphens (at most 50), as GitHub stores topics",
    ],
  },
  {
    name: 'includeForks not boolean',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n  includeForks: yes\n',
    expected: [
      "7:17: targets.includeForks: expected true or false, got 'yes' (YAML 1.2 reads it as a string; write true or false)",
    ],
  },
  {
    name: 'zero iterations',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget:\n  maxIterations: 0\n',
    expected: ['8:18: budget.maxIterations: expected a number > 0, got 0'],
  },
  {
    name: 'fractional iterations',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget:\n  maxIterations: 2.5\n',
    expected: ['8:18: budget.maxIterations: expected an integer, got 2.5'],
  },
  {
    name: 'negative cost',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget:\n  maxCostPerRepoUsd: -1\n',
    expected: ['8:22: budget.maxCostPerRepoUsd: expected a number > 0, got -1'],
  },
  {
    name: 'cost as string',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget:\n  maxTotalUsd: "$100"\n',
    expected: ["8:16: budget.maxTotalUsd: expected a number, got '$100'"],
  },
  {
    name: 'per-repo cost above total',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget:\n  maxCostPerRepoUsd: 50\n  maxTotalUsd: 20\n',
    expected: [
      '8:22: budget.maxCostPerRepoUsd (50) exceeds budget.maxTotalUsd (20); expected maxCostPerRepoUsd <= maxTotalUsd',
    ],
  },
  {
    name: 'total below default per-repo cost',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget:\n  maxTotalUsd: 2\n',
    expected: [
      '8:16: budget.maxCostPerRepoUsd (5) exceeds budget.maxTotalUsd (2); expected maxCostPerRepoUsd <= maxTotalUsd',
    ],
  },
  {
    name: 'unknown budget key',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget:\n  maxIteration: 3\n',
    expected: ["8:3: unknown key 'maxIteration' in budget; did you mean 'maxIterations'?"],
  },
  {
    name: 'rollout zero PRs per hour',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nrollout:\n  prsPerHour: 0\n',
    expected: ['8:15: rollout.prsPerHour: expected a number > 0, got 0'],
  },
  {
    name: 'paused not boolean',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nrollout:\n  paused: "no"\n',
    expected: [
      "8:11: rollout.paused: expected true or false, got 'no' (YAML 1.2 reads it as a string; write true or false)",
    ],
  },
  {
    name: 'unknown placeholder',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\npr:\n  title: "Migrate {{repo}}"\n',
    expected: [
      "8:10: unknown placeholder '{{repo}}' in pr.title; expected one of {{migration.id}}, {{migration.title}}, {{migration.description}}, {{repo.owner}}, {{repo.name}}, {{repo.fullName}}, {{repo.defaultBranch}}",
    ],
  },
  {
    name: 'reserved label',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\npr:\n  labels: [deps, "fleetwright:ready"]\n',
    expected: [
      "8:18: label 'fleetwright:ready' is reserved for fleetwright's own state labels; expected another name",
    ],
  },
  {
    name: 'reviewers wrong type',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nreview:\n  reviewers: 3\n',
    expected: ["8:14: review.reviewers: expected 'codeowners' or a list, got 3"],
  },
  {
    name: 'reviewers typo',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nreview:\n  reviewers: code-owners\n',
    expected: ["8:14: review.reviewers: expected 'codeowners' or a list, got 'code-owners'"],
  },
  {
    name: 'owner preview without owners',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nreview:\n  ownerPreview: true\n',
    expected: [
      '8:17: review.ownerPreview is on but review.owners is empty; expected at least one owner to preview PRs',
    ],
  },
  {
    name: 'invalid owner',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nreview:\n  owners: ["not a login"]\n',
    expected: ["8:12: 'not a login' is not a GitHub login or team; expected 'login' or '@org/team'"],
  },
  {
    name: 'model id with spaces',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nmodel:\n  coder: Claude Sonnet\n',
    expected: ["8:10: model.coder: expected a model id such as `claude-sonnet-5-5`, got 'Claude Sonnet'"],
  },
  {
    name: 'too many output tokens',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nmodel:\n  maxOutputTokens: 1000000\n',
    expected: ['8:20: model.maxOutputTokens: expected a number <= 128000, got 1000000'],
  },
  {
    name: 'allowedPaths escapes',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nscope:\n  allowedPaths: [src/**, ../other/**]\n',
    expected: ["8:26: scope.allowedPaths: '..' is not allowed; expected a path inside the repository"],
  },
  {
    name: 'judge criteria not a list',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\njudge:\n  criteria: be nice\n',
    expected: ["8:13: judge.criteria: expected a list, got 'be nice'"],
  },
  {
    name: 'section is a list',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget: [1, 2]\n',
    expected: ['7:9: budget: expected a mapping, got a list'],
  },
  {
    name: 'schema and semantic errors reported together',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["web app"]\nbudget:\n  maxIterations: 0\n',
    expected: [
      "6:14: 'web app' contains a space, which never appears in a repository name; expected letters, digits, '.', '-', '_' and the glob characters * ? [ ] { }",
      '8:18: budget.maxIterations: expected a number > 0, got 0',
    ],
  },
  {
    name: 'an invalid id adds no file-name error',
    yaml: 'version: 1\nid: Bad_Id\ntitle: T\nprompt: " "\ntargets:\n  patterns: ["*"]\n',
    expected: [
      "2:5: id: expected kebab-case (lowercase letters, digits and single hyphens), got 'Bad_Id'",
      '4:9: prompt is empty; expected instructions for the coder',
    ],
  },
  {
    name: 'a bad list item does not make targets empty',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: [web-*, 5]\n',
    expected: ['6:21: targets.patterns[1]: expected a string, got 5'],
  },
  {
    name: 'an invalid total is not compared with the per-repo cost',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nbudget:\n  maxCostPerRepoUsd: 50\n  maxTotalUsd: -1\n',
    expected: ['9:16: budget.maxTotalUsd: expected a number > 0, got -1'],
  },
  {
    name: 'unknown key and both prompts',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\npromptFile: p.md\ntargets:\n  patterns: ["*"]\n  topic: [x]\n',
    expected: [
      "5:1: both 'prompt' and 'promptFile' are set; expected exactly one",
      "8:3: unknown key 'topic' in targets; did you mean 'topics'?",
    ],
  },
  {
    name: 'missing title with a bad reviewer',
    yaml: 'version: 1\nid: m\nprompt: p\ntargets:\n  patterns: ["*"]\nreview:\n  reviewers: ["not valid"]\n',
    expected: [
      "1:1: missing required key 'title'; expected a string",
      "7:15: 'not valid' is not a GitHub login or team; expected 'login' or '@org/team'",
    ],
  },
  {
    name: 'a deleted-test guard turned off',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nguards:\n  severity:\n    lockfile-only: off\n    test-file-deleted: off\n',
    expected: [
      "10:24: guards.severity.test-file-deleted cannot be 'off': deleted and skipped tests always reject a change unless the migration prompt explicitly asks to delete or skip tests; expected 'block' or no entry",
    ],
  },
  {
    name: 'skipped-test guards downgraded to warn',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nguards:\n  severity:\n    test-skipped: warn\n    skipped-count-rose: "off"\n    test-focused: warn\n',
    expected: [
      "9:19: guards.severity.test-skipped cannot be 'warn': deleted and skipped tests always reject a change unless the migration prompt explicitly asks to delete or skip tests; expected 'block' or no entry",
      "10:25: guards.severity.skipped-count-rose cannot be 'off': deleted and skipped tests always reject a change unless the migration prompt explicitly asks to delete or skip tests; expected 'block' or no entry",
    ],
  },
  {
    name: 'misspelt guard kind',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nguards:\n  severity:\n    test-skiped: block\n',
    expected: ["9:5: unknown key 'test-skiped' in guards.severity; did you mean 'test-skipped'?"],
  },
  {
    name: 'guard severity not a level',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nguards:\n  severity:\n    diff-too-large: error\n    lockfile-only: false\n',
    expected: [
      "9:21: guards.severity.diff-too-large: expected 'off' or 'warn' or 'block', got 'error'",
      "10:20: guards.severity.lockfile-only: expected 'off' or 'warn' or 'block', got false",
    ],
  },
  {
    name: 'guard size limits out of range',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nguards:\n  maxChangedLines: 0\n  maxChangedFiles: 2.5\n',
    expected: [
      '8:20: guards.maxChangedLines: expected a number > 0, got 0',
      '9:20: guards.maxChangedFiles: expected an integer, got 2.5',
    ],
  },
  {
    name: 'guard severity as a list',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nguards:\n  severity: [off]\n',
    expected: ['8:13: guards.severity: expected a mapping, got a list'],
  },
  {
    name: 'judge output cap of zero',
    yaml: 'version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\nmodel:\n  judgeMaxOutputTokens: 0\n',
    expected: ['8:25: model.judgeMaxOutputTokens: expected a number > 0, got 0'],
  },
];

describe('core/manifest/parse: invalid manifests', () => {
  it('has a corpus of at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('$name', ({ yaml, expected }) => {
    const result = parseManifest(yaml, 'migrations/m.yml', { organisation: 'acme' });

    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => `${e.line}:${e.column}: ${e.message}`)).toEqual(expected);
    for (const error of errors) {
      expect(error.source).toBe('migrations/m.yml');
      expect(error.severity).toBe('error');
      expect(error.message).not.toMatch(/\n/);
    }
  });
});
