import { describe, expect, it } from 'vitest';
import { Targets } from '../../../src/core/manifest/schema.ts';
import { renderPrTemplate, selectTarget } from '../../../src/core/manifest/targets.ts';
import type { TargetCandidate } from '../../../src/core/manifest/targets.ts';

const repo = (name: string, extra: Partial<TargetCandidate> = {}): TargetCandidate => ({
  owner: 'acme',
  name,
  archived: false,
  fork: false,
  topics: [],
  language: 'TypeScript',
  ...extra,
});

describe('core/manifest/targets: selectTarget', () => {
  it.each([
    [{ patterns: ['web-*'] }, repo('web-app'), { selected: true, reason: 'matched' }],
    [{ patterns: ['web-*'] }, repo('api'), { selected: false, reason: 'not-selected' }],
    [{ repos: ['API'] }, repo('api'), { selected: true, reason: 'listed' }],
    [{ repos: ['acme/api'] }, repo('api'), { selected: true, reason: 'listed' }],
    [{ repos: ['other/api'] }, repo('api'), { selected: false, reason: 'not-selected' }],
    [
      { patterns: ['*'], languages: ['typescript'] },
      repo('x', { language: 'Go' }),
      { selected: false, reason: 'not-selected' },
    ],
    [{ patterns: ['*'], languages: ['typescript'] }, repo('x'), { selected: true, reason: 'matched' }],
    [
      { topics: ['nodejs'], languages: ['TypeScript'] },
      repo('x', { topics: ['NodeJS'] }),
      { selected: true, reason: 'matched' },
    ],
    [{ topics: ['nodejs'] }, repo('x', { language: null }), { selected: false, reason: 'not-selected' }],
    [
      { languages: ['TypeScript'] },
      repo('x', { language: null }),
      { selected: false, reason: 'not-selected' },
    ],
    [{ patterns: ['*'], exclude: ['legacy-*'] }, repo('legacy-api'), { selected: false, reason: 'excluded' }],
    [
      { repos: ['legacy-api'], exclude: ['legacy-*'] },
      repo('legacy-api'),
      { selected: false, reason: 'excluded' },
    ],
    [{ patterns: ['*'] }, repo('old', { archived: true }), { selected: false, reason: 'archived' }],
    [
      { patterns: ['*'], includeArchived: true },
      repo('old', { archived: true }),
      { selected: true, reason: 'matched' },
    ],
    [{ patterns: ['*'] }, repo('copy', { fork: true }), { selected: false, reason: 'fork' }],
    [
      { patterns: ['*'], includeForks: true },
      repo('copy', { fork: true }),
      { selected: true, reason: 'matched' },
    ],
  ] as const)('%j, %j → %j', (targets, candidate, expected) => {
    expect(selectTarget(Targets.parse(targets), candidate)).toEqual(expected);
  });
});

describe('core/manifest/targets: renderPrTemplate', () => {
  const manifest = { id: 'jest-to-vitest', title: 'Move to Vitest', description: 'Because {{repo.name}}' };

  it('fills every placeholder, once', () => {
    const text = renderPrTemplate(
      '{{migration.id}}|{{ migration.title }}|{{migration.description}}|{{repo.owner}}|{{repo.name}}|{{repo.fullName}}|{{repo.defaultBranch}}|{{nope}}',
      manifest,
      { owner: 'acme', name: 'web', defaultBranch: 'main' },
    );

    expect(text).toBe('jest-to-vitest|Move to Vitest|Because {{repo.name}}|acme|web|acme/web|main|{{nope}}');
  });
});
