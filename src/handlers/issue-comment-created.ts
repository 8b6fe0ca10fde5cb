/**
 * `issue_comment.created`: a `/migrate` command on a pull request (issue 8). Guard (PRs only, no
 * bots, the app included, since answering a bot can loop; only comments with a `/migrate` line),
 * decode, enqueue. The work (reactions, permission, reply, state change) runs in the target's job.
 */
import type { Context } from 'probot';
import { isCommandComment, onCommandComment } from '../workflows/enqueue.ts';
import type { FleetHandlerDeps } from './fleet-deps.ts';
import { findInstallationTarget } from './fleet-deps.ts';

export function onIssueCommentCreated(deps: FleetHandlerDeps) {
  return async (context: Context<'issue_comment.created'>): Promise<void> => {
    const { issue, comment, sender } = context.payload;
    if (!issue.pull_request) return context.log.debug('Comment on an issue, not a PR, skipping');
    const author = comment.user ?? sender;
    const login = author.login;
    if (author.type === 'Bot' || sender.type === 'Bot' || /\[bot\]$/i.test(login)) {
      return context.log.debug({ login }, 'Comment by a bot, skipping');
    }
    if (!isCommandComment(comment.body)) return context.log.debug('No /migrate line, skipping');
    const target = findInstallationTarget(context);
    if (!target) return context.log.debug('No installation, skipping');
    const installation = await deps.fleet.forInstallation(target.installationId, target.org);
    const outcome = await onCommandComment(installation, {
      repo: target.repo,
      prNumber: issue.number,
      commentId: comment.id,
      body: comment.body,
      commenter: { login, type: author.type ?? 'User' },
      deliveryId: context.id,
    });
    context.log.debug({ repo: target.repo, pr: issue.number, login, outcome }, 'PR comment handled');
  };
}
