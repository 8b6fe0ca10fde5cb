import { describe, expect, it } from 'vitest';
import type { RepoFacts, TargetSelector } from '../../../src/core/planner/select-targets.ts';
import { selectTargets } from '../../../src/core/planner/select-targets.ts';

const repo = (name: string, fields: Partial<RepoFacts> = {}): RepoFacts => ({
  owner: 'acme',
  repo: name,
  defaultBranch: 'main',
  archived: false,
  fork: false,
  disabled: false,
  empty: false,
  topics: [],
  language: 'TypeScript',
  ...fields,
});
const selector = (fields: Partial<TargetSelector>): TargetSelector => ({
  repos: [],
  patterns: [],
  topics: [],
  languages: [],
  exclude: [],
  includeArchived: false,
  includeForks: false,
  ...fields,
});

const org = [
  repo('api'),
  repo('api-gateway', { topics: ['node', 'http'] }),
  repo('web', { language: 'JavaScript', topics: ['node'] }),
  repo('legacy-api', { archived: true }),
  repo('api-fork', { fork: true }),
  repo('api-empty', { empty: true }),
  repo('api-disabled', { disabled: true }),
  repo('ml', { language: 'Python', topics: ['python'] }),
  repo('elsewhere', { owner: 'other' }),
];

const pick = (result: ReturnType<typeof selectTargets>) =>
  result.selections.map((selection) =>
    selection.decision === 'skip' ? `${selection.repo}:${selection.reason}` : selection.repo,
  );

describe('core/planner/select-targets', () => {
  it.each<[string, Partial<TargetSelector>, string[]]>([
    ['explicit list', { repos: ['api', 'acme/web'] }, ['acme/api', 'acme/web']],
    [
      'glob, case-insensitive',
      { patterns: ['API*'] },
      [
        'acme/api',
        'acme/api-disabled:disabled',
        'acme/api-empty:empty',
        'acme/api-fork:fork',
        'acme/api-gateway',
      ],
    ],
    ['glob with owner', { patterns: ['acme/*api'] }, ['acme/api', 'acme/legacy-api:archived']],
    [
      'every repo',
      { patterns: ['*'], exclude: ['api-*'] },
      [
        'acme/api',
        'acme/api-disabled:excluded',
        'acme/api-empty:excluded',
        'acme/api-fork:excluded',
        'acme/api-gateway:excluded',
        'acme/legacy-api:archived',
        'acme/ml',
        'acme/web',
      ],
    ],
    ['topics', { topics: ['NODE'] }, ['acme/api-gateway', 'acme/web']],
    ['languages', { languages: ['python'] }, ['acme/ml']],
    [
      'selectors combine with AND',
      { patterns: ['*'], topics: ['node'], languages: ['typescript'] },
      ['acme/api-gateway'],
    ],
    ['listed repos join the selectors', { repos: ['ml'], topics: ['http'] }, ['acme/api-gateway', 'acme/ml']],
    ['exclude beats an explicit listing', { repos: ['api'], exclude: ['api'] }, ['acme/api:excluded']],
    [
      'archived and forks allowed on request',
      { patterns: ['legacy-api', 'api-fork'], includeArchived: true, includeForks: true },
      ['acme/api-fork', 'acme/legacy-api'],
    ],
    ['another owner never matches', { repos: ['other/elsewhere'], patterns: ['other/*'] }, []],
    [
      'braces and classes',
      { patterns: ['{web,ml}', 'api-[g]*'] },
      ['acme/api-gateway', 'acme/ml', 'acme/web'],
    ],
    ['an invalid pattern matches nothing', { patterns: ['a/b/c', '!api'] }, []],
    ['nothing selected without selectors', {}, []],
  ])('%s', (_name, fields, expected) => {
    expect(pick(selectTargets(org, selector(fields), 'acme'))).toEqual(expected);
  });

  it('reports listed repositories the installation does not have', () => {
    expect(
      selectTargets(org, selector({ repos: ['api', 'ghost', 'other/elsewhere'] }), 'ACME').missing,
    ).toEqual(['acme/ghost', 'other/elsewhere']);
  });
});
