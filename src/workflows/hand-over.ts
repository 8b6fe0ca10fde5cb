/**
 * Hand-over (issue 7): what happens to a PR once the judge approved it.
 *
 * - Owner preview (`review.ownerPreview`, and the owners have not approved yet): label
 *   `fleetwright:owner-review` and post one comment naming the migration owners (edited in place);
 *   the PR stays a draft. Returns `owner-review`.
 * - Otherwise: mark the PR ready for review (marking ready does not re-run CI, so nothing waits
 *   for it), request reviews from the code owners of the changed files (CODEOWNERS from the PR's
 *   base branch) or from the manifest's reviewers, swap the labels, and queue a notification for
 *   the owning teams. Returns `ready`.
 *
 * Idempotent: the draft state, the pending review requests and the labels are read first, so a
 * second run requests nothing twice and notifies nobody again.
 */
import {
  CODEOWNERS_PATHS,
  collectCodeowners,
  parseCodeowners,
  type Codeowners,
} from '../core/codeowners/parse-codeowners.ts';
import type { Review } from '../core/manifest/schema.ts';
import { resolveNotificationTeams, type NotificationsConfig } from '../core/notify/notifications-config.ts';
import type { DiffStat, ReadyPrNotice } from '../core/notify/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { ChangedFile, GitHost, PullRequestInfo, RepoRef } from '../ports/git-host.ts';
import type { ReadyPrQueue } from '../ports/notifier.ts';

export const OWNER_REVIEW_LABEL = 'fleetwright:owner-review';
export const READY_LABEL = 'fleetwright:ready';
/** Hidden key of the owner-preview comment (`ensureComment`). */
export const OWNER_REVIEW_COMMENT_KEY = 'fleetwright:owner-review';
/** Default cap on review requests per PR: beyond that, a review request is noise. */
export const DEFAULT_MAX_REVIEWERS = 10;

export interface HandOverLogger {
  info(meta: object, message: string): void;
  warn(meta: object, message: string): void;
}

export interface HandOverDeps {
  gitHost: GitHost;
  clock: Clock;
  log: HandOverLogger;
  /** The notification batcher; absent = no notifications. */
  notifications?: ReadyPrQueue;
}

export interface HandOverInput {
  repo: RepoRef;
  pullNumber: number;
  migration: { id: string; title: string; review: Review; judgeCriteria: readonly string[] };
  /** The app's bot login (`my-app[bot]`): never requested as a reviewer. */
  botLogin: string;
  /** True once a migration owner approved the preview (the later owner command). */
  ownerApproved?: boolean;
  /** From the review outcome; computed from the changed files' list when absent (no line counts). */
  diffStat?: DiffStat;
  /** Extra things the reviewer should check (e.g. the review's guard warnings). */
  reviewNotes?: readonly string[];
  /** `notifications.yml` of the config repo, when it exists and is valid. */
  notificationsConfig?: NotificationsConfig;
  maxReviewers?: number;
}

export type HandOverOutcome =
  | { type: 'owner-review'; owners: string[]; commentCreated: boolean }
  | {
      type: 'ready';
      /** Whether this run changed the PR from draft/unlabelled to ready (false on a redelivery). */
      newlyReady: boolean;
      requested: { users: string[]; teams: string[] };
      /** Owners not requested, with why (author, bot, e-mail owner, other org, cap, already requested). */
      skipped: Array<{ owner: string; reason: string }>;
      /** Where the reviewers came from; `none` when CODEOWNERS is absent and no list is configured. */
      reviewersFrom: 'codeowners' | 'manifest' | 'none';
      codeownersSource?: string;
      notifiedTeams: string[];
    }
  | { type: 'skipped'; reason: 'pull-request-closed' };

/** Runs the hand-over for an approved PR. Throws `GitHostError` when GitHub fails (the caller retries). */
export async function handOver(deps: HandOverDeps, input: HandOverInput): Promise<HandOverOutcome> {
  const { gitHost, log } = deps;
  const { repo, pullNumber, migration } = input;
  const pr = await gitHost.getPullRequest(repo, pullNumber);
  if (pr.state !== 'open') return { type: 'skipped', reason: 'pull-request-closed' };

  if (migration.review.ownerPreview && input.ownerApproved !== true) {
    await gitHost.ensureLabels(repo, pullNumber, { add: [OWNER_REVIEW_LABEL] });
    const owners = migration.review.owners;
    const { created } = await gitHost.ensureComment(
      repo,
      pullNumber,
      OWNER_REVIEW_COMMENT_KEY,
      renderOwnerReviewComment(migration, owners),
    );
    log.info({ repo: slug(repo), pullNumber, owners }, 'Approved PR waits for an owner preview');
    return { type: 'owner-review', owners: [...owners], commentCreated: created };
  }

  const newlyReady = pr.draft || !hasLabel(pr, READY_LABEL);
  if (pr.draft) await gitHost.markReadyForReview(repo, pr.nodeId);

  const changed = await gitHost.listChangedFiles(repo, pr.baseRef, pr.headSha);
  const paths = changedPaths(changed);
  const codeowners = await findCodeowners(gitHost, repo, pr.baseRef);
  const ownersOfChanges = codeowners ? collectCodeowners(codeowners, paths).owners : [];
  if (codeowners && codeowners.problems.length > 0) {
    log.warn(
      { repo: slug(repo), source: codeowners.source, problems: codeowners.problems.length },
      'CODEOWNERS has lines GitHub ignores',
    );
  }

  const configured = migration.review.reviewers;
  const candidates = configured === 'codeowners' ? ownersOfChanges : configured;
  const reviewersFrom =
    configured !== 'codeowners' ? 'manifest' : codeowners === undefined ? 'none' : 'codeowners';
  const already = await gitHost.listRequestedReviewers(repo, pullNumber);
  const plan = planReviewRequests(candidates, {
    org: repo.owner,
    author: pr.authorLogin,
    botLogin: input.botLogin,
    alreadyRequested: already,
    max: input.maxReviewers ?? DEFAULT_MAX_REVIEWERS,
  });
  if (plan.users.length > 0 || plan.teams.length > 0) {
    await gitHost.requestReviewers(repo, pullNumber, { users: plan.users, teams: plan.teams });
  }
  await gitHost.ensureLabels(repo, pullNumber, { add: [READY_LABEL], remove: [OWNER_REVIEW_LABEL] });

  const notifiedTeams: string[] = [];
  if (newlyReady && deps.notifications && input.notificationsConfig) {
    const targets = resolveNotificationTeams(input.notificationsConfig, ownersOfChanges);
    if (targets.length > 0) {
      deps.notifications.enqueue(targets, {
        repo: slug(repo),
        number: pr.number,
        title: pr.title,
        url: pr.htmlUrl,
        migrationId: migration.id,
        migrationTitle: migration.title,
        diffStat: input.diffStat ?? { files: paths.length, additions: 0, deletions: 0 },
        checklist: [...migration.judgeCriteria, ...(input.reviewNotes ?? [])],
        readyAt: deps.clock.now().toISOString(),
      } satisfies ReadyPrNotice);
      notifiedTeams.push(...targets.map((t) => t.team));
    }
  }
  log.info(
    {
      repo: slug(repo),
      pullNumber,
      requested: plan,
      skipped: plan.skipped.length,
      newlyReady,
      notifiedTeams,
    },
    'PR handed over for review',
  );
  return {
    type: 'ready',
    newlyReady,
    requested: { users: plan.users, teams: plan.teams },
    skipped: plan.skipped,
    reviewersFrom,
    ...(codeowners ? { codeownersSource: codeowners.source } : {}),
    notifiedTeams,
  };
}

/**
 * The CODEOWNERS file GitHub would use for the base branch: `.github/CODEOWNERS`, then
 * `CODEOWNERS`, then `docs/CODEOWNERS`; the first one that exists wins.
 */
export async function findCodeowners(
  gitHost: GitHost,
  repo: RepoRef,
  baseRef: string,
): Promise<Codeowners | undefined> {
  for (const path of CODEOWNERS_PATHS) {
    const file = await gitHost.findFile(repo, path, baseRef);
    if (file !== undefined) return parseCodeowners(file.text, `${path}@${baseRef}`);
  }
  return undefined;
}

export interface ReviewRequestPlan {
  users: string[];
  /** Team slugs (without the org), as the review-request API takes them. */
  teams: string[];
  skipped: Array<{ owner: string; reason: string }>;
}

/**
 * Turns owners as written (`@user`, `user`, `@org/team`, e-mail) into a review request: teams of
 * the repository's organisation become slugs, e-mail owners and teams of other organisations
 * cannot be requested, the PR author and the bot are never asked, people already requested are
 * not asked again, and at most `max` reviewers are requested in owner order. Pure.
 */
export function planReviewRequests(
  owners: readonly string[],
  context: {
    org: string;
    author: string | null;
    botLogin: string;
    alreadyRequested: { users: readonly string[]; teams: readonly string[] };
    max: number;
  },
): ReviewRequestPlan {
  const lower = (s: string) => s.toLowerCase();
  const never = new Set(
    [context.author ?? '', context.botLogin, context.botLogin.replace(/\[bot\]$/i, '')]
      .filter((s) => s !== '')
      .map(lower),
  );
  const requestedUsers = new Set(context.alreadyRequested.users.map(lower));
  const requestedTeams = new Set(context.alreadyRequested.teams.map(lower));
  const plan: ReviewRequestPlan = { users: [], teams: [], skipped: [] };
  const seen = new Set<string>();
  for (const raw of owners) {
    const owner = raw.trim();
    if (owner === '' || seen.has(lower(owner))) continue;
    seen.add(lower(owner));
    const skip = (reason: string) => plan.skipped.push({ owner, reason });
    const name = owner.startsWith('@') ? owner.slice(1) : owner;
    if (!owner.startsWith('@') && name.includes('@')) {
      skip('e-mail owners cannot be requested as reviewers');
      continue;
    }
    const slash = name.indexOf('/');
    if (slash >= 0) {
      const org = name.slice(0, slash);
      const team = name.slice(slash + 1);
      if (lower(org) !== lower(context.org)) skip(`team of another organisation than ${context.org}`);
      else if (requestedTeams.has(lower(team))) skip('already requested');
      else if (plan.users.length + plan.teams.length >= context.max)
        skip(`over the cap of ${context.max} reviewers`);
      else plan.teams.push(team);
      continue;
    }
    if (never.has(lower(name)))
      skip(lower(name) === lower(context.author ?? '') ? 'the PR author' : 'the app itself');
    else if (requestedUsers.has(lower(name))) skip('already requested');
    else if (plan.users.length + plan.teams.length >= context.max)
      skip(`over the cap of ${context.max} reviewers`);
    else plan.users.push(name);
  }
  return plan;
}

/** The owner-preview comment: who should look, and how to release the PR to code owners. */
export function renderOwnerReviewComment(
  migration: { id: string; title: string },
  owners: readonly string[],
): string {
  const mentions = owners.map((o) => (o.startsWith('@') ? o : `@${o}`)).join(', ');
  return [
    '### 👀 Owner preview',
    '',
    `The fleetwright judge approved this PR for the migration **${migration.title.replace(/[\r\n]+/g, ' ')}** (\`${migration.id}\`).`,
    `Migration owners ${mentions === '' ? '(none configured)' : mentions}: please review it before it is handed to the code owners.`,
    '',
    'It stays a draft and nobody else is asked to review until an owner approves it.',
  ].join('\n');
}

function changedPaths(files: readonly ChangedFile[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    out.add(f.path);
    // A rename also changes the old path, which may have other owners.
    if (f.previousPath !== undefined) out.add(f.previousPath);
  }
  return [...out];
}

function hasLabel(pr: PullRequestInfo, label: string): boolean {
  return pr.labels.some((l) => l.toLowerCase() === label.toLowerCase());
}

function slug(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`;
}
