/**
 * `issue_comment.created`: a `/migrate` command on a migration PR, or on a migration's dashboard
 * issue in the config repo (issue 8). Guard (no bots, the app included, since answering a bot
 * can loop; only comments with a `/migrate` line; on issues, only the app's own dashboards,
 * recognised by their hidden key), decode, enqueue. The work runs in the target's or the
 * dashboard's job.
 */
import type { Context } from 'probot';
import { isBot } from '../core/commands/authorize-command.ts';
import { findDashboardMigrationId } from '../core/dashboard/find-dashboard-migration.ts';
import { isCommandComment, onCommandComment, onDashboardComment } from '../workflows/enqueue.ts';
import type { FleetHandlerDeps } from './fleet-deps.ts';
import { findInstallationTarget } from './fleet-deps.ts';
import { isConfigRepo } from './handler-deps.ts';

export function onIssueCommentCreated(deps: FleetHandlerDeps) {
  return async (context: Context<'issue_comment.created'>): Promise<void> => {
    const { issue, comment, sender } = context.payload;
    const author = comment.user ?? sender;
    const login = author.login;
    const commenter = { login, type: author.type ?? 'User' };
    if (isBot(commenter) || sender.type === 'Bot') {
      return context.log.debug({ login }, 'Comment by a bot, skipping');
    }
    if (!isCommandComment(comment.body)) return context.log.debug('No /migrate line, skipping');
    const target = findInstallationTarget(context);
    if (!target) return context.log.debug('No installation, skipping');
    if (!issue.pull_request) {
      const migrationId = findDashboard(deps, target.repo, issue);
      if (!migrationId) return context.log.debug('Comment on an issue that is not a dashboard, skipping');
      const installation = await deps.fleet.forInstallation(target.installationId, target.org);
      const outcome = onDashboardComment(installation, {
        migrationId,
        issueNumber: issue.number,
        commentId: comment.id,
        body: comment.body,
        commenter,
      });
      return context.log.debug(
        { migration: migrationId, issue: issue.number, login, outcome },
        'Dashboard comment handled',
      );
    }
    const installation = await deps.fleet.forInstallation(target.installationId, target.org);
    const outcome = await onCommandComment(installation, {
      repo: target.repo,
      prNumber: issue.number,
      commentId: comment.id,
      body: comment.body,
      commenter,
      deliveryId: context.id,
    });
    context.log.debug({ repo: target.repo, pr: issue.number, login, outcome }, 'PR comment handled');
  };
}

/**
 * The migration of a dashboard issue: in the config repo, opened by the app itself (a person
 * pasting the hidden key into an issue does not make it a dashboard), with the key on line one.
 */
function findDashboard(
  deps: FleetHandlerDeps,
  repo: string,
  issue: { body?: string | null; user?: { login: string } | null },
): string | undefined {
  const [, name = ''] = repo.split('/');
  if (!isConfigRepo(name, deps.config)) return undefined;
  if (issue.user?.login.toLowerCase() !== `${deps.appSlug}[bot]`.toLowerCase()) return undefined;
  return findDashboardMigrationId(issue.body);
}
