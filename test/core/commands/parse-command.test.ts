import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands/command.ts';
import { MAX_FIX_INSTRUCTION, renderCommand, toMigrateCommand } from '../../../src/core/commands/command.ts';
import { parseCommand } from '../../../src/core/commands/parse-command.ts';

describe('core/commands/parse-command', () => {
  it.each<[string, string, Command]>([
    ['retry', '/migrate retry', { name: 'retry', force: false }],
    ['retry --force', '/migrate retry --force', { name: 'retry', force: true }],
    ['upper-case verb and flag', '/MIGRATE Retry --FORCE', { name: 'retry', force: true }],
    ['continue', '/migrate continue', { name: 'continue' }],
    ['stop with trailing spaces', '/migrate stop   ', { name: 'stop' }],
    ['approve', '/migrate approve', { name: 'approve' }],
    ['status', '/migrate status', { name: 'status' }],
    ['help', '/migrate help', { name: 'help' }],
    ['help ignores a topic', '/migrate help retry', { name: 'help' }],
    ['pause', '/migrate pause', { name: 'pause' }],
    ['resume', '/migrate resume', { name: 'resume' }],
    ['retry --failed', '/migrate retry --failed', { name: 'retry-failed' }],
    ['retry --group id', '/migrate retry --group 3FA2C1', { name: 'retry-group', groupId: '3fa2c1' }],
    ['retry --group=id', '/migrate retry --group=3fa2c1', { name: 'retry-group', groupId: '3fa2c1' }],
    ['retry --group #id', '/migrate retry --group #3fa2c1', { name: 'retry-group', groupId: '3fa2c1' }],
    [
      'retry --group longer id',
      '/migrate retry --group 3fa2c1d4',
      { name: 'retry-group', groupId: '3fa2c1d4' },
    ],
    [
      'retry repos, deduplicated, commas and URLs',
      '/migrate retry acme/api, acme/web ACME/API https://ghe.example/acme/cli.git',
      { name: 'retry-repos', repos: ['acme/api', 'acme/web', 'acme/cli'] },
    ],
    ['indented up to three spaces', '   /migrate stop', { name: 'stop' }],
    ['after prose lines', 'Thanks for this!\n\n/migrate continue\n', { name: 'continue' }],
    ['CRLF line endings', 'hi\r\n/migrate stop\r\n', { name: 'stop' }],
    [
      'fix, one line',
      '/migrate fix keep the old import as an alias',
      { name: 'fix', instruction: 'keep the old import as an alias', truncated: false },
    ],
    [
      'fix, several lines with code, trimmed',
      '/migrate fix   \n  Use `fetch` from undici.\n\n```ts\nimport { fetch } from "undici";\n```\n\n',
      {
        name: 'fix',
        instruction: 'Use `fetch` from undici.\n\n```ts\nimport { fetch } from "undici";\n```',
        truncated: false,
      },
    ],
    [
      'fix stops at the next command',
      '/migrate fix do X\nand Y\n/migrate stop',
      { name: 'fix', instruction: 'do X\nand Y', truncated: false },
    ],
  ])('parses %s', (_name, body, command) => {
    const parsed = parseCommand(body);

    expect(parsed).toMatchObject({ type: 'command', command });
  });

  it.each<[string, string | null | undefined]>([
    ['empty', ''],
    ['null', null],
    ['undefined', undefined],
    ['prose', 'LGTM, thanks'],
    ['quoted command', '> /migrate retry\nI would rather not.'],
    ['quoted with indentation', '  > /migrate stop'],
    ['nested quote', '> > /migrate stop'],
    ['fenced block', 'Try this:\n```\n/migrate retry --force\n```'],
    ['fenced block with info string', '```sh\n/migrate stop\n```'],
    ['tilde fence', '~~~\n/migrate stop\n~~~'],
    ['unclosed fence runs to the end', '```\n/migrate stop\n'],
    ['longer fence not closed by a shorter one', '````\n```\n/migrate stop\n````'],
    ['indented code (4 spaces)', '    /migrate stop'],
    ['tab-indented code', '\t/migrate stop'],
    ['inline code', 'Use `/migrate stop` to stop it.'],
    ['mid-line', 'you can say /migrate stop'],
    ['list item', '- /migrate stop'],
    ['HTML comment', '<!--\n/migrate stop\n-->'],
    ['one-line HTML comment', '<!-- /migrate stop -->'],
    ['a longer word', '/migrated retry'],
    ['a hyphenated word', '/migrate-bot retry'],
  ])('finds no command in %s', (_name, body) => {
    expect(parseCommand(body)).toEqual({ type: 'none' });
  });

  it('runs a command that follows a closed fence', () => {
    expect(parseCommand('```\n/migrate stop\n```\n/migrate continue')).toMatchObject({
      type: 'command',
      command: { name: 'continue' },
      line: 4,
      ignoredCommands: 0,
    });
  });

  it('runs a command written right under a quote (the reply pattern)', () => {
    expect(parseCommand('> can you retry?\n/migrate retry')).toMatchObject({
      type: 'command',
      command: { name: 'retry' },
    });
  });

  it('keeps commands quoted inside a fix instruction as text', () => {
    const parsed = parseCommand('/migrate fix do not run this:\n```\n/migrate stop\n```');

    expect(parsed).toEqual({
      type: 'command',
      command: { name: 'fix', instruction: 'do not run this:\n```\n/migrate stop\n```', truncated: false },
      line: 1,
      ignoredCommands: 0,
    });
  });

  it('takes the first command and counts the others', () => {
    const parsed = parseCommand('/migrate stop\n\n/migrate continue\n/migrate status');

    expect(parsed).toEqual({ type: 'command', command: { name: 'stop' }, line: 1, ignoredCommands: 2 });
  });

  it.each<[string, string, string, string | undefined]>([
    ['verb typo', '/migrate retyr', 'is not a `/migrate` command', 'retry'],
    ['verb typo (status)', '/migrate stauts', 'is not a `/migrate` command', 'status'],
    ['verb typo (continue)', '/migrate contineu', 'is not a `/migrate` command', 'continue'],
    ['abbreviation', '/migrate stat', 'is not a `/migrate` command', 'status'],
    ['unrelated word', '/migrate deploy', 'is not a `/migrate` command', undefined],
    ['missing verb', '/migrate', 'needs a command', 'help'],
    ['flag typo', '/migrate retry --froce', 'is not a `retry` option', '--force'],
    ['flag typo (failed)', '/migrate retry --faild', 'is not a `retry` option', '--failed'],
    ['unknown flag', '/migrate retry --everything', 'is not a `retry` option', undefined],
    ['group without id', '/migrate retry --group', 'needs a failure group id', undefined],
    ['group id not hex', '/migrate retry --group zzzzzz', 'is not a failure group id', undefined],
    ['two groups', '/migrate retry --group 3fa2c1 --group 000000', 'one `--group`', undefined],
    ['failed and group', '/migrate retry --failed --group 3fa2c1', 'not several', undefined],
    ['failed and repos', '/migrate retry --failed acme/api', 'not several', undefined],
    ['force with repos', '/migrate retry --force acme/api', '`--force` applies to', undefined],
    ['not a repository', '/migrate retry api', 'is not a repository', undefined],
    ['arguments to stop', '/migrate stop now please', 'takes no arguments', undefined],
    ['empty fix', '/migrate fix   \n  \n', 'needs an instruction', undefined],
  ])('reports %s', (_name, body, error, suggestion) => {
    const parsed = parseCommand(body);

    expect(parsed.type).toBe('invalid');
    if (parsed.type !== 'invalid') return;
    expect(parsed.error).toContain(error);
    expect(parsed.suggestion).toBe(suggestion);
  });

  it('caps the number of repositories', () => {
    const repos = Array.from({ length: 101 }, (_, index) => `acme/r${index}`).join(' ');

    expect(parseCommand(`/migrate retry ${repos}`)).toMatchObject({
      type: 'invalid',
      error: expect.stringContaining('At most 100'),
    });
  });

  it('caps a long fix instruction and says so', () => {
    const parsed = parseCommand(`/migrate fix ${'a'.repeat(MAX_FIX_INSTRUCTION + 500)}`);

    expect(parsed).toMatchObject({ type: 'command', command: { name: 'fix', truncated: true } });
    if (parsed.type === 'command' && parsed.command.name === 'fix') {
      expect(parsed.command.instruction).toHaveLength(MAX_FIX_INSTRUCTION);
    }
  });

  it('shows user text in errors as code, so it cannot ping or inject markup', () => {
    const parsed = parseCommand('/migrate @admins<!--');

    expect(parsed).toMatchObject({ type: 'invalid' });
    if (parsed.type === 'invalid') {
      expect(parsed.error).toMatch(/^`@admins<!\u200b--` is not/);
    }
  });

  it('never throws on odd input', () => {
    const odd = [
      '/migrate \u0000',
      '/migrate fix \uD800',
      '```\n'.repeat(1000),
      `/migrate retry ${'-'.repeat(10_000)}`,
      '/migrate retry --group=',
    ];

    for (const body of odd) expect(() => parseCommand(body)).not.toThrow();
  });

  it.each<[Command, string, ReturnType<typeof toMigrateCommand>]>([
    [{ name: 'retry', force: true }, '/migrate retry --force', { name: 'retry', force: true }],
    [{ name: 'fix', instruction: 'x', truncated: false }, '/migrate fix', { name: 'fix', instruction: 'x' }],
    [{ name: 'continue' }, '/migrate continue', { name: 'continue' }],
    [{ name: 'stop' }, '/migrate stop', { name: 'stop' }],
    [{ name: 'approve' }, '/migrate approve', { name: 'approve' }],
    [{ name: 'status' }, '/migrate status', undefined],
    [{ name: 'retry-group', groupId: 'abcdef' }, '/migrate retry --group abcdef', undefined],
    [{ name: 'retry-repos', repos: ['a/b', 'c/d'] }, '/migrate retry a/b c/d', undefined],
    [{ name: 'retry-failed' }, '/migrate retry --failed', undefined],
  ])('renders %o as %s and maps it for step', (command, written, event) => {
    expect(renderCommand(command)).toBe(written);
    expect(toMigrateCommand(command)).toEqual(event);
  });

  it('round-trips every rendered command through the parser', () => {
    const commands: Command[] = [
      { name: 'retry', force: false },
      { name: 'retry', force: true },
      { name: 'retry-failed' },
      { name: 'retry-group', groupId: '0a1b2c' },
      { name: 'retry-repos', repos: ['acme/api', 'acme/web'] },
      { name: 'continue' },
      { name: 'stop' },
      { name: 'approve' },
      { name: 'status' },
      { name: 'help' },
      { name: 'pause' },
      { name: 'resume' },
    ];

    for (const command of commands) {
      expect(parseCommand(renderCommand(command))).toMatchObject({ type: 'command', command });
    }
  });
});
