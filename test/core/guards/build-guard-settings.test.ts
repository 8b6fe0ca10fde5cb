import { describe, expect, it } from 'vitest';
import { buildGuardSettings } from '../../../src/core/guards/build-guard-settings.ts';
import { runGuards } from '../../../src/core/guards/run-guards.ts';
import { DEFAULT_GUARD_LIMITS } from '../../../src/core/guards/types.ts';
import { decideVerdict } from '../../../src/core/judge/decide-verdict.ts';
import { parseManifest } from '../../../src/core/manifest/parse.ts';
import type { Manifest } from '../../../src/core/manifest/schema.ts';
import { deleted, diffOf, hunk, modified } from './diff-builders.ts';

const BASE = 'version: 1\nid: m\ntitle: T\ntargets:\n  patterns: ["*"]\n';

function manifest(yaml: string, prompt = 'Rename the helper.'): Manifest {
  const result = parseManifest(`${BASE}prompt: ${JSON.stringify(prompt)}\n${yaml}`, 'migrations/m.yml');
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.manifest;
}

const LOCKFILE_ONLY = modified(
  'package-lock.json',
  hunk(3, 3, ['   "version": "1.0.0",', '-  "lockfileVersion": 2,', '+  "lockfileVersion": 3,']),
);
const TEST_FILE = [
  "const test = require('node:test');",
  "test('adds', () => {",
  '  assert.equal(sum(1, 2), 3);',
  '});',
];
const approve = {
  type: 'verdict' as const,
  verdict: { verdict: 'approve' as const, reasons: ['fine'], requiredChanges: [] },
};

describe('core/guards/buildGuardSettings', () => {
  it('uses the documented defaults when the manifest has no guards section', () => {
    const settings = buildGuardSettings(manifest(''));

    expect(settings).toEqual({
      allowedPaths: [],
      allowWorkflowEdits: false,
      limits: DEFAULT_GUARD_LIMITS,
      severity: {},
    });
  });

  it('carries scope, limits and overrides from the manifest into runGuards', () => {
    const m = manifest(
      'scope:\n  allowedPaths: [src/**]\nguards:\n  maxChangedFiles: 1\n  severity:\n    lockfile-only: off\n    diff-too-large: block\n',
    );
    const files = diffOf(
      LOCKFILE_ONLY,
      modified('src/a.js', hunk(1, 1, ['-a', '+b'])),
      modified('docs/x.md', hunk(1, 1, ['-a', '+b'])),
    );

    const findings = runGuards({ files, migrationPrompt: m.prompt ?? '', ...buildGuardSettings(m) });

    expect(findings.map((f) => `${f.severity} ${f.kind} ${f.file ?? '*'}`)).toEqual([
      'block diff-too-large *',
      'block out-of-scope-path docs/x.md',
      'block out-of-scope-path package-lock.json',
    ]);
  });

  it('turns a kind off', () => {
    const m = manifest('guards:\n  severity:\n    lockfile-only: off\n');
    const files = diffOf(LOCKFILE_ONLY);

    expect(runGuards({ files, migrationPrompt: 'x', ...buildGuardSettings(m) })).toEqual([]);
    expect(runGuards({ files, migrationPrompt: 'x' }).map((f) => f.kind)).toEqual(['lockfile-only']);
  });

  it('lets `block` reject a test deletion that the prompt asks for', () => {
    const prompt = 'Drop the v1 client and delete its tests.';
    const files = diffOf(deleted('test/v1.test.js', TEST_FILE));
    const lenient = manifest('', prompt);
    const strict = manifest('guards:\n  severity:\n    test-file-deleted: block\n', prompt);

    const asked = runGuards({ files, migrationPrompt: prompt, ...buildGuardSettings(lenient) });
    const forced = runGuards({ files, migrationPrompt: prompt, ...buildGuardSettings(strict) });

    expect(decideVerdict(asked, approve, prompt).verdict.verdict).toBe('approve');
    expect(decideVerdict(forced, approve, prompt)).toMatchObject({
      verdict: { verdict: 'reject' },
      decidedBy: 'guards',
    });
  });
});
