/**
 * Which targets a dashboard retry (`/migrate retry --failed`, `--group <id>`, `owner/repo …`)
 * restarts. Pure: the workflow then feeds each selected target a `retry` command, so `step`
 * still applies budgets and rollout limits, and the retry runs on the manifest's latest revision.
 *
 * What is never retried from the dashboard, whatever the form:
 * - targets whose coder or baseline check is running now (they would race the running job);
 * - merged targets, and PRs a person closed (a human decision the owner should not override);
 * - targets paused by a person (a human commit, `/migrate stop`): the PR's maintainers decide,
 *   with `/migrate retry --force` or `/migrate continue` on the PR;
 * - queued targets (already waiting);
 * - `--failed` also leaves out ineligible repositories (archived, fork, excluded…) and
 *   not-applicable ones, which a prompt change does not help; name them or their group to force it.
 */
import type { Command } from '../commands/command.ts';
import type { Target, TargetState } from '../target/target.ts';
import type { FailureGroup, FailureGroups } from './group-failures.ts';
import { compareText, findFailureGroup } from './group-failures.ts';

/** The outcome of a dashboard retry command; `renderCommandReply` turns it into the reply. */
export interface RetrySelection {
  /** Targets to retry, sorted by repository. */
  targets: Target[];
  /** Named or grouped targets left alone, with why (sorted by repository). */
  excluded: { repo: string; state: TargetState; why: string }[];
  /** Repositories named in the command that are not targets of this migration. */
  unknownRepos: string[];
  /** The group the command named, when it exists. */
  group?: FailureGroup;
  /** Set when the command cannot be carried out at all (unknown group id). */
  error?: string;
}

type RetryCommand = Extract<Command, { name: 'retry-failed' | 'retry-group' | 'retry-repos' }>;

const RUNNING: ReadonlySet<TargetState> = new Set(['baseline', 'drafting', 'repairing']);

/** The targets `command` retries, and those it leaves alone with the reason. */
export function selectRetryTargets(
  command: RetryCommand,
  targets: readonly Target[],
  groups: FailureGroups,
): RetrySelection {
  const byRepo = new Map(targets.map((target) => [target.repo.toLowerCase(), target]));
  let candidates: Target[];
  const unknownRepos: string[] = [];
  let group: FailureGroup | undefined;

  switch (command.name) {
    case 'retry-failed':
      candidates = groups.failures
        .filter((failure) => failure.class !== 'ineligible')
        .flatMap((failure) => failure.members.map((member) => byRepo.get(member.repo.toLowerCase())))
        .filter((target): target is Target => target !== undefined);
      break;
    case 'retry-group': {
      group = findFailureGroup(groups, command.groupId);
      if (!group) {
        const known = [...groups.failures, ...groups.notApplicable].map((item) => item.id);
        return {
          targets: [],
          excluded: [],
          unknownRepos: [],
          error:
            `No failure group \`${command.groupId}\` in this migration` +
            (known.length > 0
              ? ` (groups now: ${known
                  .slice(0, 20)
                  .map((id) => `\`${id}\``)
                  .join(', ')}).`
              : '.') +
            ' Groups change as targets move on; check the dashboard for current ids.',
        };
      }
      candidates = group.members
        .map((member) => byRepo.get(member.repo.toLowerCase()))
        .filter((target): target is Target => target !== undefined);
      break;
    }
    case 'retry-repos':
      candidates = [];
      for (const repo of command.repos) {
        const target = byRepo.get(repo.toLowerCase());
        if (target) candidates.push(target);
        else unknownRepos.push(repo);
      }
      break;
  }

  const selected: Target[] = [];
  const excluded: RetrySelection['excluded'] = [];
  const seen = new Set<string>();
  for (const target of candidates) {
    const key = target.repo.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const why = whyNotRetryable(target);
    if (why) excluded.push({ repo: target.repo, state: target.state, why });
    else selected.push(target);
  }
  selected.sort((a, b) => compareText(a.repo, b.repo));
  excluded.sort((a, b) => compareText(a.repo, b.repo));
  return { targets: selected, excluded, unknownRepos, ...(group ? { group } : {}) };
}

function whyNotRetryable(target: Target): string | undefined {
  if (RUNNING.has(target.state)) return 'running now';
  if (target.state === 'queued') return 'already queued';
  if (target.state === 'merged') return 'already merged';
  if (target.state === 'closed') return 'its PR was closed by a person';
  if (target.state === 'paused' && (target.reason === 'human-commit' || target.reason === 'foreign-branch')) {
    return 'a person committed on its branch; retry from the PR with `/migrate retry --force`';
  }
  if (target.state === 'paused' && target.reason === 'stopped') {
    return 'stopped by a maintainer; `/migrate continue` or `/migrate retry` on the PR';
  }
  return undefined;
}
