/**
 * Regex search over workspace files in a worker thread with a hard time limit.
 *
 * Why a worker: the pattern comes from the model, and JavaScript regexes backtrack. A pattern
 * like `(a+)+$` on a long line can block the event loop for minutes; a regex cannot be
 * interrupted, but a worker can be terminated. Lines longer than `maxLineChars` are searched
 * only up to that length, which also bounds the work per line.
 */
import { Worker } from 'node:worker_threads';

export interface SearchRequest {
  pattern: string;
  flags: string;
  /** [repo-relative path, absolute path] pairs, already confined and filtered. */
  files: Array<[string, string]>;
  contextLines: number;
  maxMatches: number;
  maxLineChars: number;
  maxFileBytes: number;
}

export interface SearchMatch {
  path: string;
  /** 1-based line number of the match. */
  line: number;
  /** Lines from line - context to line + context: [number, text, isMatch]. */
  lines: Array<[number, string, boolean]>;
}

export type SearchResponse =
  | { type: 'ok'; matches: SearchMatch[]; truncated: boolean; filesSearched: number; filesSkipped: number }
  | { type: 'timeout' }
  | { type: 'error'; message: string };

// Plain JavaScript: the worker is started from source text so it works the same under Node's
// type stripping, vitest, and a bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync, statSync } = require('node:fs');
const req = workerData;
const re = new RegExp(req.pattern, req.flags);
const matches = [];
let truncated = false;
let filesSearched = 0;
let filesSkipped = 0;
outer: for (const [rel, abs] of req.files) {
  let buf;
  try {
    if (statSync(abs).size > req.maxFileBytes) { filesSkipped++; continue; }
    buf = readFileSync(abs);
  } catch { filesSkipped++; continue; }
  if (buf.subarray(0, 8192).includes(0)) { filesSkipped++; continue; }
  filesSearched++;
  const lines = buf.toString('utf8').split(/\\r?\\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].length > req.maxLineChars ? lines[i].slice(0, req.maxLineChars) : lines[i];
    re.lastIndex = 0;
    if (!re.test(text)) continue;
    if (matches.length >= req.maxMatches) { truncated = true; break outer; }
    const from = Math.max(0, i - req.contextLines);
    const to = Math.min(lines.length - 1, i + req.contextLines);
    const ctx = [];
    for (let j = from; j <= to; j++) {
      const t = lines[j].length > 300 ? lines[j].slice(0, 300) + ' …' : lines[j];
      ctx.push([j + 1, t, j === i]);
    }
    matches.push({ path: rel, line: i + 1, lines: ctx });
  }
}
parentPort.postMessage({ type: 'ok', matches, truncated, filesSearched, filesSkipped });
`;

/** Runs the search; resolves `{ type: 'timeout' }` when it takes longer than `timeoutMs`. */
export function runRegexSearch(request: SearchRequest, timeoutMs: number): Promise<SearchResponse> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    });
    let settled = false;
    const settle = (response: SearchResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(response);
    };
    const timer = setTimeout(() => settle({ type: 'timeout' }), timeoutMs);
    worker.once('message', (message: SearchResponse) => settle(message));
    worker.once('error', (error) => settle({ type: 'error', message: error.message }));
    worker.once('exit', (code) =>
      settle({ type: 'error', message: `search worker exited with code ${code}` }),
    );
  });
}
