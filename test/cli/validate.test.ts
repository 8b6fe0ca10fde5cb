import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { captureIo } from '../helpers/cli-io.ts';

const manifest = (id: string, extra = 'prompt: Do it\n') =>
  `version: 1\nid: ${id}\ntitle: ${id}\n${extra}targets:\n  patterns: ["*"]\n`;

let dir: string;

async function writeTree(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

async function validate(args: string[]) {
  const io = captureIo({ cwd: dir });
  const code = await main(['validate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetwright-validate-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cli/validate', () => {
  it('passes on the example config repo', async () => {
    const io = captureIo();

    const code = await main(['validate', 'examples/fleetwright-config'], io);

    expect(io.out()).toBe('');
    expect(io.err()).toBe('2 manifests valid\n');
    expect(code).toBe(0);
  });

  it('prints path:line:col: error: message lines and exits 1', async () => {
    await writeTree({
      'config/migrations/a.yml': manifest('a', 'promptFile: prompts/missing.md\n'),
      'config/migrations/b.yml':
        'version: 1\nid: b\ntitle: B\nprompt: p\ntargets:\n  patterns: ["web app"]\nbudget:\n  maxIterations: 0\n',
      'config/migrations/notes.txt': 'ignored',
    });

    const { code, out, err } = await validate(['config']);

    expect(out).toBe(
      [
        "config/migrations/a.yml:4:13: error: prompt file 'prompts/missing.md' does not exist; expected a file at that path relative to the config repo root",
        "config/migrations/b.yml:6:14: error: 'web app' contains a space, which never appears in a repository name; expected letters, digits, '.', '-', '_' and the glob characters * ? [ ] { }",
        'config/migrations/b.yml:8:18: error: budget.maxIterations: expected a number > 0, got 0',
        '',
      ].join('\n'),
    );
    expect(err).toBe('3 errors in 2 manifests (of 2)\n');
    expect(code).toBe(1);
  });

  it('resolves promptFile against the directory that contains migrations/, for files and directories alike', async () => {
    await writeTree({
      'repo/migrations/a.yml': manifest('a', 'promptFile: prompts/a.md\n'),
      'repo/prompts/a.md': 'Do the thing.\n',
    });

    expect((await validate(['repo'])).code).toBe(0);
    expect((await validate(['repo/migrations'])).code).toBe(0);
    expect((await validate(['repo/migrations/a.yml'])).code).toBe(0);
  });

  it('refuses a prompt file that escapes the config repo through a symlink', async () => {
    await writeTree({
      'repo/migrations/a.yml': manifest('a', 'promptFile: prompts/a.md\n'),
      'secret.md': 'top secret',
    });
    await mkdir(join(dir, 'repo/prompts'), { recursive: true });
    await symlink(join(dir, 'secret.md'), join(dir, 'repo/prompts/a.md'));

    const { code, out } = await validate(['repo']);

    expect(out).toBe(
      "repo/migrations/a.yml:4:13: error: could not read prompt file 'prompts/a.md': the file resolves outside the config repo\n",
    );
    expect(code).toBe(1);
  });

  it('finds duplicate ids across the files of one config repo', async () => {
    await writeTree({ 'repo/migrations/a.yml': manifest('a'), 'repo/migrations/a.yaml': manifest('a') });

    const { code, out } = await validate(['repo']);

    expect(out.trim().split('\n')).toEqual([
      "repo/migrations/a.yaml:2:5: error: duplicate id 'a': also used by repo/migrations/a.yml:2:5; expected ids to be unique across the config repo",
      "repo/migrations/a.yml:2:5: error: duplicate id 'a': also used by repo/migrations/a.yaml:2:5; expected ids to be unique across the config repo",
    ]);
    expect(code).toBe(1);
  });

  it('reports an oversize manifest without reading it', async () => {
    await writeTree({ 'm/big.yml': `# ${'x'.repeat(300 * 1024)}\n` });

    const { code, out } = await validate(['m/big.yml']);

    expect(out).toBe(
      'm/big.yml:1:1: error: manifest is 307203 bytes; expected at most 262144 bytes (move long prompts to a promptFile)\n',
    );
    expect(code).toBe(1);
  });

  it('checks target owners against --org', async () => {
    await writeTree({
      'repo/migrations/a.yml':
        'version: 1\nid: a\ntitle: A\nprompt: p\ntargets:\n  repos: [acme/api, other/web]\n',
    });

    const { code, out } = await validate(['--org', 'acme', 'repo']);

    expect(out).toBe(
      "repo/migrations/a.yml:6:21: error: 'other/web' is outside the organisation 'acme'; the app only reaches repositories of its installation\n",
    );
    expect(code).toBe(1);
    expect((await validate(['--org=other', 'repo'])).code).toBe(1);
    expect((await validate(['repo'])).code).toBe(0);
  });

  it('rejects a model without a price in the catalog', async () => {
    await writeTree({ 'repo/migrations/a.yml': `${manifest('a')}model:\n  coder: claude-unknown-9\n` });

    const { code, out } = await validate(['repo']);

    expect(out).toMatch(
      /^repo\/migrations\/a\.yml:8:10: error: model\.coder 'claude-unknown-9' has no price in the model catalog, so its cost budget cannot be enforced; expected one of: claude-/,
    );
    expect(code).toBe(1);
  });

  it('reads the catalog named by FLEETWRIGHT_MODELS_FILE, and exits 2 when it is unreadable', async () => {
    await writeTree({
      'repo/migrations/a.yml': `${manifest('a')}model:\n  coder: in-house-1\n  judge: in-house-1\n`,
      'models.yml': 'models:\n  in-house-1: { input: 1, output: 2 }\n',
    });
    const run = async (env: Record<string, string>) => {
      const io = captureIo({ cwd: dir, env });
      return { code: await main(['validate', 'repo'], io), err: io.err() };
    };

    expect((await run({ FLEETWRIGHT_MODELS_FILE: join(dir, 'models.yml') })).code).toBe(0);
    const missing = await run({ FLEETWRIGHT_MODELS_FILE: join(dir, 'nope.yml') });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Cannot read the model catalog');
  });

  it('prints JSON with --format json', async () => {
    await writeTree({
      'repo/migrations/a.yml': manifest('a'),
      'repo/migrations/b.yml': 'version: 1\nid: b\n',
    });

    const { code, out } = await validate(['--format', 'json', 'repo']);

    const json = JSON.parse(out) as {
      valid: boolean;
      migrations: unknown[];
      messages: { source: string; line: number; column: number; code: string; message: string }[];
    };
    expect(json.valid).toBe(false);
    expect(json.migrations).toEqual([{ source: 'repo/migrations/a.yml', id: 'a', title: 'a' }]);
    expect(json.messages.map((m) => `${m.line}:${m.column} ${m.code} ${m.message}`)).toEqual([
      "1:1 prompt missing 'prompt' or 'promptFile'; expected exactly one of them",
      "1:1 missing-key missing required key 'targets'; expected a mapping",
      "1:1 missing-key missing required key 'title'; expected a string",
    ]);
    expect(code).toBe(1);
  });

  it.each([
    [[], 'expected at least one manifest file or directory'],
    [['--format', 'xml', 'x.yml'], "--format expects 'text' or 'json', got 'xml'"],
    [['--format'], "--format expects 'text' or 'json', got nothing"],
    [['--strict', 'x.yml'], "unknown option '--strict'"],
    [['does-not-exist.yml'], 'does-not-exist.yml: no such file or directory'],
    [['--org', 'not a login', 'x.yml'], "--org expects a GitHub login, got 'not a login'"],
  ])('exits 2 on usage error %j', async (args, message) => {
    const { code, err } = await validate(args);

    expect(err).toContain(`fleetwright validate: ${message}`);
    expect(code).toBe(2);
  });

  it('exits 2 for a directory without manifests', async () => {
    await mkdir(join(dir, 'empty'));

    const { code, err } = await validate(['empty']);

    expect(err).toBe(
      'fleetwright validate: empty: no manifests found (expected migrations/*.yml or *.yml files)\n',
    );
    expect(code).toBe(2);
  });

  it('shows its help', async () => {
    const { code, out } = await validate(['--help']);

    expect(out).toContain('Usage: fleetwright validate <file or directory>...');
    expect(code).toBe(0);
  });

  it('runs through the real executable', async () => {
    const run = promisify(execFile);

    const { stderr } = await run(process.execPath, [
      'bin/fleetwright.js',
      'validate',
      'examples/fleetwright-config',
    ]);
    const failed = await run(process.execPath, ['bin/fleetwright.js', 'validate', join(dir, 'nope')]).catch(
      (error: { code: number }) => error,
    );

    expect(stderr).toBe('2 manifests valid\n');
    expect((failed as { code: number }).code).toBe(2);
  });
});
