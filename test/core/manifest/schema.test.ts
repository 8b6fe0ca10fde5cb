import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildManifestJsonSchema, renderManifestJsonSchema } from '../../../src/core/manifest/json-schema.ts';
import { GUARD_KINDS, PROTECTED_GUARD_KINDS } from '../../../src/core/guards/types.ts';
import { parseManifest } from '../../../src/core/manifest/parse.ts';
import {
  DEFAULT_CODER_MODEL,
  DEFAULT_JUDGE_MODEL,
  Manifest,
  buildBranchName,
  parseBranchName,
} from '../../../src/core/manifest/schema.ts';

const minimal = 'version: 1\nid: m\ntitle: T\nprompt: Do it\ntargets:\n  patterns: ["*"]\n';

describe('core/manifest/schema', () => {
  it('fills every documented default for a minimal manifest', () => {
    const result = parseManifest(minimal, 'migrations/m.yml');

    expect(result.ok && result.manifest).toEqual({
      version: 1,
      id: 'm',
      title: 'T',
      description: '',
      prompt: 'Do it',
      targets: {
        repos: [],
        patterns: ['*'],
        topics: [],
        languages: [],
        exclude: [],
        includeArchived: false,
        includeForks: false,
        allowNoCi: false,
      },
      pr: { title: '{{migration.title}}', body: '{{migration.description}}', labels: [] },
      budget: {
        maxIterations: 5,
        maxCostPerRepoUsd: 5,
        maxTotalUsd: 100,
        maxCoderTurns: 60,
        coderTimeoutMinutes: 20,
        ciTimeoutMinutes: 120,
      },
      rollout: { paused: false, dryRun: false, maxOpenPrs: 10, prsPerHour: 5, maxConcurrentCoders: 2 },
      judge: { criteria: [] },
      review: { ownerPreview: false, owners: [], reviewers: 'codeowners' },
      guards: { severity: {}, maxChangedLines: 2000, maxChangedFiles: 60 },
      model: {
        coder: DEFAULT_CODER_MODEL,
        judge: DEFAULT_JUDGE_MODEL,
        maxOutputTokens: 16_000,
        judgeMaxOutputTokens: 4096,
      },
      scope: { allowedPaths: [], allowWorkflowEdits: false },
    });
  });

  it('keeps explicit values over defaults inside partially written sections', () => {
    const result = parseManifest(
      `${minimal}budget:\n  maxIterations: 3\nreview:\n  reviewers: [octocat, '@acme/web']\n`,
      'migrations/m.yml',
    );

    expect(result.ok && result.manifest.budget).toMatchObject({ maxIterations: 3, maxCostPerRepoUsd: 5 });
    expect(result.ok && result.manifest.review.reviewers).toEqual(['octocat', '@acme/web']);
  });

  it('rejects unknown keys at every level (strict objects)', () => {
    for (const section of [
      'targets',
      'pr',
      'budget',
      'rollout',
      'judge',
      'review',
      'guards',
      'model',
      'scope',
    ]) {
      const input = {
        version: 1,
        id: 'm',
        title: 'T',
        prompt: 'p',
        targets: { patterns: ['*'] },
        [section]: { ...(section === 'targets' ? { patterns: ['*'] } : {}), bogus: 1 },
      };

      const result = Manifest.safeParse(input);

      expect(result.success, section).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({
        code: 'unrecognized_keys',
        keys: ['bogus'],
        path: [section],
      });
    }
  });

  it('describes every field (the JSON Schema documents the manifest)', () => {
    const undocumented: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const schema = node as { properties?: Record<string, unknown>; description?: string };
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (!(child as { description?: string }).description) undocumented.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
    };

    walk(buildManifestJsonSchema(), '$');

    expect(undocumented).toEqual([]);
  });

  it('emits a strict JSON Schema with defaults and no required defaulted fields', () => {
    const schema = buildManifestJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: Record<
        string,
        { additionalProperties?: boolean; properties?: Record<string, { default?: unknown }> }
      >;
    };

    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['version', 'id', 'title', 'targets']);
    expect(schema.properties.budget?.additionalProperties).toBe(false);
    expect(schema.properties.budget?.properties?.maxIterations?.default).toBe(5);
    expect(schema.properties.review?.properties?.reviewers?.default).toBe('codeowners');
  });

  it('lets editors offer only block for the deleted/skipped-test guard kinds', () => {
    type Node = { properties: Record<string, Node>; enum?: string[] };
    const severity = (buildManifestJsonSchema() as unknown as Node).properties.guards!.properties.severity!;
    const levels = Object.fromEntries(
      Object.entries(severity.properties).map(([kind, node]) => [kind, node.enum?.join('|')]),
    );

    expect(levels).toMatchObject({
      'test-file-deleted': 'block',
      'test-skipped': 'block',
      'test-count-dropped': 'block',
      'test-focused': 'off|warn|block',
      'lockfile-only': 'off|warn|block',
    });
    expect(Object.values(levels).filter((l) => l === 'block')).toHaveLength(PROTECTED_GUARD_KINDS.size);
    expect(Object.keys(levels)).toEqual([...GUARD_KINDS]);
  });

  it('has every field documented in the README reference', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(
      readme.indexOf('## Writing a migration manifest'),
      readme.indexOf('\n## ', readme.indexOf('## Writing a migration manifest') + 1),
    );
    const paths: string[] = [];
    const walk = (node: unknown, prefix: string) => {
      for (const [key, child] of Object.entries(
        (node as { properties?: Record<string, unknown> }).properties ?? {},
      )) {
        paths.push(`${prefix}${key}`);
        walk(child, `${prefix}${key}.`);
      }
    };

    walk(buildManifestJsonSchema(), '');

    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((path) => !section.includes(`| \`${path}\` |`))).toEqual([]);
  });

  it('matches the committed schemas/manifest.schema.json', () => {
    expect(readFileSync('schemas/manifest.schema.json', 'utf8')).toBe(renderManifestJsonSchema());
  });
});

describe('core/manifest/schema: branch names', () => {
  it('derives fleetwright/<id> and parses it back', () => {
    expect(buildBranchName('replace-request-with-fetch')).toBe('fleetwright/replace-request-with-fetch');
    expect(parseBranchName('fleetwright/replace-request-with-fetch')).toBe('replace-request-with-fetch');
    expect(parseBranchName('refs/heads/fleetwright/jest-to-vitest')).toBe('jest-to-vitest');
  });

  it.each([
    'main',
    'fleetwright/',
    'fleetwright/Upper',
    'fleetwright/a/b',
    'feature/fleetwright/x',
    `fleetwright/${'a'.repeat(65)}`,
  ])('is not ours: %s', (branch) => {
    expect(parseBranchName(branch)).toBeUndefined();
  });
});
