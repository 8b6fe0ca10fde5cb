/**
 * The conversation side: labels, the app's keyed comments and dashboard issue (found by their
 * hidden marker before anything is written), command replies, reactions, and permissions.
 */
import type { IssueInfo, Reaction, RepoPermission, RepoRef } from '../../ports/git-host.ts';
import type { AdapterContext } from './client.ts';
import { attempt, isNotFound } from './map-request-error.ts';
import { hasKeyMarker, isOwnedByApp, renderKeyMarker, withKeyMarker } from './markers.ts';

/**
 * Adds missing labels (GitHub creates unknown ones in the repository) and removes `remove`.
 * `current` skips the read when the caller already knows the PR's labels.
 */
export async function ensureLabels(
  ctx: AdapterContext,
  ref: RepoRef,
  number: number,
  labels: { add?: string[]; remove?: string[] },
  current?: readonly string[],
): Promise<void> {
  return attempt(`set labels on ${ref.owner}/${ref.repo}#${number}`, async () => {
    const add = [...new Set(labels.add ?? [])];
    const remove = [...new Set(labels.remove ?? [])].filter(
      (r) => !add.some((a) => a.toLowerCase() === r.toLowerCase()),
    );
    if (add.length === 0 && remove.length === 0) return;
    const have =
      current ??
      (
        await ctx.octokit.paginate(ctx.octokit.rest.issues.listLabelsOnIssue, {
          owner: ref.owner,
          repo: ref.repo,
          issue_number: number,
          per_page: 100,
        })
      ).map((l) => l.name);
    const has = (name: string) => have.some((h) => h.toLowerCase() === name.toLowerCase());
    const missing = add.filter((name) => !has(name));
    if (missing.length > 0) {
      await ctx.octokit.rest.issues.addLabels({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: number,
        labels: missing,
      });
    }
    for (const name of remove.filter(has)) {
      try {
        await ctx.octokit.rest.issues.removeLabel({
          owner: ref.owner,
          repo: ref.repo,
          issue_number: number,
          name,
        });
      } catch (error) {
        // Someone removed it since we looked: the goal is met.
        if (!isNotFound(error)) throw error;
      }
    }
  });
}

export async function ensureComment(
  ctx: AdapterContext,
  ref: RepoRef,
  number: number,
  key: string,
  body: string,
): Promise<{ id: number; created: boolean }> {
  const full = withKeyMarker(key, body);
  return attempt(`write comment "${key}" on ${ref.owner}/${ref.repo}#${number}`, async () => {
    const comments = await ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
      owner: ref.owner,
      repo: ref.repo,
      issue_number: number,
      per_page: 100,
    });
    const mine = comments.find((c) => isOwnedByApp(c, ctx.appId, ctx.botLogin) && hasKeyMarker(c.body, key));
    if (mine) {
      if (mine.body !== full) {
        await ctx.octokit.rest.issues.updateComment({
          owner: ref.owner,
          repo: ref.repo,
          comment_id: mine.id,
          body: full,
        });
      }
      return { id: mine.id, created: false };
    }
    const { data } = await ctx.octokit.rest.issues.createComment({
      owner: ref.owner,
      repo: ref.repo,
      issue_number: number,
      body: full,
    });
    return { id: data.id, created: true };
  });
}

export async function createComment(
  ctx: AdapterContext,
  ref: RepoRef,
  number: number,
  body: string,
): Promise<{ id: number }> {
  return attempt(`comment on ${ref.owner}/${ref.repo}#${number}`, async () => {
    const { data } = await ctx.octokit.rest.issues.createComment({
      owner: ref.owner,
      repo: ref.repo,
      issue_number: number,
      body,
    });
    return { id: data.id };
  });
}

export async function addReaction(
  ctx: AdapterContext,
  ref: RepoRef,
  commentId: number,
  reaction: Reaction,
): Promise<void> {
  return attempt(`react to comment ${commentId} in ${ref.owner}/${ref.repo}`, async () => {
    // 200 (already there) and 201 (created) both mean done.
    await ctx.octokit.rest.reactions.createForIssueComment({
      owner: ref.owner,
      repo: ref.repo,
      comment_id: commentId,
      content: reaction,
    });
  });
}

const ROLES: RepoPermission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];

export async function getPermission(
  ctx: AdapterContext,
  ref: RepoRef,
  login: string,
): Promise<RepoPermission> {
  return attempt(`read permission of ${login} on ${ref.owner}/${ref.repo}`, async () => {
    try {
      const { data } = await ctx.octokit.rest.repos.getCollaboratorPermissionLevel({
        owner: ref.owner,
        repo: ref.repo,
        username: login,
      });
      // `role_name` keeps maintain/triage (and names custom roles); `permission` folds them.
      const role = (data as { role_name?: string }).role_name;
      if (role && (ROLES as string[]).includes(role)) return role as RepoPermission;
      return (ROLES as string[]).includes(data.permission) ? (data.permission as RepoPermission) : 'none';
    } catch (error) {
      if (isNotFound(error)) return 'none';
      throw error;
    }
  });
}

function toIssueInfo(issue: {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
}): IssueInfo {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state === 'open' ? 'open' : 'closed',
    htmlUrl: issue.html_url,
  };
}

/** The app's issues carrying `key`, oldest first (the one to use is the first). */
async function findOwnIssue(ctx: AdapterContext, ref: RepoRef, key: string) {
  const candidates = await ctx.octokit.paginate(ctx.octokit.rest.issues.listForRepo, {
    owner: ref.owner,
    repo: ref.repo,
    state: 'all',
    // The bot's own issues only, when we know its login: one page instead of the whole tracker.
    ...(ctx.botLogin ? { creator: ctx.botLogin } : {}),
    per_page: 100,
  });
  return candidates
    .filter((i) => !i.pull_request && isOwnedByApp(i, ctx.appId, ctx.botLogin) && hasKeyMarker(i.body, key))
    .sort((a, b) => a.number - b.number)[0];
}

export async function findIssue(
  ctx: AdapterContext,
  ref: RepoRef,
  key: string,
): Promise<IssueInfo | undefined> {
  renderKeyMarker(key);
  return attempt(`find issue "${key}" in ${ref.owner}/${ref.repo}`, async () => {
    const mine = await findOwnIssue(ctx, ref, key);
    return mine ? toIssueInfo(mine) : undefined;
  });
}

export async function ensureIssue(
  ctx: AdapterContext,
  ref: RepoRef,
  key: string,
  issue: { title: string; body: string; labels?: string[] },
): Promise<IssueInfo> {
  const full = withKeyMarker(key, issue.body);
  return attempt(`write issue "${key}" in ${ref.owner}/${ref.repo}`, async () => {
    const mine = await findOwnIssue(ctx, ref, key);
    const labels = issue.labels ?? [];
    if (!mine) {
      const { data } = await ctx.octokit.rest.issues.create({
        owner: ref.owner,
        repo: ref.repo,
        title: issue.title,
        body: full,
        labels,
      });
      return toIssueInfo(data);
    }
    const have = mine.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? '')));
    const missing = labels.filter((l) => !have.some((h) => h.toLowerCase() === l.toLowerCase()));
    if (mine.title === issue.title && mine.body === full && missing.length === 0) return toIssueInfo(mine);
    // A closed dashboard stays closed: people closed it on purpose.
    const { data } = await ctx.octokit.rest.issues.update({
      owner: ref.owner,
      repo: ref.repo,
      issue_number: mine.number,
      title: issue.title,
      body: full,
      ...(missing.length > 0 ? { labels: [...have, ...missing] } : {}),
    });
    return toIssueInfo(data);
  });
}
