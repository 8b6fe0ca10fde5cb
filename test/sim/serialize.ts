/**
 * Renders simulator records in GitHub's REST/webhook JSON shapes (field names as in GitHub's
 * OpenAPI description: `simple-user`, `repository`, `pull-request`, `check-run`, …). Only the
 * fields a GitHub client plausibly reads are filled; URLs derive from the simulator's base URL.
 */
import type {
  SimApp,
  SimCheckRun,
  SimCheckSuite,
  SimComment,
  SimInstallation,
  SimIssue,
  SimJob,
  SimLabel,
  SimReaction,
  SimRepo,
  SimStatus,
  SimUser,
  SimWorkflowRun,
} from './model.ts';
import type { GitCommit } from './git-store.ts';

export interface Urls {
  /** `http://127.0.0.1:<port>/api/v3` */
  api: string;
  /** `http://127.0.0.1:<port>` (GHE serves html at the host root). */
  html: string;
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '');
}

export function user(u: SimUser, urls: Urls): Record<string, unknown> {
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === 'Bot' ? 'Bot' : 'User', u.id),
    avatar_url: `${urls.html}/avatars/u/${u.id}`,
    gravatar_id: '',
    url: `${urls.api}/users/${encodeURIComponent(u.login)}`,
    html_url: `${urls.html}/${u.type === 'Bot' ? 'apps/' + u.login.replace(/\[bot\]$/, '') : u.login}`,
    followers_url: `${urls.api}/users/${encodeURIComponent(u.login)}/followers`,
    following_url: `${urls.api}/users/${encodeURIComponent(u.login)}/following{/other_user}`,
    gists_url: `${urls.api}/users/${encodeURIComponent(u.login)}/gists{/gist_id}`,
    starred_url: `${urls.api}/users/${encodeURIComponent(u.login)}/starred{/owner}{/repo}`,
    subscriptions_url: `${urls.api}/users/${encodeURIComponent(u.login)}/subscriptions`,
    organizations_url: `${urls.api}/users/${encodeURIComponent(u.login)}/orgs`,
    repos_url: `${urls.api}/users/${encodeURIComponent(u.login)}/repos`,
    events_url: `${urls.api}/users/${encodeURIComponent(u.login)}/events{/privacy}`,
    received_events_url: `${urls.api}/users/${encodeURIComponent(u.login)}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

export function app(a: SimApp, urls: Urls): Record<string, unknown> {
  return {
    id: a.id,
    slug: a.slug,
    node_id: nodeId('App', a.id),
    client_id: `Iv1.${a.id.toString(16).padStart(16, '0')}`,
    owner: user(a.owner, urls),
    name: a.name,
    description: '',
    external_url: `${urls.html}/apps/${a.slug}`,
    html_url: `${urls.html}/apps/${a.slug}`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    permissions: {
      actions: 'read',
      checks: 'write',
      contents: 'write',
      issues: 'write',
      metadata: 'read',
      pull_requests: 'write',
      statuses: 'read',
    },
    events: ['check_run', 'check_suite', 'issue_comment', 'pull_request', 'push', 'status', 'workflow_run'],
  };
}

export function installation(i: SimInstallation, a: SimApp, urls: Urls): Record<string, unknown> {
  return {
    id: i.id,
    account: user(i.account, urls),
    repository_selection: 'selected',
    access_tokens_url: `${urls.api}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.html}/organizations/${i.account.login}/settings/installations/${i.id}`,
    app_id: a.id,
    app_slug: a.slug,
    target_id: i.account.id,
    target_type: i.account.type === 'Organization' ? 'Organization' : 'User',
    permissions: app(a, urls).permissions,
    events: app(a, urls).events,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    single_file_name: null,
    suspended_at: i.suspended ? '2026-01-01T00:00:00Z' : null,
    suspended_by: null,
  };
}

function repoSizeKb(r: SimRepo): number {
  const head = r.refs.get(`refs/heads/${r.defaultBranch}`);
  if (!head) return 0;
  let bytes = 0;
  for (const file of r.git.filesAt(head).values()) bytes += r.git.getBlob(file.sha)?.length ?? 0;
  return Math.max(1, Math.ceil(bytes / 1024));
}

export function repo(r: SimRepo, urls: Urls): Record<string, unknown> {
  const fullName = `${r.owner.login}/${r.name}`;
  const api = `${urls.api}/repos/${fullName}`;
  return {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: fullName,
    private: r.private,
    owner: user(r.owner, urls),
    html_url: `${urls.html}/${fullName}`,
    description: r.description,
    fork: r.fork,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    merges_url: `${api}/merges`,
    downloads_url: `${api}/downloads`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    git_url: `${urls.html.replace(/^http/, 'git')}/${fullName}.git`,
    ssh_url: `git@${new URL(urls.html).host}:${fullName}.git`,
    svn_url: `${urls.html}/${fullName}`,
    homepage: null,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    mirror_url: null,
    license: null,
    forks: 0,
    watchers: 0,
    archive_url: `${api}/{archive_format}{/ref}`,
    pulls_url: `${api}/pulls{/number}`,
    issues_url: `${api}/issues{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    clone_url: `${urls.html}/${fullName}.git`,
    created_at: r.createdAt,
    updated_at: r.pushedAt,
    pushed_at: r.pushedAt,
    size: repoSizeKb(r),
    stargazers_count: 0,
    watchers_count: 0,
    language: r.language,
    has_issues: true,
    forks_count: 0,
    archived: r.archived,
    disabled: r.disabled,
    open_issues_count: [...r.issues.values()].filter((i) => i.state === 'open').length,
    open_issues: [...r.issues.values()].filter((i) => i.state === 'open').length,
    topics: [...r.topics],
    custom_properties: {},
    visibility: r.private ? 'private' : 'public',
    default_branch: r.defaultBranch,
    is_template: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
  };
}

export function label(l: SimLabel, r: SimRepo, urls: Urls): Record<string, unknown> {
  return {
    id: l.id,
    node_id: nodeId('Label', l.id),
    url: `${urls.api}/repos/${r.owner.login}/${r.name}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    description: l.description,
    default: l.default,
  };
}

function labelsOf(i: SimIssue, r: SimRepo, urls: Urls): Record<string, unknown>[] {
  return i.labels.map((name) => label(r.labels.get(name.toLowerCase())!, r, urls));
}

function reactionSummary(reactions: SimReaction[], url: string): Record<string, unknown> {
  const count = (c: string) => reactions.filter((x) => x.content === c).length;
  return {
    url,
    total_count: reactions.length,
    '+1': count('+1'),
    '-1': count('-1'),
    laugh: count('laugh'),
    hooray: count('hooray'),
    confused: count('confused'),
    heart: count('heart'),
    rocket: count('rocket'),
    eyes: count('eyes'),
  };
}

export function issue(i: SimIssue, r: SimRepo, urls: Urls): Record<string, unknown> {
  const fullName = `${r.owner.login}/${r.name}`;
  const api = `${urls.api}/repos/${fullName}/issues/${i.number}`;
  return {
    id: i.id,
    node_id: nodeId(i.pull ? 'PullRequest' : 'Issue', i.id),
    url: api,
    repository_url: `${urls.api}/repos/${fullName}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${urls.html}/${fullName}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.stateReason,
    title: i.title,
    body: i.body,
    user: user(i.user, urls),
    labels: labelsOf(i, r, urls),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: [...r.comments.values()].filter((c) => c.issueNumber === i.number).length,
    closed_at: i.closedAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_by: i.closedBy ? user(i.closedBy, urls) : null,
    author_association: i.viaApp ? 'NONE' : 'MEMBER',
    performed_via_github_app: i.viaApp ? app(i.viaApp, urls) : null,
    reactions: reactionSummary(i.reactions, `${api}/reactions`),
    ...(i.pull
      ? {
          pull_request: {
            url: `${urls.api}/repos/${fullName}/pulls/${i.number}`,
            html_url: `${urls.html}/${fullName}/pull/${i.number}`,
            diff_url: `${urls.html}/${fullName}/pull/${i.number}.diff`,
            patch_url: `${urls.html}/${fullName}/pull/${i.number}.patch`,
            merged_at: i.pull.mergedAt,
          },
          draft: i.pull.draft,
        }
      : {}),
  };
}

function branchRef(r: SimRepo, ref: string, sha: string, urls: Urls): Record<string, unknown> {
  return {
    label: `${r.owner.login}:${ref}`,
    ref,
    sha,
    user: user(r.owner, urls),
    repo: repo(r, urls),
  };
}

export function pull(
  i: SimIssue,
  r: SimRepo,
  urls: Urls,
  teams: (slug: string) => Record<string, unknown>,
  stats: {
    commits: number;
    additions: number;
    deletions: number;
    changed_files: number;
    conflicting?: boolean;
  } = {
    commits: 0,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  },
): Record<string, unknown> {
  const p = i.pull!;
  const fullName = `${r.owner.login}/${r.name}`;
  const api = `${urls.api}/repos/${fullName}/pulls/${i.number}`;
  return {
    url: api,
    id: i.id,
    node_id: nodeId('PullRequest', i.id),
    html_url: `${urls.html}/${fullName}/pull/${i.number}`,
    diff_url: `${urls.html}/${fullName}/pull/${i.number}.diff`,
    patch_url: `${urls.html}/${fullName}/pull/${i.number}.patch`,
    issue_url: `${urls.api}/repos/${fullName}/issues/${i.number}`,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${urls.api}/repos/${fullName}/pulls/comments{/number}`,
    comments_url: `${urls.api}/repos/${fullName}/issues/${i.number}/comments`,
    statuses_url: `${urls.api}/repos/${fullName}/statuses/${p.headSha}`,
    number: i.number,
    state: i.state,
    locked: false,
    title: i.title,
    user: user(i.user, urls),
    body: i.body,
    labels: labelsOf(i, r, urls),
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    milestone: null,
    active_lock_reason: null,
    requested_reviewers: p.requestedReviewers.map((login) =>
      user({ login, id: loginId(login), type: 'User' }, urls),
    ),
    requested_teams: p.requestedTeams.map(teams),
    head: branchRef(r, p.headRef, p.headSha, urls),
    base: branchRef(r, p.baseRef, p.baseSha, urls),
    author_association: i.viaApp ? 'NONE' : 'MEMBER',
    auto_merge: null,
    draft: p.draft,
    merged: p.merged,
    mergeable: i.state === 'open' ? !stats.conflicting : null,
    rebaseable: i.state === 'open' ? !stats.conflicting : null,
    mergeable_state:
      i.state !== 'open' ? 'unknown' : stats.conflicting ? 'dirty' : p.draft ? 'draft' : 'clean',
    merged_by: p.mergedBy ? user(p.mergedBy, urls) : null,
    comments: [...r.comments.values()].filter((c) => c.issueNumber === i.number).length,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: stats.commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.changed_files,
    _links: {
      self: { href: api },
      html: { href: `${urls.html}/${fullName}/pull/${i.number}` },
      issue: { href: `${urls.api}/repos/${fullName}/issues/${i.number}` },
      comments: { href: `${urls.api}/repos/${fullName}/issues/${i.number}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${urls.api}/repos/${fullName}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${urls.api}/repos/${fullName}/statuses/${p.headSha}` },
    },
  };
}

/** A stable numeric id for a login the simulator has not registered (review requests). */
export function loginId(login: string): number {
  let h = 7;
  for (const ch of login) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return 5_000_000 + h;
}

export function comment(c: SimComment, r: SimRepo, urls: Urls): Record<string, unknown> {
  const fullName = `${r.owner.login}/${r.name}`;
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    url: `${urls.api}/repos/${fullName}/issues/comments/${c.id}`,
    html_url: `${urls.html}/${fullName}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${urls.api}/repos/${fullName}/issues/${c.issueNumber}`,
    body: c.body,
    user: user(c.user, urls),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: c.viaApp ? 'NONE' : 'MEMBER',
    performed_via_github_app: c.viaApp ? app(c.viaApp, urls) : null,
    reactions: reactionSummary(
      c.reactions,
      `${urls.api}/repos/${fullName}/issues/comments/${c.id}/reactions`,
    ),
  };
}

export function reaction(x: SimReaction, urls: Urls): Record<string, unknown> {
  return {
    id: x.id,
    node_id: nodeId('Reaction', x.id),
    user: user(x.user, urls),
    content: x.content,
    created_at: x.createdAt,
  };
}

export function gitPerson(p: { name: string; email: string; date: string }): Record<string, unknown> {
  return { name: p.name, email: p.email, date: p.date };
}

export function gitCommit(c: GitCommit, r: SimRepo, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/repos/${r.owner.login}/${r.name}`;
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${urls.html}/${r.owner.login}/${r.name}/commit/${c.sha}`,
    author: gitPerson(c.author),
    committer: gitPerson(c.committer),
    message: c.message,
    tree: { sha: c.treeSha, url: `${api}/git/trees/${c.treeSha}` },
    parents: c.parents.map((sha) => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${urls.html}/${r.owner.login}/${r.name}/commit/${sha}`,
    })),
    verification: {
      verified: c.verified,
      reason: c.verified ? 'valid' : 'unsigned',
      signature: null,
      payload: null,
      verified_at: c.verified ? c.committer.date : null,
    },
  };
}

/** `GET /repos/{o}/{r}/commits/{ref}` and compare's `commits[]` shape. */
export function commit(
  c: GitCommit,
  r: SimRepo,
  urls: Urls,
  users: (login: string | null) => SimUser | undefined,
): Record<string, unknown> {
  const api = `${urls.api}/repos/${r.owner.login}/${r.name}`;
  const attributed = users(c.authorLogin);
  const git = gitCommit(c, r, urls);
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${api}/commits/${c.sha}`,
    html_url: `${urls.html}/${r.owner.login}/${r.name}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: git.url,
      author: git.author,
      committer: git.committer,
      message: git.message,
      tree: git.tree,
      comment_count: 0,
      verification: git.verification,
    },
    author: attributed ? user(attributed, urls) : null,
    committer: attributed ? user(attributed, urls) : null,
    parents: git.parents,
  };
}

export function checkSuite(
  s: SimCheckSuite,
  r: SimRepo,
  urls: Urls,
  runs: SimCheckRun[],
  pulls: unknown[],
): Record<string, unknown> {
  const api = `${urls.api}/repos/${r.owner.login}/${r.name}`;
  const commit = r.git.getCommit(s.headSha);
  return {
    id: s.id,
    node_id: nodeId('CheckSuite', s.id),
    head_branch: s.headBranch,
    head_commit: commit
      ? {
          id: commit.sha,
          tree_id: commit.treeSha,
          message: commit.message,
          timestamp: commit.committer.date,
          author: { name: commit.author.name, email: commit.author.email },
          committer: { name: commit.committer.name, email: commit.committer.email },
        }
      : null,
    head_sha: s.headSha,
    status: s.status,
    conclusion: s.conclusion,
    url: `${api}/check-suites/${s.id}`,
    before: null,
    after: s.headSha,
    pull_requests: pulls,
    app: app(s.app, urls),
    repository: repo(r, urls),
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    latest_check_runs_count: runs.filter((x) => x.suiteId === s.id).length,
    check_runs_url: `${api}/check-suites/${s.id}/check-runs`,
    rerequestable: true,
    runs_rerequestable: true,
  };
}

export function checkRun(c: SimCheckRun, r: SimRepo, urls: Urls, pulls: unknown[]): Record<string, unknown> {
  const api = `${urls.api}/repos/${r.owner.login}/${r.name}`;
  return {
    id: c.id,
    head_sha: c.headSha,
    node_id: nodeId('CheckRun', c.id),
    external_id: c.externalId ?? '',
    url: `${api}/check-runs/${c.id}`,
    html_url: `${urls.html}/${r.owner.login}/${r.name}/runs/${c.id}`,
    details_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: {
      title: c.output.title,
      summary: c.output.summary,
      text: c.output.text,
      annotations_count: c.output.annotations.length,
      annotations_url: `${api}/check-runs/${c.id}/annotations`,
    },
    name: c.name,
    check_suite: { id: c.suiteId },
    app: app(c.app, urls),
    pull_requests: pulls,
  };
}

export function status(s: SimStatus, urls: Urls, r: SimRepo): Record<string, unknown> {
  return {
    url: `${urls.api}/repos/${r.owner.login}/${r.name}/statuses/${s.sha}`,
    avatar_url: null,
    id: s.id,
    node_id: nodeId('StatusContext', s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    creator: user(s.creator, urls),
  };
}

export function workflowRun(
  w: SimWorkflowRun,
  r: SimRepo,
  urls: Urls,
  pulls: unknown[],
): Record<string, unknown> {
  const api = `${urls.api}/repos/${r.owner.login}/${r.name}`;
  return {
    id: w.id,
    name: w.name,
    node_id: nodeId('WorkflowRun', w.id),
    head_branch: w.headBranch,
    head_sha: w.headSha,
    path: w.path,
    display_title: w.name,
    run_number: w.runNumber,
    event: w.event,
    status: w.status,
    conclusion: w.conclusion,
    workflow_id: w.workflowId,
    check_suite_id: w.suiteId,
    check_suite_node_id: nodeId('CheckSuite', w.suiteId),
    url: `${api}/actions/runs/${w.id}`,
    html_url: `${urls.html}/${r.owner.login}/${r.name}/actions/runs/${w.id}`,
    pull_requests: pulls,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
    actor: user(w.actor, urls),
    triggering_actor: user(w.actor, urls),
    run_attempt: w.runAttempt,
    previous_attempt_url: null,
    run_started_at: w.createdAt,
    jobs_url: `${api}/actions/runs/${w.id}/jobs`,
    logs_url: `${api}/actions/runs/${w.id}/logs`,
    check_suite_url: `${api}/check-suites/${w.suiteId}`,
    artifacts_url: `${api}/actions/runs/${w.id}/artifacts`,
    cancel_url: `${api}/actions/runs/${w.id}/cancel`,
    rerun_url: `${api}/actions/runs/${w.id}/rerun`,
    workflow_url: `${api}/actions/workflows/${w.workflowId}`,
    head_commit: null,
    repository: repo(r, urls),
    head_repository: repo(r, urls),
  };
}

export function job(j: SimJob, w: SimWorkflowRun, r: SimRepo, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/repos/${r.owner.login}/${r.name}`;
  return {
    id: j.id,
    run_id: j.runId,
    run_url: `${api}/actions/runs/${j.runId}`,
    run_attempt: w.runAttempt,
    node_id: nodeId('CheckRun', j.checkRunId),
    head_sha: j.headSha,
    url: `${api}/actions/jobs/${j.id}`,
    html_url: `${urls.html}/${r.owner.login}/${r.name}/actions/runs/${j.runId}/job/${j.id}`,
    status: j.status,
    conclusion: j.conclusion,
    created_at: j.startedAt,
    started_at: j.startedAt,
    completed_at: j.completedAt,
    name: j.name,
    steps: [],
    check_run_url: `${api}/check-runs/${j.checkRunId}`,
    labels: ['ubuntu-latest'],
    runner_id: 1,
    runner_name: 'GitHub Actions 1',
    workflow_name: w.name,
    head_branch: w.headBranch,
  };
}
