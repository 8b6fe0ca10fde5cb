import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/core/manifest/parse.ts';
import { DEFAULT_CODER_MODEL, DEFAULT_JUDGE_MODEL } from '../../../src/core/manifest/schema.ts';
import { ModelCatalog } from '../../../src/shared/pricing.ts';

const shipped = ModelCatalog.parse(parse(readFileSync('config/models.yml', 'utf8')));
const manifest = (model = '') =>
  `version: 1\nid: m\ntitle: T\nprompt: p\ntargets:\n  patterns: ["*"]\n${model}`;

describe('core/manifest: models must have a price', () => {
  it('accepts the default models with the shipped catalog', () => {
    expect(parseManifest(manifest(), 'migrations/m.yml', { modelCatalog: shipped }).ok).toBe(true);
    expect(Object.keys(shipped.models)).toEqual(
      expect.arrayContaining([DEFAULT_CODER_MODEL, DEFAULT_JUDGE_MODEL]),
    );
  });

  it('accepts a dated id priced by its prefix', () => {
    const result = parseManifest(
      manifest('model:\n  coder: claude-sonnet-4-5-20250929\n'),
      'migrations/m.yml',
      { modelCatalog: shipped },
    );

    expect(result.ok).toBe(true);
  });

  it('rejects an unpriced model at its line, listing the catalog', () => {
    const catalog = {
      models: { 'claude-sonnet-5-5': { input: 2, output: 10 }, 'claude-opus-5-5': { input: 4, output: 20 } },
    };

    const result = parseManifest(manifest('model:\n  coder: claude-unknown-9\n'), 'migrations/m.yml', {
      modelCatalog: catalog,
    });

    expect(result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column}: ${e.message}`)).toEqual([
      "8:10: model.coder 'claude-unknown-9' has no price in the model catalog, so its cost budget cannot be enforced; expected one of: claude-opus-5-5, claude-sonnet-5-5",
    ]);
  });

  it('does not check models without a catalog', () => {
    expect(parseManifest(manifest('model:\n  coder: claude-unknown-9\n'), 'migrations/m.yml').ok).toBe(true);
  });
});
