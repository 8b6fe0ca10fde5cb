/**
 * A real, minimal git object store for the simulator: blobs, trees and commits hashed exactly as
 * git hashes them (SHA-1 over `<type> <size>\0<body>`), so SHAs behave like GitHub's (same
 * content → same SHA, every edit → a new commit SHA). Trees are kept as flat path maps for
 * simplicity, but their SHAs are computed from the nested tree objects git would write.
 */
import { createHash } from 'node:crypto';

export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

export interface GitCommit {
  sha: string;
  treeSha: string;
  parents: string[];
  message: string;
  author: GitPerson;
  committer: GitPerson;
  /** The GitHub login the commit is attributed to (the pusher), or null. */
  authorLogin: string | null;
  /** True for commits GitHub signs itself (createCommitOnBranch, Git Data API without author). */
  verified: boolean;
}

/** A file in a tree: its blob SHA and git mode. */
export interface TreeFile {
  sha: string;
  mode: '100644' | '100755' | '120000';
}

/** A snapshot of a repository's files: path → blob. */
export type FileMap = Map<string, TreeFile>;

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/** Validates a repository-relative path the way GitHub would refuse a bad one. */
export function checkPath(path: string): string | undefined {
  if (path === '') return 'path is empty';
  if (path.startsWith('/')) return 'path must be relative';
  if (path.endsWith('/')) return 'path must not end with a slash';
  const parts = path.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..' || part === '.git')) {
    return 'path contains an invalid segment';
  }
  if (path.includes('\0')) return 'path contains NUL';
  return undefined;
}

export class GitStore {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, FileMap>();
  readonly commits = new Map<string, GitCommit>();

  putBlob(content: Buffer | string): string {
    const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const sha = hashObject('blob', body);
    this.blobs.set(sha, body);
    return sha;
  }

  getBlob(sha: string): Buffer | undefined {
    return this.blobs.get(sha);
  }

  /** Stores a flat file map as a tree; returns the root tree SHA (git-compatible). */
  putTree(files: FileMap): string {
    const sha = this.hashTree(files, '');
    this.trees.set(sha, new Map(files));
    // Register every subtree too, so `GET /git/trees/{subtree sha}` works like on GitHub.
    const dirs = new Set<string>();
    for (const path of files.keys()) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    for (const dir of dirs) {
      const subSha = this.hashTree(files, dir);
      if (this.trees.has(subSha)) continue;
      const sub: FileMap = new Map();
      for (const [path, file] of files) {
        if (path.startsWith(`${dir}/`)) sub.set(path.slice(dir.length + 1), file);
      }
      this.trees.set(subSha, sub);
    }
    return sha;
  }

  getTree(sha: string): FileMap | undefined {
    return this.trees.get(sha);
  }

  putCommit(commit: Omit<GitCommit, 'sha'>): GitCommit {
    const lines = [`tree ${commit.treeSha}`];
    for (const parent of commit.parents) lines.push(`parent ${parent}`);
    const stamp = (person: GitPerson) =>
      `${person.name} <${person.email}> ${Math.floor(Date.parse(person.date) / 1000)} +0000`;
    lines.push(`author ${stamp(commit.author)}`, `committer ${stamp(commit.committer)}`, '', commit.message);
    const sha = hashObject('commit', Buffer.from(lines.join('\n'), 'utf8'));
    const stored = { ...commit, sha };
    this.commits.set(sha, stored);
    return stored;
  }

  getCommit(sha: string): GitCommit | undefined {
    return this.commits.get(sha);
  }

  /** Files of a commit. */
  filesAt(commitSha: string): FileMap {
    const commit = this.commits.get(commitSha);
    if (!commit) throw new Error(`unknown commit ${commitSha}`);
    const tree = this.trees.get(commit.treeSha);
    if (!tree) throw new Error(`unknown tree ${commit.treeSha}`);
    return tree;
  }

  /** Every commit reachable from `sha` (inclusive). */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      const commit = this.commits.get(next);
      if (commit) stack.push(...commit.parents);
    }
    return seen;
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    return this.ancestors(descendant).has(ancestor);
  }

  /** The best common ancestor (nearest to `head` by breadth-first search), or undefined. */
  mergeBase(base: string, head: string): string | undefined {
    const baseAncestors = this.ancestors(base);
    const queue = [head];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      if (baseAncestors.has(next)) return next;
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return undefined;
  }

  /** `git log base..head` in topological order, oldest first. */
  commitsBetween(base: string, head: string): GitCommit[] {
    const excluded = this.ancestors(base);
    const result: GitCommit[] = [];
    const visited = new Set<string>();
    // Post-order DFS from head gives parents before children.
    const visit = (sha: string) => {
      if (visited.has(sha) || excluded.has(sha)) return;
      visited.add(sha);
      const commit = this.commits.get(sha);
      if (!commit) return;
      for (const parent of commit.parents) visit(parent);
      result.push(commit);
    };
    visit(head);
    return result;
  }

  /** Nested tree entries as `GET /git/trees/{sha}?recursive=1` reports them. */
  treeEntries(files: FileMap, recursive: boolean, prefix = ''): TreeEntry[] {
    const entries: TreeEntry[] = [];
    const dirs = new Set<string>();
    for (const [path, file] of files) {
      if (prefix && !path.startsWith(`${prefix}/`)) continue;
      const rest = prefix ? path.slice(prefix.length + 1) : path;
      const slash = rest.indexOf('/');
      if (slash === -1) {
        entries.push({
          path: rest,
          mode: file.mode,
          type: 'blob',
          sha: file.sha,
          size: this.blobs.get(file.sha)?.length ?? 0,
        });
      } else {
        dirs.add(rest.slice(0, slash));
      }
    }
    for (const dir of dirs) {
      const full = prefix ? `${prefix}/${dir}` : dir;
      entries.push({ path: dir, mode: '040000', type: 'tree', sha: this.hashTree(files, full) });
      if (recursive) {
        for (const child of this.treeEntries(files, true, full)) {
          entries.push({ ...child, path: `${dir}/${child.path}` });
        }
      }
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Git's tree hash for the directory `prefix` of `files` ('' is the root). */
  hashTree(files: FileMap, prefix: string): string {
    const children = new Map<string, { mode: string; sha: string; isTree: boolean }>();
    for (const [path, file] of files) {
      if (prefix && !path.startsWith(`${prefix}/`)) continue;
      const rest = prefix ? path.slice(prefix.length + 1) : path;
      const slash = rest.indexOf('/');
      if (slash === -1) {
        children.set(rest, { mode: file.mode, sha: file.sha, isTree: false });
      } else {
        const name = rest.slice(0, slash);
        if (!children.has(name)) {
          const full = prefix ? `${prefix}/${name}` : name;
          children.set(name, { mode: '40000', sha: this.hashTree(files, full), isTree: true });
        }
      }
    }
    // Git sorts tree entries by name, with directories compared as if they ended in '/'.
    const sorted = [...children.entries()].sort(([a, x], [b, y]) => {
      const ka = x.isTree ? `${a}/` : a;
      const kb = y.isTree ? `${b}/` : b;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const parts: Buffer[] = [];
    for (const [name, entry] of sorted) {
      parts.push(Buffer.from(`${entry.mode} ${name}\0`, 'utf8'), Buffer.from(entry.sha, 'hex'));
    }
    const sha = hashObject('tree', Buffer.concat(parts));
    return sha;
  }
}
