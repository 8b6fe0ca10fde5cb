/**
 * REST routes for the conversation side: pull requests (draft, review requests), issues,
 * labels, comments and reactions. Issues and PRs share numbers; PRs appear in issue lists.
 */
import { HttpError, notFound, validationFailed } from './http-error.ts';
import type { SimIssue, SimRepo } from './model.ts';
import { diffFiles, unifiedDiff } from './diff.ts';
import * as ser from './serialize.ts';
import { paginate, type Route, type RouteContext } from './route.ts';
import type { Actor, GitHubSim } from './simulator.ts';

const MAX_BODY = 65536;
const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'];

function checkBody(body: unknown, resource: string): string {
  if (body === undefined || body === null) return '';
  if (typeof body !== 'string') throw validationFailed(resource, 'body', 'invalid');
  if (body.length > MAX_BODY) {
    throw validationFailed(
      resource,
      'body',
      'custom',
      `body is too long (maximum is ${MAX_BODY} characters)`,
    );
  }
  return body;
}

function issueOr404(repo: SimRepo, number: string | undefined): SimIssue {
  const issue = repo.issues.get(Number(number));
  if (!issue) throw notFound();
  return issue;
}

function pullOr404(repo: SimRepo, number: string | undefined): SimIssue {
  const issue = issueOr404(repo, number);
  if (!issue.pull) throw notFound();
  return issue;
}

function pullJson(sim: GitHubSim, repo: SimRepo, issue: SimIssue) {
  return sim.pullObject(repo, issue);
}

function sortIssues(list: SimIssue[], query: URLSearchParams): SimIssue[] {
  const sort = query.get('sort') ?? 'created';
  const direction = query.get('direction') ?? 'desc';
  const key = (i: SimIssue) =>
    (sort === 'updated' ? i.updatedAt : i.createdAt) + String(i.number).padStart(9, '0');
  const sorted = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return direction === 'asc' ? sorted : sorted.reverse();
}

function addLabels(sim: GitHubSim, repo: SimRepo, issue: SimIssue, names: string[], actor: Actor): void {
  for (const name of names) {
    if (typeof name !== 'string' || name.trim() === '') throw validationFailed('Label', 'name', 'invalid');
    if (issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) continue;
    // Like GitHub, adding an unknown label to an issue creates it in the repository.
    const label = sim.ensureLabel(repo, name);
    issue.labels.push(label.name);
    issue.updatedAt = sim.now();
    const extra = { label: ser.label(label, repo, sim.urls) };
    if (issue.pull) sim.emitPull(repo, issue, 'labeled', actor, extra);
    else sim.emitIssue(repo, issue, 'labeled', actor, extra);
  }
}

function removeLabel(sim: GitHubSim, repo: SimRepo, issue: SimIssue, name: string, actor: Actor): boolean {
  const index = issue.labels.findIndex((l) => l.toLowerCase() === name.toLowerCase());
  if (index === -1) return false;
  issue.labels.splice(index, 1);
  issue.updatedAt = sim.now();
  const label = repo.labels.get(name.toLowerCase());
  const extra = label ? { label: ser.label(label, repo, sim.urls) } : {};
  if (issue.pull) sim.emitPull(repo, issue, 'unlabeled', actor, extra);
  else sim.emitIssue(repo, issue, 'unlabeled', actor, extra);
  return true;
}

function labelNames(body: Record<string, unknown>): string[] {
  const labels = Array.isArray(body) ? body : body.labels;
  if (!Array.isArray(labels)) throw validationFailed('Label', 'labels', 'missing_field');
  return labels.map((l) => (typeof l === 'string' ? l : String((l as { name?: string }).name ?? '')));
}

function editIssue(ctx: RouteContext, issue: SimIssue): void {
  const { sim, repo, body, actor } = ctx;
  const changes: Record<string, { from: string }> = {};
  if (typeof body.title === 'string' && body.title !== issue.title) {
    if (body.title.trim() === '') throw validationFailed('Issue', 'title', 'missing_field');
    changes.title = { from: issue.title };
    issue.title = body.title;
  }
  if (body.body !== undefined) {
    const text = checkBody(body.body, issue.pull ? 'PullRequest' : 'Issue');
    if (text !== issue.body) {
      changes.body = { from: issue.body };
      issue.body = text;
    }
  }
  if (Object.keys(changes).length > 0) {
    issue.updatedAt = sim.now();
    if (issue.pull) sim.emitPull(repo, issue, 'edited', actor, { changes });
    else sim.emitIssue(repo, issue, 'edited', actor, { changes });
  }
  if (Array.isArray(body.labels)) {
    const wanted = labelNames(body);
    for (const name of [...issue.labels])
      if (!wanted.some((w) => w.toLowerCase() === name.toLowerCase()))
        removeLabel(sim, repo, issue, name, actor);
    addLabels(sim, repo, issue, wanted, actor);
  }
  if (body.state === 'closed') {
    sim.closeIssue(repo, issue, actor);
    if (!issue.pull && typeof body.state_reason === 'string') issue.stateReason = body.state_reason;
  } else if (body.state === 'open') {
    sim.reopenIssue(repo, issue, actor);
  }
}

function findComment(repo: SimRepo, id: string | undefined) {
  const comment = repo.comments.get(Number(id));
  if (!comment) throw notFound();
  return comment;
}

function react(ctx: RouteContext, target: { reactions: SimIssue['reactions'] }) {
  const { sim, body, actor } = ctx;
  const content = String(body.content ?? '');
  if (!REACTIONS.includes(content)) throw validationFailed('Reaction', 'content', 'invalid');
  const existing = target.reactions.find((r) => r.content === content && r.user.id === actor.user.id);
  if (existing) return { status: 200, json: ser.reaction(existing, sim.urls) };
  const reaction = { id: sim.nextId(), content, user: actor.user, createdAt: sim.now() };
  target.reactions.push(reaction);
  return { status: 201, json: ser.reaction(reaction, sim.urls) };
}

export const issueRoutes: Route[] = [
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/pulls',
    write: true,
    handler: ({ sim, repo, body, actor }) => {
      const title = body.title;
      if (typeof title !== 'string' || title.trim() === '')
        throw validationFailed('PullRequest', 'title', 'missing_field');
      const text = checkBody(body.body, 'PullRequest');
      const rawHead = String(body.head ?? '');
      const headRef = rawHead.includes(':') ? rawHead.slice(rawHead.indexOf(':') + 1) : rawHead;
      if (
        rawHead.includes(':') &&
        rawHead.slice(0, rawHead.indexOf(':')).toLowerCase() !== repo.owner.login.toLowerCase()
      ) {
        throw validationFailed('PullRequest', 'head', 'invalid');
      }
      const baseRef = String(body.base ?? '');
      const baseSha = sim.branchHead(repo, baseRef);
      if (!baseSha) throw validationFailed('PullRequest', 'base', 'invalid');
      const headSha = sim.branchHead(repo, headRef);
      if (!headSha) throw validationFailed('PullRequest', 'head', 'invalid');
      const duplicate = [...repo.issues.values()].find(
        (i) => i.state === 'open' && i.pull?.headRef === headRef && i.pull.baseRef === baseRef,
      );
      if (duplicate) {
        throw validationFailed(
          'PullRequest',
          'head',
          'custom',
          `A pull request already exists for ${repo.owner.login}:${headRef}.`,
        );
      }
      if (repo.git.commitsBetween(baseSha, headSha).length === 0) {
        throw validationFailed(
          'PullRequest',
          'base',
          'custom',
          `No commits between ${baseRef} and ${headRef}`,
        );
      }
      if (body.draft === true && !repo.draftPullRequests) {
        throw new HttpError(422, 'Draft pull requests are not supported in this repository.');
      }
      const issue = sim.createIssue(
        repo,
        {
          title,
          body: text,
          pull: {
            headRef,
            headSha,
            baseRef,
            baseSha,
            draft: body.draft === true,
            merged: false,
            mergedAt: null,
            mergedBy: null,
            mergeCommitSha: null,
            requestedReviewers: [],
            requestedTeams: [],
            maintainerCanModify: body.maintainer_can_modify !== false,
          },
        },
        actor,
      );
      return { status: 201, json: pullJson(sim, repo, issue) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls',
    handler: (ctx) => {
      const { sim, repo, query } = ctx;
      const state = query.get('state') ?? 'open';
      let pulls = [...repo.issues.values()].filter((i) => i.pull && (state === 'all' || i.state === state));
      const head = query.get('head');
      if (head) {
        const [owner, branch] = head.includes(':') ? head.split(/:(.*)/s, 2) : [repo.owner.login, head];
        pulls =
          owner!.toLowerCase() === repo.owner.login.toLowerCase()
            ? pulls.filter((i) => i.pull!.headRef === branch)
            : [];
      }
      if (query.get('base')) pulls = pulls.filter((i) => i.pull!.baseRef === query.get('base'));
      const { page, headers } = paginate(ctx, sortIssues(pulls, query));
      return { headers, json: page.map((i) => pullJson(sim, repo, i)) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}',
    handler: ({ sim, repo, params, headers }) => {
      const issue = pullOr404(repo, params.pull_number);
      if (String(headers.accept ?? '').includes('application/vnd.github.diff')) {
        const pull = issue.pull!;
        const base = repo.git.mergeBase(pull.baseSha, pull.headSha) ?? pull.baseSha;
        return {
          text: unifiedDiff(repo, repo.git.filesAt(base), repo.git.filesAt(pull.headSha)),
          contentType: 'application/vnd.github.diff; charset=utf-8',
        };
      }
      return { json: pullJson(sim, repo, issue) };
    },
  },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}',
    write: true,
    handler: (ctx) => {
      const issue = pullOr404(ctx.repo, ctx.params.pull_number);
      if (ctx.body.base !== undefined) {
        const baseSha = ctx.sim.branchHead(ctx.repo, String(ctx.body.base));
        if (!baseSha) throw validationFailed('PullRequest', 'base', 'invalid');
        issue.pull!.baseRef = String(ctx.body.base);
        issue.pull!.baseSha = baseSha;
      }
      editIssue(ctx, issue);
      return { json: pullJson(ctx.sim, ctx.repo, issue) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}/commits',
    handler: (ctx) => {
      const { sim, repo } = ctx;
      const issue = pullOr404(repo, ctx.params.pull_number);
      const base = repo.git.mergeBase(issue.pull!.baseSha, issue.pull!.headSha) ?? issue.pull!.baseSha;
      const commits = repo.git.commitsBetween(base, issue.pull!.headSha);
      const { page, headers } = paginate(ctx, commits);
      return {
        headers,
        json: page.map((c) => ser.commit(c, repo, sim.urls, (login) => sim.findUser(login))),
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}/files',
    handler: (ctx) => {
      const { sim, repo } = ctx;
      const pull = pullOr404(repo, ctx.params.pull_number).pull!;
      const base = repo.git.mergeBase(pull.baseSha, pull.headSha) ?? pull.baseSha;
      const files = diffFiles(
        sim,
        repo,
        repo.git.filesAt(base),
        repo.git.filesAt(pull.headSha),
        pull.headSha,
      );
      const { page, headers } = paginate(ctx, files);
      return { headers, json: page };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    write: true,
    handler: ({ sim, repo, params, body, actor }) => {
      const issue = pullOr404(repo, params.pull_number);
      const users = Array.isArray(body.reviewers) ? (body.reviewers as string[]) : [];
      const teams = Array.isArray(body.team_reviewers) ? (body.team_reviewers as string[]) : [];
      for (const login of users) {
        if (login.toLowerCase() === issue.user.login.toLowerCase()) {
          throw new HttpError(422, 'Review cannot be requested from pull request author.');
        }
        if (!repo.collaborators.has(login.toLowerCase())) {
          throw new HttpError(
            422,
            'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ' +
              `${repo.owner.login}/${repo.name} repository.`,
          );
        }
      }
      for (const login of users) {
        if (issue.pull!.requestedReviewers.includes(login)) continue;
        issue.pull!.requestedReviewers.push(login);
        sim.emitPull(repo, issue, 'review_requested', actor, {
          requested_reviewer: ser.user(sim.ensureUser(login), sim.urls),
        });
      }
      for (const slug of teams) {
        if (issue.pull!.requestedTeams.includes(slug)) continue;
        issue.pull!.requestedTeams.push(slug);
        sim.emitPull(repo, issue, 'review_requested', actor, { requested_team: sim.teamObject(slug) });
      }
      return { status: 201, json: pullJson(sim, repo, issue) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    handler: ({ sim, repo, params }) => {
      const pull = pullOr404(repo, params.pull_number).pull!;
      return {
        json: {
          users: pull.requestedReviewers.map((login) => ser.user(sim.ensureUser(login), sim.urls)),
          teams: pull.requestedTeams.map((slug) => sim.teamObject(slug)),
        },
      };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues',
    write: true,
    handler: ({ sim, repo, body, actor }) => {
      if (typeof body.title !== 'string' || body.title.trim() === '')
        throw validationFailed('Issue', 'title', 'missing_field');
      const issue = sim.createIssue(
        repo,
        {
          title: body.title,
          body: checkBody(body.body, 'Issue'),
          labels: Array.isArray(body.labels) ? labelNames(body) : [],
        },
        actor,
      );
      return { status: 201, json: ser.issue(issue, repo, sim.urls) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues',
    handler: (ctx) => {
      const { sim, repo, query } = ctx;
      const state = query.get('state') ?? 'open';
      let issues = [...repo.issues.values()].filter((i) => state === 'all' || i.state === state);
      const labels = query.get('labels');
      if (labels) {
        const wanted = labels.split(',').map((l) => l.trim().toLowerCase());
        issues = issues.filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)));
      }
      const creator = query.get('creator');
      if (creator) issues = issues.filter((i) => i.user.login.toLowerCase() === creator.toLowerCase());
      const since = query.get('since');
      if (since) issues = issues.filter((i) => i.updatedAt >= since);
      const { page, headers } = paginate(ctx, sortIssues(issues, query));
      return { headers, json: page.map((i) => ser.issue(i, repo, sim.urls)) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues/{issue_number}',
    handler: ({ sim, repo, params }) => ({
      json: ser.issue(issueOr404(repo, params.issue_number), repo, sim.urls),
    }),
  },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/issues/{issue_number}',
    write: true,
    handler: (ctx) => {
      const issue = issueOr404(ctx.repo, ctx.params.issue_number);
      editIssue(ctx, issue);
      return { json: ser.issue(issue, ctx.repo, ctx.sim.urls) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    handler: (ctx) => {
      const { sim, repo } = ctx;
      const issue = issueOr404(repo, ctx.params.issue_number);
      const since = ctx.query.get('since');
      const comments = [...repo.comments.values()].filter(
        (c) => c.issueNumber === issue.number && (!since || c.updatedAt >= since),
      );
      const { page, headers } = paginate(ctx, comments);
      return { headers, json: page.map((c) => ser.comment(c, repo, sim.urls)) };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    write: true,
    handler: ({ sim, repo, params, body, actor }) => {
      const issue = issueOr404(repo, params.issue_number);
      const text = checkBody(body.body, 'IssueComment');
      if (text.trim() === '') throw validationFailed('IssueComment', 'body', 'missing_field');
      const comment = sim.createComment(repo, issue, text, actor);
      return { status: 201, json: ser.comment(comment, repo, sim.urls) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    handler: ({ sim, repo, params }) => ({
      json: ser.comment(findComment(repo, params.comment_id), repo, sim.urls),
    }),
  },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    write: true,
    handler: ({ sim, repo, params, body, actor }) => {
      const comment = findComment(repo, params.comment_id);
      if (actor.app && comment.viaApp?.id !== actor.app.id && comment.user.id !== actor.user.id) {
        throw new HttpError(403, 'Resource not accessible by integration');
      }
      const text = checkBody(body.body, 'IssueComment');
      if (text.trim() === '') throw validationFailed('IssueComment', 'body', 'missing_field');
      if (text !== comment.body) {
        const from = comment.body;
        comment.body = text;
        comment.updatedAt = sim.now();
        sim.emitComment(repo, repo.issues.get(comment.issueNumber)!, comment, 'edited', actor, {
          changes: { body: { from } },
        });
      }
      return { json: ser.comment(comment, repo, sim.urls) };
    },
  },
  {
    method: 'DELETE',
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    write: true,
    handler: ({ repo, params }) => {
      const comment = findComment(repo, params.comment_id);
      repo.comments.delete(comment.id);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    write: true,
    handler: (ctx) => react(ctx, findComment(ctx.repo, ctx.params.comment_id)),
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    handler: (ctx) => {
      const comment = findComment(ctx.repo, ctx.params.comment_id);
      const { page, headers } = paginate(ctx, comment.reactions);
      return { headers, json: page.map((r) => ser.reaction(r, ctx.sim.urls)) };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/reactions',
    write: true,
    handler: (ctx) => react(ctx, issueOr404(ctx.repo, ctx.params.issue_number)),
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    handler: (ctx) => {
      const issue = issueOr404(ctx.repo, ctx.params.issue_number);
      const labels = issue.labels.map((n) =>
        ser.label(ctx.repo.labels.get(n.toLowerCase())!, ctx.repo, ctx.sim.urls),
      );
      const { page, headers } = paginate(ctx, labels);
      return { headers, json: page };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    write: true,
    handler: ({ sim, repo, params, body, actor }) => {
      const issue = issueOr404(repo, params.issue_number);
      addLabels(sim, repo, issue, labelNames(body), actor);
      return { json: issue.labels.map((n) => ser.label(repo.labels.get(n.toLowerCase())!, repo, sim.urls)) };
    },
  },
  {
    method: 'PUT',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    write: true,
    handler: ({ sim, repo, params, body, actor }) => {
      const issue = issueOr404(repo, params.issue_number);
      const wanted = labelNames(body);
      for (const name of [...issue.labels])
        if (!wanted.some((w) => w.toLowerCase() === name.toLowerCase()))
          removeLabel(sim, repo, issue, name, actor);
      addLabels(sim, repo, issue, wanted, actor);
      return { json: issue.labels.map((n) => ser.label(repo.labels.get(n.toLowerCase())!, repo, sim.urls)) };
    },
  },
  {
    method: 'DELETE',
    template: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
    write: true,
    handler: ({ sim, repo, params, actor }) => {
      const issue = issueOr404(repo, params.issue_number);
      if (!removeLabel(sim, repo, issue, params.name!, actor))
        throw new HttpError(404, 'Label does not exist');
      return { json: issue.labels.map((n) => ser.label(repo.labels.get(n.toLowerCase())!, repo, sim.urls)) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/labels',
    handler: (ctx) => {
      const labels = [...ctx.repo.labels.values()].map((l) => ser.label(l, ctx.repo, ctx.sim.urls));
      const { page, headers } = paginate(ctx, labels);
      return { headers, json: page };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/labels/{name}',
    handler: ({ sim, repo, params }) => {
      const label = repo.labels.get(params.name!.toLowerCase());
      if (!label) throw notFound();
      return { json: ser.label(label, repo, sim.urls) };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/labels',
    write: true,
    handler: ({ sim, repo, body }) => {
      const name = String(body.name ?? '').trim();
      if (!name) throw validationFailed('Label', 'name', 'missing_field');
      if (repo.labels.has(name.toLowerCase())) throw validationFailed('Label', 'name', 'already_exists');
      const color = String(body.color ?? 'ededed').replace(/^#/, '');
      if (!/^[0-9a-fA-F]{6}$/.test(color)) throw validationFailed('Label', 'color', 'invalid');
      const label = sim.ensureLabel(repo, name, color, (body.description as string | undefined) ?? null);
      return { status: 201, json: ser.label(label, repo, sim.urls) };
    },
  },
];
