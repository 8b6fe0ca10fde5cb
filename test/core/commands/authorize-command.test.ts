import { describe, expect, it } from 'vitest';
import type { CommandContext, CommandDecision } from '../../../src/core/commands/authorize-command.ts';
import {
  authorizeCommand,
  isBot,
  isMigrationOwner,
  listAvailableCommands,
  listCommandLookups,
  listOwnerTeams,
} from '../../../src/core/commands/authorize-command.ts';
import type { Command } from '../../../src/core/commands/command.ts';
import type { Target, TargetState } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';
import type { RepoPermission } from '../../../src/ports/git-host.ts';

const T0 = new Date('2026-11-21T12:00:00.000Z');
const target = (state: TargetState, fields: Partial<Target> = {}): Target => ({
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'rev-1', repo: 'acme/api', now: T0 }),
  state,
  prNumber: 7,
  lastPushedSha: 'aaaaaaa1',
  headSha: 'aaaaaaa1',
  ...fields,
});
const alice = { login: 'alice', type: 'User' };
const context = (command: Command, fields: Partial<CommandContext> = {}): CommandContext => ({
  command,
  commenter: alice,
  permission: 'write',
  isMigrationOwner: false,
  where: 'pr',
  target: target('awaiting-ci'),
  ...fields,
});
const decide = (command: Command, fields: Partial<CommandContext> = {}): CommandDecision['type'] =>
  authorizeCommand(context(command, fields)).type;

const STOP: Command = { name: 'stop' };
const RETRY: Command = { name: 'retry', force: false };
const FORCE: Command = { name: 'retry', force: true };
const FIX: Command = { name: 'fix', instruction: 'use undici', truncated: false };

describe('core/commands/authorize-command', () => {
  it.each<[string, RepoPermission | undefined, CommandDecision['type']]>([
    ['admin', 'admin', 'allow'],
    ['maintain', 'maintain', 'allow'],
    ['write', 'write', 'allow'],
    ['triage', 'triage', 'refuse'],
    ['read', 'read', 'refuse'],
    ['none', 'none', 'refuse'],
    ['not looked up', undefined, 'refuse'],
  ])('a user with %s permission: %s', (_name, permission, expected) => {
    expect(decide(STOP, { permission })).toBe(expected);
  });

  it('names the missing permission in the refusal', () => {
    const decision = authorizeCommand(context(STOP, { permission: 'triage' }));

    expect(decision).toEqual({
      type: 'refuse',
      code: 'permission',
      reason:
        '@alice has `triage` access to this repository; `/migrate` commands need write, maintain or admin permission.',
    });
  });

  it.each([
    ['a GitHub App', { login: 'fleetwright[bot]', type: 'Bot' }],
    ['another bot by type', { login: 'renovate', type: 'Bot' }],
    ['a [bot] login typed as user', { login: 'dependabot[bot]', type: 'User' }],
  ])('ignores %s silently, even with admin permission', (_name, commenter) => {
    const decision = authorizeCommand(context(STOP, { commenter, permission: 'admin' }));

    expect(decision.type).toBe('ignore');
    expect(isBot(commenter)).toBe(true);
  });

  it('ignores commands on PRs fleetwright does not manage', () => {
    expect(authorizeCommand(context(STOP, { target: undefined }))).toEqual({
      type: 'ignore',
      reason: 'not a PR fleetwright manages',
    });
  });

  it.each<[string, boolean, RepoPermission, CommandDecision['type'], string?]>([
    ['an owner with write', true, 'write', 'allow'],
    ['an owner with admin', true, 'admin', 'allow'],
    ['a writer who is not an owner', false, 'write', 'refuse', 'not-owner'],
    ['an admin who is not an owner', false, 'admin', 'refuse', 'not-owner'],
    ['an owner without write', true, 'read', 'refuse', 'permission'],
  ])('approve by %s', (_name, owner, permission, expected, code) => {
    const decision = authorizeCommand(
      context({ name: 'approve' }, { isMigrationOwner: owner, permission, target: target('owner-review') }),
    );

    expect(decision.type).toBe(expected);
    if (decision.type === 'refuse') expect(decision.code).toBe(code);
  });

  it.each<[Command, TargetState, Partial<Target>, CommandDecision['type'], string?]>([
    [{ name: 'continue' }, 'paused', { reason: 'stopped' }, 'allow'],
    [{ name: 'continue' }, 'stalled', { reason: 'ci-timeout' }, 'allow'],
    [{ name: 'continue' }, 'awaiting-ci', {}, 'refuse', 'state'],
    [{ name: 'continue' }, 'merged', {}, 'refuse', 'state'],
    [STOP, 'awaiting-ci', {}, 'allow'],
    [STOP, 'repairing', {}, 'allow'],
    [STOP, 'judging', {}, 'allow'],
    [STOP, 'owner-review', {}, 'allow'],
    [STOP, 'stalled', {}, 'allow'],
    [STOP, 'paused', {}, 'refuse', 'state'],
    [STOP, 'drafting', {}, 'refuse', 'coder-running'],
    [STOP, 'merged', {}, 'refuse', 'state'],
    [STOP, 'ready', {}, 'refuse', 'state'],
    [{ name: 'approve' }, 'ready', {}, 'refuse', 'state'],
    [{ name: 'approve' }, 'awaiting-ci', {}, 'refuse', 'state'],
    [FIX, 'awaiting-ci', {}, 'allow'],
    [FIX, 'exhausted', { reason: 'iteration-budget' }, 'allow'],
    [FIX, 'paused', { reason: 'stopped' }, 'allow'],
    [FIX, 'error', {}, 'allow'],
    [FIX, 'ready', {}, 'allow'],
    [FIX, 'repairing', {}, 'refuse', 'coder-running'],
    [FIX, 'drafting', {}, 'refuse', 'coder-running'],
    [FIX, 'merged', {}, 'refuse', 'state'],
    [FIX, 'closed', {}, 'refuse', 'state'],
    [RETRY, 'exhausted', {}, 'allow'],
    [RETRY, 'error', {}, 'allow'],
    [RETRY, 'awaiting-ci', {}, 'allow'],
    [RETRY, 'repairing', {}, 'refuse', 'coder-running'],
    [RETRY, 'merged', {}, 'refuse', 'state'],
    [RETRY, 'closed', {}, 'refuse', 'state'],
    [RETRY, 'paused', { reason: 'human-commit', headSha: 'bbbbbbb2' }, 'refuse', 'human-commits'],
    [RETRY, 'awaiting-ci', { headSha: 'bbbbbbb2' }, 'refuse', 'human-commits'],
    [FORCE, 'paused', { reason: 'human-commit', headSha: 'bbbbbbb2' }, 'allow'],
    [{ name: 'status' }, 'merged', {}, 'allow'],
    [{ name: 'help' }, 'closed', {}, 'allow'],
  ])('%o while %s %o: %s %s', (command, state, fields, expected, code) => {
    const decision = authorizeCommand(
      context(command, { target: target(state, fields), isMigrationOwner: true }),
    );

    expect(decision.type).toBe(expected);
    if (decision.type === 'refuse') expect(decision.code).toBe(code);
  });

  it('needs --force when the caller found human commits the target does not know of', () => {
    const base = context(RETRY, { target: target('exhausted'), branchHasHumanCommits: true });

    expect(authorizeCommand(base)).toMatchObject({ type: 'refuse', code: 'human-commits' });
    expect(authorizeCommand({ ...base, command: FORCE }).type).toBe('allow');
    expect(authorizeCommand({ ...base, command: FORCE, permission: 'read' })).toMatchObject({
      code: 'permission',
    });
  });

  it.each<[Command, 'pr' | 'dashboard', CommandDecision['type'], string?]>([
    [{ name: 'retry-failed' }, 'dashboard', 'allow'],
    [{ name: 'retry-group', groupId: 'abcdef' }, 'dashboard', 'allow'],
    [{ name: 'retry-repos', repos: ['acme/api'] }, 'dashboard', 'allow'],
    [{ name: 'pause' }, 'dashboard', 'allow'],
    [{ name: 'help' }, 'dashboard', 'allow'],
    [{ name: 'retry-failed' }, 'pr', 'refuse', 'wrong-place'],
    [{ name: 'pause' }, 'pr', 'refuse', 'wrong-place'],
    [{ name: 'resume' }, 'pr', 'refuse', 'wrong-place'],
    [RETRY, 'dashboard', 'refuse', 'wrong-place'],
    [STOP, 'dashboard', 'refuse', 'wrong-place'],
    [{ name: 'status' }, 'dashboard', 'refuse', 'wrong-place'],
    [{ name: 'approve' }, 'dashboard', 'refuse', 'wrong-place'],
  ])('%o on the %s: %s', (command, where, expected, code) => {
    const decision = authorizeCommand(
      context(command, { where, target: where === 'dashboard' ? undefined : target('awaiting-ci') }),
    );

    expect(decision.type).toBe(expected);
    if (decision.type === 'refuse') expect(decision.code).toBe(code);
  });

  it('points a PR `resume` at `continue`', () => {
    const decision = authorizeCommand(context({ name: 'resume' }));

    expect(decision.type === 'refuse' && decision.reason).toContain('`/migrate continue`');
  });

  it.each<[Command, boolean, CommandDecision['type']]>([
    [{ name: 'pause' }, false, 'allow'],
    [{ name: 'pause' }, true, 'refuse'],
    [{ name: 'resume' }, true, 'allow'],
    [{ name: 'resume' }, false, 'refuse'],
  ])('%o when paused=%s: %s', (command, paused, expected) => {
    expect(decide(command, { where: 'dashboard', target: undefined, migration: { paused } })).toBe(expected);
  });

  it('needs write on the config repository for dashboard commands', () => {
    const decision = authorizeCommand(
      context({ name: 'retry-failed' }, { where: 'dashboard', target: undefined, permission: 'read' }),
    );

    expect(decision).toMatchObject({ type: 'refuse', code: 'permission' });
    expect(decision.type === 'refuse' && decision.reason).toContain('the config repository');
  });

  it('answers help to anyone who is not a bot', () => {
    expect(decide({ name: 'help' }, { permission: 'none' })).toBe('allow');
    expect(
      decide({ name: 'help' }, { permission: 'none', commenter: { login: 'x[bot]', type: 'Bot' } }),
    ).toBe('ignore');
  });

  it.each<[string, string[], string[] | undefined, boolean]>([
    ['listed by login', ['alice'], undefined, true],
    ['listed with @ and other case', ['@Alice'], undefined, true],
    ['not listed', ['bob'], undefined, false],
    ['member of a listed team', ['@acme/platform'], ['acme/platform'], true],
    ['team membership written with @ and case', ['@Acme/Platform'], ['@acme/platform'], true],
    ['member of another team', ['@acme/platform'], ['acme/web'], false],
    ['team membership unknown', ['@acme/platform'], undefined, false],
    ['no owners', [], ['acme/platform'], false],
  ])('isMigrationOwner: %s', (_name, owners, teams, expected) => {
    expect(isMigrationOwner({ login: 'alice', owners, ...(teams ? { teamsOfLogin: teams } : {}) })).toBe(
      expected,
    );
  });

  it('lists the owner teams the caller must resolve', () => {
    expect(listOwnerTeams(['alice', '@acme/platform', 'Acme/Platform', '@acme/web'])).toEqual([
      'acme/platform',
      'acme/web',
    ]);
  });

  it.each<[TargetState, Partial<Target>, string[]]>([
    ['awaiting-ci', {}, ['/migrate stop', '/migrate fix <instructions>', '/migrate retry']],
    ['paused', { reason: 'stopped' }, ['/migrate continue', '/migrate fix <instructions>', '/migrate retry']],
    [
      'paused',
      { reason: 'human-commit', headSha: 'bbbbbbb2' },
      ['/migrate continue', '/migrate fix <instructions>', '/migrate retry --force'],
    ],
    [
      'owner-review',
      {},
      ['/migrate stop', '/migrate fix <instructions>', '/migrate approve', '/migrate retry'],
    ],
    ['merged', {}, []],
  ])('lists the commands available while %s', (state, fields, expected) => {
    expect(listAvailableCommands(target(state, fields))).toEqual(expected);
  });

  it.each<[Command, 'pr' | 'dashboard', ReturnType<typeof listCommandLookups>]>([
    [{ name: 'help' }, 'pr', { permission: false, ownership: false, branchCommits: false }],
    [STOP, 'pr', { permission: true, ownership: false, branchCommits: false }],
    [{ name: 'approve' }, 'pr', { permission: true, ownership: true, branchCommits: false }],
    [RETRY, 'pr', { permission: true, ownership: false, branchCommits: true }],
    [FORCE, 'pr', { permission: true, ownership: false, branchCommits: false }],
    [{ name: 'retry-failed' }, 'dashboard', { permission: true, ownership: false, branchCommits: false }],
  ])('look-ups for %o on the %s', (command, where, expected) => {
    expect(listCommandLookups(command, where)).toEqual(expected);
  });

  it('says a retry is already under way rather than "not started" while one starts over', () => {
    const starting = target('baseline', { pending: { command: 'retry', by: 'maya', at: T0.toISOString() } });

    expect(authorizeCommand(context(RETRY, { target: starting }))).toMatchObject({
      type: 'refuse',
      reason: 'This PR is `baseline`: a retry is already under way.',
    });
    expect(authorizeCommand(context(FIX, { target: starting }))).toMatchObject({
      type: 'refuse',
      reason: 'This PR is `baseline`: it is starting over; send your instruction once it has pushed.',
    });
  });

  it('stop applies to a PR waiting to start over, and the status lists it', () => {
    const waiting = target('queued', { pending: { command: 'retry', by: 'maya', at: T0.toISOString() } });
    const moved = target('queued', { regenerateOn: 'ddddddd1' });

    expect(decide(STOP, { target: waiting })).toBe('allow');
    expect(decide(STOP, { target: moved })).toBe('allow');
    expect(listAvailableCommands(waiting)).toContain('/migrate stop');
    // Without a PR there is nothing to stop and no commit to stay on.
    expect(decide(STOP, { target: target('queued', { prNumber: undefined }) })).toBe('refuse');
    expect(decide(STOP, { target: target('queued', { lastPushedSha: undefined }) })).toBe('refuse');
  });

  it('a regenerate on a moved base waiting for a coder slot may become a retry', () => {
    const moved = target('queued', { regenerateOn: 'ddddddd1' });

    expect(decide(RETRY, { target: moved })).toBe('allow');
    expect(authorizeCommand(context(RETRY, { target: target('queued') }))).toMatchObject({
      type: 'refuse',
      reason: 'This PR is `queued`: it has not started yet.',
    });
  });
});
