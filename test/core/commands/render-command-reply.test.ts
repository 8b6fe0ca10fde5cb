import { describe, expect, it } from 'vitest';
import {
  needsReply,
  renderCommandReply,
  renderHelp,
} from '../../../src/core/commands/render-command-reply.ts';
import { parseCommand } from '../../../src/core/commands/parse-command.ts';
import { groupFailures } from '../../../src/core/dashboard/group-failures.ts';
import { selectRetryTargets } from '../../../src/core/dashboard/select-retry-targets.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';

const NOW = new Date('2026-11-21T12:00:00.000Z');
const exhausted: Target = {
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'm-1', repo: 'acme/api', now: NOW }),
  state: 'exhausted',
  reason: 'iteration-budget',
  iteration: 5,
  prNumber: 12,
  lastPushedSha: 'abcdef1234',
  headSha: 'abcdef1234',
  stateSince: '2026-11-21T11:30:00.000Z',
  usage: {
    inputTokens: 51_000,
    outputTokens: 12_000,
    cacheWriteTokens: 9_000,
    cacheReadTokens: 36_000,
    costUsd: 2.4567,
  },
  failure: {
    class: 'ci-failure',
    signature: "tsc TS2345: Argument of type '<id>' is not assignable to parameter of type '<id>'.",
    example: "TS2345 Argument of type 'string' is not assignable to parameter of type 'RequestInit'.",
  },
  history: [
    {
      iteration: 5,
      mode: 'repair',
      outcome: 'changed',
      summary: 'Passed the body as a string; cc @acme/everyone',
      files: ['src/http.ts'],
      result: 'CI red: TS2345 Argument of type …',
      sha: 'abcdef1234',
      costUsd: 0.4,
      at: '2026-11-21T11:00:00.000Z',
    },
  ],
};

describe('core/commands/render-command-reply', () => {
  it('renders /migrate status', () => {
    const reply = renderCommandReply({
      type: 'status',
      target: exhausted,
      migrationTitle: 'Replace `request` with fetch',
      limits: { maxIterations: 5, maxCostPerRepoUsd: 5 },
    });

    // The zero-width space after `@` keeps a mention in the coder's summary from pinging anyone.
    expect(reply.replaceAll('\u200b', '<ZWSP>')).toMatchInlineSnapshot(`
      "**fleetwright status** for acme/api · Replace \`request\` with fetch

      | | |
      | --- | --- |
      | state | \`exhausted\` (iteration-budget) since 2026-11-21 11:30 UTC |
      | iteration | 5 of 5 |
      | cost so far | $2.46 of $5.00 |
      | tokens | 51,000 input · 12,000 output · 9,000 cache write · 36,000 cache read |
      | revision | \`m-1\` |

      **Last attempt** (iteration 5, repair, changed, abcdef1): Passed the body as a string; cc @<ZWSP>acme/everyone

      **Result:** \`CI red: TS2345 Argument of type …\`

      **Last failure** (ci-failure): \`tsc TS2345: Argument of type '<id>' is not assignable to parameter of type '<id>'.\`

      \`\`\`text
      TS2345 Argument of type 'string' is not assignable to parameter of type 'RequestInit'.
      \`\`\`

      Commands that apply now: \`/migrate fix <instructions>\` · \`/migrate retry\`"
    `);
  });

  it('renders a parse error with the suggestion and the help', () => {
    const parsed = parseCommand('/migrate retyr');
    if (parsed.type !== 'invalid') throw new Error('expected invalid');

    const reply = renderCommandReply({ type: 'invalid', parsed, where: 'pr' });

    expect(reply.split('\n')[0]).toBe(
      '😕 `retyr` is not a `/migrate` command. Did you mean `/migrate retry`?',
    );
    expect(reply).toContain(renderHelp('pr'));
  });

  it('suggests the corrected flag with its verb', () => {
    const parsed = parseCommand('/migrate retry --froce');
    if (parsed.type !== 'invalid') throw new Error('expected invalid');

    expect(renderCommandReply({ type: 'invalid', parsed, where: 'pr' })).toMatch(
      /Did you mean `\/migrate retry --force`\?/,
    );
  });

  it('renders a refusal and notes ignored extra commands', () => {
    const reply = renderCommandReply(
      { type: 'refused', command: { name: 'approve' }, reason: 'Only owners approve.' },
      { ignoredCommands: 2 },
    );

    expect(reply).toBe(
      '😕 `/migrate approve` was not run. Only owners approve.\n\n' +
        '_Only the first `/migrate` line of a comment runs; 2 later ones were ignored. Send each command in its own comment._',
    );
  });

  it.each(['pr', 'dashboard'] as const)(
    'renders help for the %s with only commands that work there',
    (where) => {
      const help = renderHelp(where);

      expect(help.includes('/migrate pause')).toBe(where === 'dashboard');
      expect(help.includes('/migrate approve')).toBe(where === 'pr');
      for (const line of help.split('\n').filter((text) => text.startsWith('- `/migrate'))) {
        const written = /`(\/migrate [^`]*)`/.exec(line)?.[1] ?? '';
        expect(
          parseCommand(written.replace('<instructions>', 'do it').replace('<id>', 'abcdef').replace(' …', ''))
            .type,
        ).toBe('command');
      }
    },
  );

  it('renders a dashboard retry selection', () => {
    const targets = [exhausted, { ...exhausted, repo: 'acme/web', state: 'merged' as const }];
    const selection = selectRetryTargets(
      { name: 'retry-repos', repos: ['acme/api', 'acme/web', 'acme/nope'] },
      targets,
      groupFailures(targets),
    );

    expect(renderCommandReply({ type: 'retry-selection', selection, revision: 'm-2' })).toBe(
      '🚀 Retrying 1 of 2 repositories with revision `m-2`: acme/api. Their PRs start over from the default branch as coder slots free up (`rollout.maxConcurrentCoders`).\n\n' +
        'Left alone:\n\n- acme/web (`merged`): already merged\n\n' +
        'Not targets of this migration: `acme/nope`.',
    );
  });

  it('says what a retry does to repositories with and without a PR', () => {
    const skipped = {
      ...exhausted,
      repo: 'acme/b',
      state: 'skipped' as const,
      reason: 'baseline-red' as const,
    };
    delete (skipped as Partial<Target>).prNumber;
    const reply = (targets: Target[]) =>
      renderCommandReply({
        type: 'retry-selection',
        selection: { targets, excluded: [], unknownRepos: [] },
        revision: 'm-2',
      });

    expect(reply([skipped])).toContain(
      'They go back to the queue and are admitted under the rollout limits.',
    );
    expect(reply([exhausted, skipped])).toContain(
      '1 with a PR start over from the default branch as coder slots free up (`rollout.maxConcurrentCoders`); 1 without a PR go back to the queue and are admitted under the rollout limits.',
    );
  });

  it('renders an unknown group as a refusal', () => {
    const selection = selectRetryTargets({ name: 'retry-group', groupId: 'abcdef' }, [], groupFailures([]));

    expect(renderCommandReply({ type: 'retry-selection', selection, revision: 'm-2' })).toMatch(
      /^😕 No failure group `abcdef`/,
    );
  });

  it.each<[Parameters<typeof needsReply>[0], number, boolean, string]>([
    [{ name: 'stop' }, 0, false, '`/migrate stop` accepted.'],
    [
      { name: 'stop' },
      1,
      true,
      '`/migrate stop` accepted.\n\n_Only the first `/migrate` line of a comment runs; 1 later one was ignored. Send each command in its own comment._',
    ],
    [
      { name: 'fix', instruction: 'x', truncated: true },
      0,
      true,
      '`/migrate fix` accepted. Your instruction was longer than 4000 characters; the coder gets the first 4000.',
    ],
  ])('accepts %o (ignored %i): reply %s', (command, ignoredCommands, expected, text) => {
    expect(needsReply(command, ignoredCommands)).toBe(expected);
    expect(renderCommandReply({ type: 'accepted', command }, { ignoredCommands })).toBe(text);
  });

  it.each<[string, Partial<Target>, RegExp]>([
    [
      'a retry waiting for a coder slot',
      { state: 'queued', pending: { command: 'retry', by: 'maya', at: NOW.toISOString() } },
      /^🚀 `\/migrate stop`: the retry waiting for a free coder slot \(`rollout.maxConcurrentCoders`\) is cancelled before any coder run; the branch was not touched\. The PR stays on commit `abcdef1` and is `paused` \(stopped\)\. `\/migrate continue` carries on from that commit \(fleetwright reads its CI again\); `\/migrate retry` starts over\.$/,
    ],
    [
      'a retry reading the default branch',
      { state: 'baseline', pending: { command: 'retry', by: 'maya', at: NOW.toISOString() } },
      /^🚀 `\/migrate stop`: the retry waiting for the default branch's CI is cancelled/,
    ],
    [
      'a regenerate on a moved base',
      { state: 'queued', regenerateOn: 'dddddddddd' },
      /^🚀 `\/migrate stop`: the regeneration on the moved base \(`ddddddd`\) waiting for a free coder slot .* while the PR still conflicts with its base, that means regenerating it there once a coder slot is free\. `\/migrate retry` starts over\.$/,
    ],
  ])('says what `/migrate stop` cancelled: %s', (_name, fields, text) => {
    const before: Target = { ...exhausted, ...fields };
    const after: Target = { ...exhausted, state: 'paused', reason: 'stopped', resumeState: 'awaiting-ci' };
    delete after.detail;

    expect(renderCommandReply({ type: 'wait-cancelled', before, after })).toMatch(text);
  });
});
