/**
 * Review configuration from the org's config repo (default branch unless `gitRef` is given):
 * the org-wide judge criteria (`judge-criteria.md`) and the Slack mapping (`notifications.yml`).
 * A missing file means "none"; an invalid `notifications.yml` is logged with its located errors
 * and means "no notifications" — it never blocks a review or a hand-over.
 */
import {
  NOTIFICATIONS_CONFIG_PATH,
  parseNotificationsConfig,
  type NotificationsConfig,
} from '../core/notify/notifications-config.ts';
import { renderValidationMessage } from '../core/manifest/validation-message.ts';
import type { GitHost, RepoRef } from '../ports/git-host.ts';

/**
 * Org-wide judge criteria: Markdown at the root of the config repo, given to the judge for every
 * migration (e.g. "clients must be created once, not per call").
 */
export const ORG_JUDGE_CRITERIA_PATH = 'judge-criteria.md';

/** The org criteria text, or `undefined` when the file is missing or blank. */
export async function loadOrgJudgeCriteria(
  gitHost: GitHost,
  configRepo: RepoRef,
  gitRef?: string,
): Promise<string | undefined> {
  const file = await gitHost.findFile(configRepo, ORG_JUDGE_CRITERIA_PATH, gitRef);
  return file === undefined || file.text.trim() === '' ? undefined : file.text;
}

export type LoadNotificationsResult =
  | { type: 'loaded'; config: NotificationsConfig }
  | { type: 'missing' }
  | { type: 'invalid'; errors: string[] };

/** Reads and validates `notifications.yml`; never throws for bad content (GitHub errors propagate). */
export async function loadNotificationsConfig(
  gitHost: GitHost,
  configRepo: RepoRef,
  log: { warn(meta: object, message: string): void },
  gitRef?: string,
): Promise<LoadNotificationsResult> {
  const file = await gitHost.findFile(configRepo, NOTIFICATIONS_CONFIG_PATH, gitRef);
  if (file === undefined) return { type: 'missing' };
  const parsed = parseNotificationsConfig(file.text, NOTIFICATIONS_CONFIG_PATH);
  if (parsed.ok) return { type: 'loaded', config: parsed.config };
  const errors = parsed.errors.map(renderValidationMessage);
  log.warn(
    { repo: `${configRepo.owner}/${configRepo.repo}`, errors },
    `${NOTIFICATIONS_CONFIG_PATH} is invalid; ready PRs are not announced until it is fixed`,
  );
  return { type: 'invalid', errors };
}
