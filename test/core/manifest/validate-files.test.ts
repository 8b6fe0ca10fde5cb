import { describe, expect, it } from 'vitest';
import { renderValidationMessage } from '../../../src/core/manifest/validation-message.ts';
import { validateManifestFiles } from '../../../src/core/manifest/validate-files.ts';

const manifest = (id: string, extra = 'prompt: Do it\n') =>
  `version: 1\nid: ${id}\ntitle: ${id}\n${extra}targets:\n  patterns: ["*"]\n`;

function reader(files: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    read: async (path: string) => {
      reads.push(path);
      return files[path];
    },
  };
}

describe('core/manifest/validate-files', () => {
  it('returns typed migrations with resolved prompts', async () => {
    const { read } = reader({ 'prompts/b.md': 'Use fetch.\n' });

    const result = await validateManifestFiles(
      [
        { source: 'migrations/a.yml', text: manifest('a') },
        { source: 'migrations/b.yml', text: manifest('b', 'promptFile: ./prompts/b.md\n') },
      ],
      { readPromptFile: read },
    );

    expect(result.messages).toEqual([]);
    expect(result.migrations.map((m) => [m.source, m.manifest.id, m.prompt])).toEqual([
      ['migrations/a.yml', 'a', 'Do it'],
      ['migrations/b.yml', 'b', 'Use fetch.\n'],
    ]);
    expect(result.promptFiles).toEqual(new Map([['migrations/b.yml', 'prompts/b.md']]));
  });

  it('reports a duplicate id at both files, each naming the other location', async () => {
    const result = await validateManifestFiles(
      [
        { source: 'migrations/x.yml', text: manifest('x') },
        { source: 'migrations/x.yaml', text: `# same id, other extension\n${manifest('x')}` },
      ],
      {},
    );

    expect(result.messages.map(renderValidationMessage)).toEqual([
      "migrations/x.yaml:3:5: error: duplicate id 'x': also used by migrations/x.yml:2:5; expected ids to be unique across the config repo",
      "migrations/x.yml:2:5: error: duplicate id 'x': also used by migrations/x.yaml:3:5; expected ids to be unique across the config repo",
    ]);
    expect(result.migrations).toEqual([]);
    expect(result.duplicateIdGroups).toEqual([['migrations/x.yaml', 'migrations/x.yml']]);
  });

  it('reports missing, empty and oversize prompt files at the promptFile value', async () => {
    const { read, reads } = reader({ 'prompts/empty.md': ' \n\n', 'prompts/big.md': 'x'.repeat(300 * 1024) });

    const result = await validateManifestFiles(
      [
        { source: 'migrations/a.yml', text: manifest('a', 'promptFile: prompts/missing.md\n') },
        { source: 'migrations/b.yml', text: manifest('b', 'promptFile: prompts/empty.md\n') },
        { source: 'migrations/c.yml', text: manifest('c', 'promptFile: prompts/big.md\n') },
        { source: 'migrations/d.yml', text: manifest('d', 'promptFile: prompts/missing.md\n') },
      ],
      { readPromptFile: read },
    );

    expect(result.messages.map(renderValidationMessage)).toEqual([
      "migrations/a.yml:4:13: error: prompt file 'prompts/missing.md' does not exist; expected a file at that path relative to the config repo root",
      "migrations/b.yml:4:13: error: prompt file 'prompts/empty.md' is empty; expected instructions for the coder",
      "migrations/c.yml:4:13: error: prompt file 'prompts/big.md' is 307200 bytes; expected at most 262144",
      "migrations/d.yml:4:13: error: prompt file 'prompts/missing.md' does not exist; expected a file at that path relative to the config repo root",
    ]);
    expect(reads.filter((path) => path === 'prompts/missing.md')).toHaveLength(1);
    expect(result.files.every((file) => !file.ok)).toBe(true);
  });

  it('turns a failing reader into a located read error', async () => {
    const result = await validateManifestFiles(
      [{ source: 'migrations/a.yml', text: manifest('a', 'promptFile: p.md\n') }],
      {
        readPromptFile: async () => {
          throw new Error('HTTP 502');
        },
      },
    );

    expect(result.messages.map(renderValidationMessage)).toEqual([
      "migrations/a.yml:4:13: error: could not read prompt file 'p.md': HTTP 502",
    ]);
  });

  it('reports unreadable files at 1:1 and keeps validating the rest', async () => {
    const result = await validateManifestFiles([
      { source: 'migrations/big.yml', unreadable: 'manifest is 300000 bytes; expected at most 262144 bytes' },
      { source: 'migrations/a.yml', text: manifest('a') },
    ]);

    expect(result.messages.map(renderValidationMessage)).toEqual([
      'migrations/big.yml:1:1: error: manifest is 300000 bytes; expected at most 262144 bytes',
    ]);
    expect(result.migrations.map((m) => m.manifest.id)).toEqual(['a']);
    expect(result.files).toEqual([
      { source: 'migrations/a.yml', ok: true, id: 'a', title: 'a', errorCount: 0, warningCount: 0 },
      { source: 'migrations/big.yml', ok: false, errorCount: 1, warningCount: 0 },
    ]);
  });
});
