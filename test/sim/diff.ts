/** The files changed between two trees, in compare's `files[]` shape (status, line counts, exact renames). */
import type { FileMap, TreeFile } from './git-store.ts';
import type { SimRepo } from './model.ts';
import type { GitHubSim } from './simulator.ts';

const ZERO_SHA = '0000000000000000000000000000000000000000';

function lineCount(data: Buffer | undefined): number {
  if (!data || data.length === 0) return 0;
  const text = data.toString('utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Added/removed line counts between two texts (multiset approximation of a line diff). */
function lineDelta(before: Buffer, after: Buffer): { additions: number; deletions: number } {
  const count = (text: string) => {
    const map = new Map<string, number>();
    for (const line of text.split('\n')) map.set(line, (map.get(line) ?? 0) + 1);
    return map;
  };
  const a = count(before.toString('utf8'));
  const b = count(after.toString('utf8'));
  let additions = 0;
  let deletions = 0;
  for (const [line, n] of b) additions += Math.max(0, n - (a.get(line) ?? 0));
  for (const [line, n] of a) deletions += Math.max(0, n - (b.get(line) ?? 0));
  return { additions, deletions };
}

/** The files changed between two trees, as compare's `files[]`. */
export function diffFiles(
  sim: GitHubSim,
  repo: SimRepo,
  from: FileMap,
  to: FileMap,
  headSha: string,
): Record<string, unknown>[] {
  const api = `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  const html = `${sim.baseUrl}/${repo.owner.login}/${repo.name}`;
  const removed = [...from.keys()].filter((p) => !to.has(p));
  const added = [...to.keys()].filter((p) => !from.has(p));
  const renamedFrom = new Map<string, string>();
  for (const path of added) {
    const match = removed.find(
      (old) => from.get(old)!.sha === to.get(path)!.sha && ![...renamedFrom.values()].includes(old),
    );
    if (match) renamedFrom.set(path, match);
  }
  const entry = (
    filename: string,
    status: string,
    file: TreeFile | undefined,
    additions: number,
    deletions: number,
    previous?: string,
  ) => ({
    sha: file?.sha ?? ZERO_SHA,
    filename,
    status,
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `${html}/blob/${headSha}/${filename}`,
    raw_url: `${html}/raw/${headSha}/${filename}`,
    contents_url: `${api}/contents/${encodeURIComponent(filename)}?ref=${headSha}`,
    ...(previous ? { previous_filename: previous } : {}),
  });
  const files: Record<string, unknown>[] = [];
  const blob = (f: TreeFile) => repo.git.getBlob(f.sha) ?? Buffer.alloc(0);
  for (const path of [...new Set([...from.keys(), ...to.keys()])].sort()) {
    const before = from.get(path);
    const after = to.get(path);
    if (before && after) {
      if (before.sha === after.sha && before.mode === after.mode) continue;
      const delta = lineDelta(blob(before), blob(after));
      files.push(entry(path, 'modified', after, delta.additions, delta.deletions));
    } else if (after) {
      const previous = renamedFrom.get(path);
      if (previous) files.push(entry(path, 'renamed', after, 0, 0, previous));
      else files.push(entry(path, 'added', after, lineCount(blob(after)), 0));
    } else if (before && ![...renamedFrom.values()].includes(path)) {
      files.push(entry(path, 'removed', before, 0, lineCount(blob(before))));
    }
  }
  return files;
}

/**
 * A unified diff between two trees, as `GET …/pulls/{n}` answers with `application/vnd.github.diff`.
 * Each changed file is one whole-file hunk (every old line removed, every new line added): valid
 * for any parser, simpler than GitHub's minimal hunks. Renames are content changes at both paths.
 */
export function unifiedDiff(repo: SimRepo, from: FileMap, to: FileMap): string {
  const text = (file: TreeFile | undefined) =>
    file ? (repo.git.getBlob(file.sha) ?? Buffer.alloc(0)).toString('utf8') : '';
  const lines = (body: string) => (body === '' ? [] : body.replace(/\n$/, '').split('\n'));
  const out: string[] = [];
  for (const path of [...new Set([...from.keys(), ...to.keys()])].sort()) {
    const before = from.get(path);
    const after = to.get(path);
    if (before && after && before.sha === after.sha && before.mode === after.mode) continue;
    const old = lines(text(before));
    const next = lines(text(after));
    out.push(`diff --git a/${path} b/${path}`);
    if (!before) out.push(`new file mode ${after!.mode}`);
    if (!after) out.push(`deleted file mode ${before!.mode}`);
    out.push(before ? `--- a/${path}` : '--- /dev/null', after ? `+++ b/${path}` : '+++ /dev/null');
    if (old.length + next.length === 0) continue;
    out.push(`@@ -${old.length === 0 ? 0 : 1},${old.length} +${next.length === 0 ? 0 : 1},${next.length} @@`);
    out.push(...old.map((line) => `-${line}`), ...next.map((line) => `+${line}`));
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
