/**
 * REST routes: the app and installations, repositories, contents, tarballs, compare, commits,
 * branches, git refs and the Git Data API (blobs, trees, commits).
 */
import { checkPath, type FileMap, type GitCommit, type TreeFile } from './git-store.ts';
import { HttpError, notFound, validationFailed } from './http-error.ts';
import { diffFiles } from './diff.ts';
import type { SimRepo } from './model.ts';
import * as ser from './serialize.ts';
import { paginate, type Route, type RouteContext } from './route.ts';
import type { GitHubSim } from './simulator.ts';
import { buildTarball } from './tarball.ts';

const ZERO_SHA = '0000000000000000000000000000000000000000';

function base64Lines(data: Buffer): string {
  // GitHub wraps base64 content at 60 characters per line.
  return (data.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + (data.length > 0 ? '\n' : '');
}

function resolveOr404(sim: GitHubSim, repo: SimRepo, ref: string): string {
  const sha = sim.resolveRef(repo, ref);
  if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
  return sha;
}

function defaultHead(sim: GitHubSim, repo: SimRepo): string {
  const sha = sim.branchHead(repo, repo.defaultBranch);
  if (!sha) throw new HttpError(404, 'This repository is empty.');
  return sha;
}

function commitJson(sim: GitHubSim, repo: SimRepo, commit: GitCommit): Record<string, unknown> {
  return ser.commit(commit, repo, sim.urls, (login) => sim.findUser(login));
}

function refJson(sim: GitHubSim, repo: SimRepo, ref: string, sha: string): Record<string, unknown> {
  const api = `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  return {
    ref,
    node_id: ser.nodeId('Ref', `${repo.id}:${ref}`),
    url: `${api}/git/${ref}`,
    object: { sha, type: 'commit', url: `${api}/git/commits/${sha}` },
  };
}

function contentsEntry(
  sim: GitHubSim,
  repo: SimRepo,
  path: string,
  type: string,
  sha: string,
  size: number,
  ref: string,
): Record<string, unknown> {
  const api = `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  const html = `${sim.baseUrl}/${repo.owner.login}/${repo.name}`;
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  const htmlUrl = `${html}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${path}`;
  return {
    type,
    size,
    name: path.split('/').pop(),
    path,
    sha,
    url: self,
    git_url: git,
    html_url: htmlUrl,
    download_url: type === 'file' ? `${html}/raw/${ref}/${path}` : null,
    _links: { self, git, html: htmlUrl },
  };
}

function getContents(ctx: RouteContext) {
  const { sim, repo } = ctx;
  const ref = ctx.query.get('ref') ?? repo.defaultBranch;
  const sha = sim.resolveRef(repo, ref);
  if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
  const files = repo.git.filesAt(sha);
  const path = (ctx.params.path ?? '').replace(/\/+$/, '');
  const file = path ? files.get(path) : undefined;
  const accept = String(ctx.headers.accept ?? '');
  if (file) {
    const data = repo.git.getBlob(file.sha)!;
    if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
      return { text: data, contentType: 'text/plain; charset=utf-8' };
    }
    if (file.mode === '120000') {
      return {
        json: {
          ...contentsEntry(sim, repo, path, 'symlink', file.sha, data.length, ref),
          target: data.toString('utf8'),
        },
      };
    }
    const tooLarge = data.length > 1024 * 1024;
    return {
      json: {
        ...contentsEntry(sim, repo, path, 'file', file.sha, data.length, ref),
        content: tooLarge ? '' : base64Lines(data),
        encoding: tooLarge ? 'none' : 'base64',
      },
    };
  }
  const prefix = path ? `${path}/` : '';
  const children = repo.git.treeEntries(files, false, path);
  if (path && ![...files.keys()].some((p) => p.startsWith(prefix))) throw notFound();
  return {
    json: children.map((child) =>
      contentsEntry(
        sim,
        repo,
        `${prefix}${child.path}`,
        child.type === 'tree' ? 'dir' : child.mode === '120000' ? 'symlink' : 'file',
        child.sha,
        child.size ?? 0,
        ref,
      ),
    ),
  };
}

function compare(ctx: RouteContext) {
  const { sim, repo } = ctx;
  const basehead = ctx.params.basehead ?? '';
  const split = basehead.indexOf('...');
  if (split <= 0) throw notFound();
  const baseRef = basehead.slice(0, split);
  const headRef = basehead.slice(split + 3);
  const baseSha = sim.resolveRef(repo, baseRef);
  const headSha = sim.resolveRef(repo, headRef);
  if (!baseSha || !headSha) throw notFound();
  const mergeBase = repo.git.mergeBase(baseSha, headSha);
  if (!mergeBase) throw new HttpError(404, `No common ancestor between ${baseRef} and ${headRef}.`);
  const ahead = repo.git.commitsBetween(baseSha, headSha);
  const behind = repo.git.commitsBetween(headSha, baseSha);
  const status =
    ahead.length === 0 && behind.length === 0
      ? 'identical'
      : behind.length === 0
        ? 'ahead'
        : ahead.length === 0
          ? 'behind'
          : 'diverged';
  const paged = ctx.query.has('page') || ctx.query.has('per_page');
  const perPage = Math.min(Number(ctx.query.get('per_page') ?? 250) || 250, paged ? 100 : 250);
  const page = Math.max(Number(ctx.query.get('page') ?? 1) || 1, 1);
  const commits = paged ? ahead.slice((page - 1) * perPage, page * perPage) : ahead.slice(0, 250);
  const files =
    page === 1
      ? diffFiles(sim, repo, repo.git.filesAt(mergeBase), repo.git.filesAt(headSha), headSha).slice(0, 300)
      : [];
  const html = `${sim.baseUrl}/${repo.owner.login}/${repo.name}`;
  const headers: Record<string, string> = {};
  if (paged && page * perPage < ahead.length) {
    const query = new URLSearchParams(ctx.query);
    query.set('page', String(page + 1));
    query.set('per_page', String(perPage));
    headers.link = `<${sim.apiUrl}${ctx.path}?${query.toString()}>; rel="next"`;
  }
  return {
    headers,
    json: {
      url: `${sim.apiUrl}${ctx.path}`,
      html_url: `${html}/compare/${basehead}`,
      permalink_url: `${html}/compare/${repo.owner.login}:${baseSha.slice(0, 7)}...${repo.owner.login}:${headSha.slice(0, 7)}`,
      diff_url: `${html}/compare/${basehead}.diff`,
      patch_url: `${html}/compare/${basehead}.patch`,
      base_commit: commitJson(sim, repo, repo.git.getCommit(baseSha)!),
      merge_base_commit: commitJson(sim, repo, repo.git.getCommit(mergeBase)!),
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: commits.map((c) => commitJson(sim, repo, c)),
      files,
    },
  };
}

function tarball(ctx: RouteContext) {
  const { sim, repo } = ctx;
  const ref = ctx.params.ref || repo.defaultBranch;
  const sha = resolveOr404(sim, repo, ref);
  const path = `/_download/tarball/${repo.owner.login}/${repo.name}/${sha}.tar.gz`;
  if (!sim.downloads.has(path)) {
    const commit = repo.git.getCommit(sha)!;
    const body = buildTarball(repo.git.filesAt(sha), (blob) => repo.git.getBlob(blob)!, {
      topDir: `${repo.owner.login}-${repo.name}-${sha.slice(0, 7)}`,
      commitSha: sha,
      mtime: new Date(commit.committer.date),
    });
    sim.downloads.set(path, { body, contentType: 'application/x-gzip' });
  }
  return { status: 302, headers: { location: `${sim.baseUrl}${path}` } };
}

function parseRefParam(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

function gitBlobJson(sim: GitHubSim, repo: SimRepo, sha: string) {
  const data = repo.git.getBlob(sha);
  if (!data) throw notFound();
  return {
    sha,
    node_id: ser.nodeId('Blob', sha),
    size: data.length,
    url: `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}/git/blobs/${sha}`,
    content: base64Lines(data),
    encoding: 'base64',
  };
}

function treeJson(sim: GitHubSim, repo: SimRepo, sha: string, files: FileMap, recursive: boolean) {
  const api = `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    tree: repo.git.treeEntries(files, recursive).map((e) => ({
      ...e,
      url: `${api}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
    })),
    truncated: false,
  };
}

function createTree(ctx: RouteContext) {
  const { repo } = ctx;
  const body = ctx.body as {
    base_tree?: string;
    tree?: { path: string; mode: string; type: string; sha?: string | null; content?: string }[];
  };
  if (!Array.isArray(body.tree)) throw validationFailed('Tree', 'tree', 'missing_field');
  let files: FileMap = new Map();
  if (body.base_tree) {
    const base = repo.git.getTree(body.base_tree);
    if (!base)
      throw new HttpError(422, 'Invalid tree info', { errors: ['base_tree is not a valid tree oid'] });
    files = new Map(base);
  }
  for (const item of body.tree) {
    const problem = checkPath(item.path ?? '');
    if (problem) throw new HttpError(422, `tree.path ${problem}`);
    if (item.sha === null) {
      const prefix = `${item.path}/`;
      const existed = files.delete(item.path) || [...files.keys()].some((p) => p.startsWith(prefix));
      for (const path of [...files.keys()]) if (path.startsWith(prefix)) files.delete(path);
      if (!existed) throw new HttpError(422, 'GitRPC::BadObjectState');
      continue;
    }
    if (item.type === 'tree') {
      const sub = item.sha ? repo.git.getTree(item.sha) : undefined;
      if (!sub) throw new HttpError(422, 'Invalid tree info');
      for (const [path, file] of sub) files.set(`${item.path}/${path}`, file);
      continue;
    }
    const mode = (
      ['100644', '100755', '120000'].includes(item.mode) ? item.mode : '100644'
    ) as TreeFile['mode'];
    if (item.content !== undefined) {
      files.set(item.path, { sha: repo.git.putBlob(item.content), mode });
    } else if (item.sha && repo.git.getBlob(item.sha)) {
      files.set(item.path, { sha: item.sha, mode });
    } else {
      throw new HttpError(422, 'Invalid tree info', { errors: [`tree.sha ${item.sha} is not a valid blob`] });
    }
  }
  const sha = repo.git.putTree(files);
  return { status: 201, json: treeJson(ctx.sim, repo, sha, files, false) };
}

function createGitCommit(ctx: RouteContext) {
  const { sim, repo } = ctx;
  const body = ctx.body as {
    message?: string;
    tree?: string;
    parents?: string[];
    author?: { name: string; email: string; date?: string };
    committer?: { name: string; email: string; date?: string };
  };
  if (typeof body.message !== 'string') throw validationFailed('Commit', 'message', 'missing_field');
  if (!body.tree || !repo.git.getTree(body.tree)) throw new HttpError(422, 'Tree SHA does not exist');
  for (const parent of body.parents ?? []) {
    if (!repo.git.getCommit(parent))
      throw new HttpError(422, 'Parent SHA does not exist or is not a commit object');
  }
  const person = sim.person(ctx.actor);
  // Only commits without a custom author/committer get GitHub's bot signature ("Verified").
  const custom = body.author !== undefined || body.committer !== undefined;
  const commit = repo.git.putCommit({
    treeSha: body.tree,
    parents: body.parents ?? [],
    message: body.message,
    author: body.author
      ? { name: body.author.name, email: body.author.email, date: body.author.date ?? person.date }
      : person,
    committer: body.committer
      ? { name: body.committer.name, email: body.committer.email, date: body.committer.date ?? person.date }
      : { name: 'GitHub', email: 'noreply@github.com', date: person.date },
    authorLogin: ctx.actor.user.login,
    verified: !custom,
  });
  return { status: 201, json: ser.gitCommit(commit, repo, sim.urls) };
}

function branchJson(sim: GitHubSim, repo: SimRepo, name: string, sha: string) {
  const commit = repo.git.getCommit(sha)!;
  return {
    name,
    commit: commitJson(sim, repo, commit),
    protected: false,
    _links: {
      self: `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}/branches/${name}`,
      html: `${sim.baseUrl}/${repo.owner.login}/${repo.name}/tree/${name}`,
    },
  };
}

export const repoRoutes: Route[] = [
  {
    method: 'GET',
    template: '/app',
    appAuth: true,
    handler: ({ sim }) => ({ json: ser.app(sim.app, sim.urls) }),
  },
  {
    method: 'GET',
    template: '/app/installations',
    appAuth: true,
    handler: (ctx) => {
      const all = [...ctx.sim.installations.values()].map((i) =>
        ser.installation(i, ctx.sim.app, ctx.sim.urls),
      );
      const { page, headers } = paginate(ctx, all);
      return { json: page, headers };
    },
  },
  {
    method: 'GET',
    template: '/app/installations/{installation_id}',
    appAuth: true,
    handler: ({ sim, params }) => {
      const installation = sim.installations.get(Number(params.installation_id));
      if (!installation) throw notFound();
      return { json: ser.installation(installation, sim.app, sim.urls) };
    },
  },
  {
    method: 'POST',
    template: '/app/installations/{installation_id}/access_tokens',
    appAuth: true,
    handler: ({ sim, params }) => {
      const id = Number(params.installation_id);
      const installation = sim.installations.get(id);
      if (!installation) throw notFound();
      if (installation.suspended) throw new HttpError(403, 'This installation has been suspended');
      return {
        status: 201,
        json: {
          token: sim.mintToken(id),
          expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          permissions: ser.app(sim.app, sim.urls).permissions,
          repository_selection: 'selected',
        },
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/installation',
    appAuth: true,
    handler: ({ sim, repo }) => ({
      json: ser.installation(sim.installations.get(repo.installationId)!, sim.app, sim.urls),
    }),
  },
  {
    method: 'GET',
    template: '/installation/repositories',
    handler: (ctx) => {
      const { sim, installationId } = ctx;
      const repos = [...sim.repos.values()]
        .filter((r) => installationId === undefined || r.installationId === installationId)
        .sort((a, b) => a.id - b.id);
      const { page, headers } = paginate(ctx, repos);
      return {
        headers,
        json: {
          total_count: repos.length,
          repository_selection: 'selected',
          repositories: page.map((r) => ser.repo(r, sim.urls)),
        },
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}',
    handler: ({ sim, repo }) => ({ json: ser.repo(repo, sim.urls) }),
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/topics',
    handler: ({ repo }) => ({ json: { names: [...repo.topics] } }),
  },
  { method: 'GET', template: '/repos/{owner}/{repo}/contents/{path*}', handler: getContents },
  { method: 'GET', template: '/repos/{owner}/{repo}/tarball/{ref*}', handler: tarball },
  { method: 'GET', template: '/repos/{owner}/{repo}/compare/{basehead+}', handler: compare },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits',
    handler: (ctx) => {
      const { sim, repo } = ctx;
      if (repo.refs.size === 0) throw new HttpError(409, 'Git Repository is empty.');
      const head = ctx.query.get('sha')
        ? resolveOr404(sim, repo, ctx.query.get('sha')!)
        : defaultHead(sim, repo);
      const path = ctx.query.get('path');
      let commits = repo.git.commitsBetween(ZERO_SHA, head).reverse();
      if (path) {
        commits = commits.filter((c) => {
          const now = repo.git.filesAt(c.sha).get(path)?.sha;
          const before = c.parents[0] ? repo.git.filesAt(c.parents[0]).get(path)?.sha : undefined;
          return now !== before;
        });
      }
      const { page, headers } = paginate(ctx, commits);
      return { headers, json: page.map((c) => commitJson(sim, repo, c)) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref+}',
    handler: (ctx) => {
      const { sim, repo } = ctx;
      if (repo.refs.size === 0) throw new HttpError(409, 'Git Repository is empty.');
      const sha = resolveOr404(sim, repo, ctx.params.ref!);
      const commit = repo.git.getCommit(sha)!;
      const parent = commit.parents[0];
      const files = diffFiles(
        sim,
        repo,
        parent ? repo.git.filesAt(parent) : new Map(),
        repo.git.filesAt(sha),
        sha,
      );
      return { json: { ...commitJson(sim, repo, commit), files } };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/branches',
    handler: (ctx) => {
      const { sim, repo } = ctx;
      const branches = [...repo.refs]
        .filter(([ref]) => ref.startsWith('refs/heads/'))
        .map(([ref, sha]) => ({
          name: ref.slice(11),
          commit: { sha, url: `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}/commits/${sha}` },
          protected: false,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const { page, headers } = paginate(ctx, branches);
      return { headers, json: page };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/branches/{branch+}',
    handler: ({ sim, repo, params }) => {
      const sha = sim.branchHead(repo, params.branch!);
      if (!sha) throw new HttpError(404, 'Branch not found');
      return { json: branchJson(sim, repo, params.branch!, sha) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/git/ref/{ref+}',
    handler: ({ sim, repo, params }) => {
      const ref = parseRefParam(params.ref!);
      const sha = repo.refs.get(ref);
      if (!sha) throw notFound();
      return { json: refJson(sim, repo, ref, sha) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/git/matching-refs/{ref*}',
    handler: ({ sim, repo, params }) => {
      const prefix = parseRefParam(params.ref ?? '');
      const refs = [...repo.refs]
        .filter(([ref]) => ref.startsWith(prefix))
        .sort(([a], [b]) => a.localeCompare(b));
      return { json: refs.map(([ref, sha]) => refJson(sim, repo, ref, sha)) };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/git/refs',
    write: true,
    handler: ({ sim, repo, body, actor }) => {
      const ref = String(body.ref ?? '');
      const sha = String(body.sha ?? '');
      if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
        throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.");
      }
      if (!repo.git.getCommit(sha)) throw new HttpError(422, 'Object does not exist');
      if (repo.refs.has(ref)) throw new HttpError(422, 'Reference already exists');
      sim.setRef(repo, ref, sha, actor);
      return { status: 201, json: refJson(sim, repo, ref, sha) };
    },
  },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/git/refs/{ref+}',
    write: true,
    handler: ({ sim, repo, params, body, actor }) => {
      const ref = parseRefParam(params.ref!);
      const current = repo.refs.get(ref);
      if (!current) throw new HttpError(422, 'Reference does not exist');
      const sha = String(body.sha ?? '');
      if (!repo.git.getCommit(sha)) throw new HttpError(422, 'Object does not exist');
      if (body.force !== true && !repo.git.isAncestor(current, sha))
        throw new HttpError(422, 'Update is not a fast forward');
      sim.setRef(repo, ref, sha, actor);
      return { json: refJson(sim, repo, ref, sha) };
    },
  },
  {
    method: 'DELETE',
    template: '/repos/{owner}/{repo}/git/refs/{ref+}',
    write: true,
    handler: ({ sim, repo, params, actor }) => {
      const ref = parseRefParam(params.ref!);
      if (!repo.refs.has(ref)) throw new HttpError(422, 'Reference does not exist');
      sim.setRef(repo, ref, undefined, actor);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/git/blobs',
    write: true,
    handler: ({ sim, repo, body }) => {
      if (typeof body.content !== 'string') throw validationFailed('Blob', 'content', 'missing_field');
      const encoding = body.encoding ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'base64')
        throw new HttpError(422, 'encoding must be utf-8 or base64');
      const sha = repo.git.putBlob(Buffer.from(body.content, encoding === 'base64' ? 'base64' : 'utf8'));
      return {
        status: 201,
        json: { sha, url: `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}/git/blobs/${sha}` },
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/git/blobs/{file_sha}',
    handler: ({ sim, repo, params }) => ({ json: gitBlobJson(sim, repo, params.file_sha!) }),
  },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/trees', write: true, handler: createTree },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/git/trees/{tree_sha+}',
    handler: ({ sim, repo, params, query }) => {
      let sha = params.tree_sha!;
      let files = repo.git.getTree(sha);
      if (!files) {
        // Tree-ish: a commit SHA or a branch name resolve to their root tree, as on GitHub.
        const commitSha = sim.resolveRef(repo, sha);
        if (!commitSha) throw notFound();
        sha = repo.git.getCommit(commitSha)!.treeSha;
        files = repo.git.getTree(sha)!;
      }
      return { json: treeJson(sim, repo, sha, files, query.has('recursive')) };
    },
  },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/commits', write: true, handler: createGitCommit },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/git/commits/{commit_sha}',
    handler: ({ sim, repo, params }) => {
      const commit = repo.git.getCommit(params.commit_sha!);
      if (!commit) throw notFound();
      return { json: ser.gitCommit(commit, repo, sim.urls) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/collaborators/{username}/permission',
    handler: ({ sim, repo, params }) => {
      const user = sim.findUser(params.username!);
      if (!user) throw notFound();
      const role = repo.collaborators.get(user.login.toLowerCase());
      // GitHub folds maintain into write and triage into read in `permission`; role_name keeps them.
      const permission =
        role === undefined
          ? repo.private
            ? 'none'
            : 'read'
          : role === 'maintain'
            ? 'write'
            : role === 'triage'
              ? 'read'
              : role;
      return {
        json: {
          permission,
          role_name: role ?? (repo.private ? 'none' : 'read'),
          user: {
            ...ser.user(user, sim.urls),
            permissions: {
              admin: role === 'admin',
              maintain: role === 'maintain' || role === 'admin',
              push: permission === 'write' || permission === 'admin',
              triage: role !== undefined,
              pull: permission !== 'none',
            },
          },
        },
      };
    },
  },
];
