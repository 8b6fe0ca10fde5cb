import { describe, expect, it } from 'vitest';
import { buildManifestCheck, escapeTableCell } from '../../../src/core/manifest/render-manifest-check.ts';
import { validateManifestFiles } from '../../../src/core/manifest/validate-files.ts';

const valid = (id: string) =>
  `version: 1\nid: ${id}\ntitle: Migrate ${id}\nprompt: p\ntargets:\n  patterns: ["web-*"]\n  exclude: [web-legacy]\n`;
const broken = 'version: 1\nid: bad\ntitle: Bad\nprompt: p\ntargets:\n  patterns: ["web app"]\n';

describe('core/manifest/render-manifest-check', () => {
  it('succeeds with a table of the migrations found', async () => {
    const result = await validateManifestFiles([{ source: 'migrations/web.yml', text: valid('web') }]);

    const check = buildManifestCheck(result, { headSha: 'a'.repeat(40) });

    expect(check.conclusion).toBe('success');
    expect(check.title).toBe('1 migration valid');
    expect(check.annotations).toEqual([]);
    expect(check.summary).toBe(
      [
        '**1 manifest**: 1 valid, 0 with errors · commit `aaaaaaaaaaaa`.',
        '',
        '| Migration | Title | File | Targets | Rollout and budget | Status |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `web` | Migrate web | migrations/web.yml | patterns: web-\\*; exclude: web-legacy | active; ≤ 10 open PRs, 5/h; $5/repo, $100 total | ✅ valid |',
        '',
      ].join('\n'),
    );
  });

  it('fails with one annotation per error of an affected file', async () => {
    const result = await validateManifestFiles([
      { source: 'migrations/bad.yml', text: broken },
      { source: 'migrations/web.yml', text: valid('web') },
    ]);

    const check = buildManifestCheck(result, { affected: new Set(['migrations/bad.yml']) });

    expect(check.conclusion).toBe('failure');
    expect(check.title).toBe('1 error in 1 manifest');
    expect(check.annotations).toMatchObject([
      { source: 'migrations/bad.yml', line: 6, column: 14, severity: 'error' },
    ]);
    expect(check.summary).toContain('| — | — | migrations/bad.yml | — | — | ❌ 1 error |');
    expect(check.summary).toContain("- ❌ `migrations/bad.yml:6:14` 'web app' contains a space");
  });

  it('downgrades errors of files this change did not touch to warnings', async () => {
    const result = await validateManifestFiles([
      { source: 'migrations/bad.yml', text: broken },
      { source: 'migrations/web.yml', text: valid('web') },
    ]);

    const check = buildManifestCheck(result, { affected: new Set(['migrations/web.yml']) });

    expect(check.conclusion).toBe('success');
    expect(check.annotations).toMatchObject([
      { severity: 'warning', message: expect.stringMatching(/\(in a file this change did not touch\)$/) },
    ]);
    expect(check.title).toBe('1 migration valid, 1 warning');
  });

  it('counts every file of a duplicate-id group as affected when one of them is', async () => {
    const result = await validateManifestFiles([
      { source: 'migrations/web.yml', text: valid('web') },
      { source: 'migrations/web.yaml', text: valid('web') },
    ]);

    const check = buildManifestCheck(result, { affected: new Set(['migrations/web.yaml']) });

    expect(check.annotations.map((a) => a.severity)).toEqual(['error', 'error']);
  });

  it('keeps the summary within the limit without cutting a line', async () => {
    const files = Array.from({ length: 400 }, (_, i) => ({
      source: `migrations/m${i}.yml`,
      text: broken.replace('id: bad', `id: m${i}`),
    }));
    const result = await validateManifestFiles(files);

    const check = buildManifestCheck(result, { maxSummaryChars: 5_000 });

    expect(check.summary.length).toBeLessThanOrEqual(5_000);
    expect(check.summary).toMatch(
      /\n\n…\d+ more lines not shown; run `npx fleetwright validate` locally for the full list\.$/,
    );
    expect(check.annotations).toHaveLength(400);
  });

  it('says so when the config repo has no manifests', async () => {
    const check = buildManifestCheck(await validateManifestFiles([]));

    expect(check).toMatchObject({ conclusion: 'success', title: 'No migrations yet', annotations: [] });
  });

  it('escapes table cells', () => {
    expect(escapeTableCell('a | b\n`c` <d>')).toBe('a \\| b \\`c\\` \\<d\\>');
  });
});
