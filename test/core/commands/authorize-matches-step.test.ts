/**
 * `authorizeCommand` states the state machine's preconditions up front so refusals can explain
 * themselves. This test keeps the two in step: for every state, a command the authoriser lets
 * through is applied by `step`, and one it refuses for the state is not.
 */
import { describe, expect, it } from 'vitest';
import { authorizeCommand } from '../../../src/core/commands/authorize-command.ts';
import type { Command } from '../../../src/core/commands/command.ts';
import { toMigrateCommand } from '../../../src/core/commands/command.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import { step } from '../../../src/core/target/step.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { TargetState, buildTarget } from '../../../src/core/target/target.ts';

const NOW = new Date('2026-11-21T12:00:00.000Z');
const target = (state: TargetState): Target => ({
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'rev-1', repo: 'acme/api', now: NOW }),
  state,
  prNumber: 7,
  baseSha: 'aaaaaaa0',
  lastPushedSha: 'aaaaaaa1',
  headSha: 'aaaaaaa1',
  iteration: 1,
  ...(state === 'paused' ? { reason: 'stopped' as const, resumeState: 'awaiting-ci' as const } : {}),
});

const COMMANDS: Command[] = [
  { name: 'stop' },
  { name: 'continue' },
  { name: 'approve' },
  { name: 'retry', force: false },
  { name: 'retry', force: true },
  { name: 'fix', instruction: 'keep the old import as an alias', truncated: false },
];

/** Targets waiting to start over, whose commands depend on more than the state. */
const WAITING: [string, Target][] = [
  [
    'queued (retry)',
    { ...target('queued'), pending: { command: 'retry', by: 'maya', at: NOW.toISOString() } },
  ],
  [
    'baseline (retry)',
    { ...target('baseline'), pending: { command: 'retry', by: 'maya', at: NOW.toISOString() } },
  ],
  ['queued (moved base)', { ...target('queued'), regenerateOn: 'bbbbbbb1' }],
];

describe('core/commands/authorize-command agrees with core/target/step', () => {
  const cases = TargetState.options.flatMap((state) =>
    COMMANDS.map((command) => [command.name, state, command] as const),
  );
  const waitingCases = WAITING.flatMap(([name, waiting]) =>
    COMMANDS.map((command) => [command.name, name, waiting, command] as const),
  );

  it.each(waitingCases)('%s while %s', (_name, _state, waiting, command) => {
    const decision = authorizeCommand({
      command,
      commenter: { login: 'alice', type: 'User' },
      permission: 'admin',
      isMigrationOwner: true,
      where: 'pr',
      target: waiting,
    });
    const event = toMigrateCommand(command);
    if (!event) throw new Error('a PR command maps to an event');

    const transition = step(
      waiting,
      { type: 'command-received', command: event, actor: 'alice' },
      buildPolicy({ maxIterations: 5 }),
      NOW,
    );

    expect(
      decision.type === 'allow',
      `authorize: ${JSON.stringify(decision)}; step: ${transition.outcome} ${transition.note ?? ''}`,
    ).toBe(transition.outcome === 'applied');
  });

  it.each(cases)('%s while %s', (_name, state, command) => {
    const decision = authorizeCommand({
      command,
      commenter: { login: 'alice', type: 'User' },
      permission: 'admin',
      isMigrationOwner: true,
      where: 'pr',
      target: target(state),
    });
    const event = toMigrateCommand(command);
    if (!event) throw new Error('a PR command maps to an event');

    const transition = step(
      target(state),
      { type: 'command-received', command: event, actor: 'alice' },
      buildPolicy({ maxIterations: 5 }),
      NOW,
    );

    expect(
      decision.type === 'allow',
      `authorize: ${JSON.stringify(decision)}; step: ${transition.outcome} ${transition.note ?? ''}`,
    ).toBe(transition.outcome === 'applied');
  });
});
