/**
 * The log fallback: plain-text logs of the failed jobs of every GitHub Actions run on a commit,
 * for repositories whose CI lacks the companion Action. Each log is capped (head and tail kept,
 * since errors sit both where a tool starts and in the summary at the end).
 */
import type { RepoRef } from '../../ports/git-host.ts';
import type { AdapterContext } from './client.ts';
import { attempt, isNotFound } from './map-request-error.ts';
import { checkSha } from './paths.ts';

const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);

/** Keeps the first quarter and the last three quarters of `maxBytes`, with a note in between. */
export function capLog(log: string, maxBytes: number): string {
  const bytes = Buffer.from(log, 'utf8');
  if (bytes.length <= maxBytes) return log;
  const head = Math.floor(maxBytes / 4);
  const tail = maxBytes - head;
  const omitted = bytes.length - head - tail;
  // Cutting on byte offsets may split a character; the replacement char is acceptable in a log.
  return `${bytes.subarray(0, head).toString('utf8')}\n… [fleetwright: ${omitted} bytes of log omitted] …\n${bytes.subarray(bytes.length - tail).toString('utf8')}`;
}

export async function listFailedJobLogs(
  ctx: AdapterContext,
  ref: RepoRef,
  sha: string,
): Promise<{ jobName: string; url: string; log: string }[]> {
  checkSha(sha, 'listFailedJobLogs');
  return attempt(`read failed job logs of ${ref.owner}/${ref.repo}@${sha}`, async () => {
    const runs = await ctx.octokit.paginate(ctx.octokit.rest.actions.listWorkflowRunsForRepo, {
      owner: ref.owner,
      repo: ref.repo,
      head_sha: sha,
      per_page: 100,
    });
    const out: { jobName: string; url: string; log: string }[] = [];
    for (const run of runs) {
      if (!run.conclusion || !FAILED.has(run.conclusion)) continue;
      const jobs = await ctx.octokit.paginate(ctx.octokit.rest.actions.listJobsForWorkflowRun, {
        owner: ref.owner,
        repo: ref.repo,
        run_id: run.id,
        filter: 'latest',
        per_page: 100,
      });
      for (const job of jobs) {
        if (!job.conclusion || !FAILED.has(job.conclusion)) continue;
        let log: string;
        try {
          const { data } = await ctx.octokit.rest.actions.downloadJobLogsForWorkflowRun({
            owner: ref.owner,
            repo: ref.repo,
            job_id: job.id,
          });
          log = typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8');
        } catch (error) {
          // Logs expire (90 days by default); the job still counts, with no text.
          if (!isNotFound(error)) throw error;
          ctx.log.debug({ repo: `${ref.owner}/${ref.repo}`, jobId: job.id }, 'Job log no longer available');
          log = '';
        }
        out.push({
          jobName: `${run.name ?? 'workflow'} / ${job.name}`,
          url: job.html_url ?? '',
          log: capLog(log, ctx.maxLogBytes),
        });
      }
    }
    return out;
  });
}
