/**
 * Check runs. GitHub takes at most 50 annotations per request (more are appended by PATCH) and at
 * most 65,535 characters of summary or text; this file enforces both so callers need not.
 */
import type { Annotation, CheckRunRequest, RepoRef } from '../../ports/git-host.ts';
import { mapRequestError } from './map-request-error.ts';
import type { Octokit } from './octokit.ts';

export const ANNOTATIONS_PER_REQUEST = 50;
const MAX_OUTPUT_CHARS = 65_535;
const MAX_TITLE_CHARS = 255;
const MAX_ANNOTATION_MESSAGE_CHARS = 4_096;

const cap = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Annotation in GitHub's wire shape; columns only when on one line (GitHub rejects them otherwise). */
export function toWireAnnotation(annotation: Annotation) {
  const sameLine = annotation.startLine === annotation.endLine;
  return {
    path: annotation.path,
    start_line: annotation.startLine,
    end_line: Math.max(annotation.startLine, annotation.endLine),
    ...(sameLine && annotation.startColumn !== undefined ? { start_column: annotation.startColumn } : {}),
    ...(sameLine && annotation.endColumn !== undefined
      ? { end_column: Math.max(annotation.endColumn, annotation.startColumn ?? 0) }
      : {}),
    annotation_level: annotation.level,
    message: cap(annotation.message, MAX_ANNOTATION_MESSAGE_CHARS),
    ...(annotation.title ? { title: cap(annotation.title, MAX_TITLE_CHARS) } : {}),
  };
}

interface ExistingRun {
  id: number;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null; annotations_count: number };
}

/**
 * Makes the latest run named `request.name` on `request.headSha` show `request`:
 * - an identical completed run already exists (a redelivered webhook): nothing is written;
 * - the app's run is still queued or in progress: it is updated;
 * - otherwise a new run is created (PATCH would append annotations to the old ones).
 * Annotations beyond the first 50 follow in PATCH requests of 50.
 */
export async function ensureCheckRun(
  octokit: Octokit,
  ref: RepoRef,
  request: CheckRunRequest,
  options: { appId?: number } = {},
): Promise<{ id: number }> {
  const { owner, repo } = ref;
  const title = cap(request.title, MAX_TITLE_CHARS);
  const summary = cap(request.summary, MAX_OUTPUT_CHARS);
  const text = request.text === undefined ? undefined : cap(request.text, MAX_OUTPUT_CHARS);
  const annotations = (request.annotations ?? []).map(toWireAnnotation);
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const output = (batch: typeof annotations | undefined) => ({
    title,
    summary,
    ...(text !== undefined ? { text } : {}),
    ...(batch && batch.length > 0 ? { annotations: batch } : {}),
  });
  const fields = {
    ...(request.status ? { status: request.status } : {}),
    ...(request.conclusion ? { conclusion: request.conclusion } : {}),
    ...(request.detailsUrl ? { details_url: request.detailsUrl } : {}),
    ...(request.externalId ? { external_id: request.externalId } : {}),
  };

  try {
    const { data } = await octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: request.headSha,
      check_name: request.name,
      filter: 'latest',
      ...(options.appId ? { app_id: options.appId } : {}),
    });
    const existing = data.check_runs[0] as ExistingRun | undefined;
    let id: number;
    if (
      existing &&
      existing.status === 'completed' &&
      existing.conclusion === (request.conclusion ?? null) &&
      existing.output.title === title &&
      existing.output.summary === summary &&
      existing.output.annotations_count === annotations.length
    ) {
      return { id: existing.id };
    }
    if (existing && existing.status !== 'completed' && existing.output.annotations_count === 0) {
      await octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: existing.id,
        ...fields,
        output: output(batches[0]),
      });
      id = existing.id;
    } else {
      const created = await octokit.rest.checks.create({
        owner,
        repo,
        name: request.name,
        head_sha: request.headSha,
        ...fields,
        output: output(batches[0]),
      });
      id = created.data.id;
    }
    for (const batch of batches.slice(1))
      await octokit.rest.checks.update({ owner, repo, check_run_id: id, output: output(batch) });
    return { id };
  } catch (error) {
    throw mapRequestError(
      error,
      `posting check run '${request.name}' on ${owner}/${repo}@${request.headSha.slice(0, 12)}`,
    );
  }
}
