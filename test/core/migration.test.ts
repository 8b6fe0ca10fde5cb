import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/core/manifest/parse.ts';
import { migrationFromManifest } from '../../src/core/migration.ts';

const manifest = `version: 1
id: use-fetch
title: Replace request with fetch
description: The request package is deprecated.
prompt: Replace every use of request with fetch.
targets:
  patterns: ["api-*"]
model:
  judge: claude-judge-x
  judgeMaxOutputTokens: 1500
judge:
  criteria: ["Keep the timeouts"]
guards:
  maxChangedLines: 300
  severity:
    diff-too-large: block
review:
  ownerPreview: true
  owners: ["@acme/migrations"]
`;

describe('core/migration', () => {
  it('carries the judge, guard and review settings of the manifest into the loop', () => {
    const parsed = parseManifest(manifest, 'migrations/use-fetch.yml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));

    const migration = migrationFromManifest(parsed.manifest, 'Replace every use of request with fetch.');

    expect(migration.judge).toEqual({
      model: 'claude-judge-x',
      maxOutputTokens: 1500,
      criteria: ['Keep the timeouts'],
      guards: {
        limits: { maxChangedLines: 300, maxChangedFiles: parsed.manifest.guards.maxChangedFiles },
        severity: { 'diff-too-large': 'block' },
      },
    });
    expect(migration.review).toEqual({
      ownerPreview: true,
      owners: ['@acme/migrations'],
      reviewers: 'codeowners',
    });
    // The state machine's owner preview and the hand-over's read the same manifest field.
    expect(migration.policy.ownerPreview).toBe(true);
  });
});
