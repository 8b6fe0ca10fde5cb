/**
 * The simulator's GraphQL endpoint (`POST /api/graphql`). It is not a GraphQL engine: it finds
 * the root field(s) of the document and answers each with a fixed superset of the fields the
 * app selects, reading arguments from `variables` only (inline literals are not parsed).
 *
 * Supported root fields:
 * - mutation `createCommitOnBranch(input: $input)`: `expectedHeadOid` is enforced (STALE_DATA
 *   error when the branch moved), contents must be strict base64, deleting a missing path and
 *   duplicate paths fail, workflow files need the `workflows` permission.
 * - mutation `markPullRequestReadyForReview(input: $input)`, `convertPullRequestToDraft(input: $input)`.
 * - mutation `updateRefs(input: $input)`: atomic ref updates with `beforeOid` compare-and-swap.
 * - query `repository(owner: $owner, name: $name)`: id, nameWithOwner, isEmpty, isArchived,
 *   defaultBranchRef { name target { oid } }; with an `$oid` variable also `object(oid: $oid)`
 *   as a Commit: checkSuites { totalCount nodes { databaseId app { slug databaseId } checkRuns
 *   { totalCount nodes { databaseId name status conclusion … title summary text } } } } (latest
 *   runs per name and suite) and status { state contexts { context state description targetUrl
 *   creator { login } } } (null without statuses).
 * - query `rateLimit`: cost, remaining, resetAt.
 * Errors use GitHub's shape: HTTP 200 with `errors[{ type, path, locations, message }]`.
 */
import { checkPath, type FileMap } from './git-store.ts';
import { HttpError } from './http-error.ts';
import type { SimIssue, SimRepo } from './model.ts';
import { latestRuns } from './rest-ci.ts';
import * as ser from './serialize.ts';
import type { GitHubSim } from './simulator.ts';

export interface GraphqlResult {
  status: number;
  json: unknown;
  operation: string;
  mutation: boolean;
  headers?: Record<string, string>;
}

const ZERO_SHA = '0000000000000000000000000000000000000000';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

class GraphqlFieldError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

/** Strips comments and string literals so brace counting is safe. */
function stripDocument(query: string): string {
  return query.replace(/"""[\s\S]*?"""|"(?:\\.|[^"\\])*"/g, '""').replace(/#[^\n]*/g, '');
}

/** The operation type, name and root field names (alias → field) of the first operation. */
export function parseOperation(query: string): {
  type: 'query' | 'mutation';
  name: string | undefined;
  fields: { alias: string; field: string }[];
} {
  const doc = stripDocument(query);
  const header = /^\s*(query|mutation|subscription)?\s*([A-Za-z_]\w*)?/.exec(doc);
  const type = header?.[1] === 'mutation' ? 'mutation' : 'query';
  const name = header?.[1] ? header[2] : undefined;
  const start = doc.indexOf('{');
  const fields: { alias: string; field: string }[] = [];
  if (start === -1) return { type, name, fields };
  let depth = 0;
  let parens = 0;
  let expectField = true;
  for (let i = start; i < doc.length; i++) {
    const ch = doc[i]!;
    if (ch === '(') parens++;
    else if (ch === ')') parens--;
    else if (parens > 0) continue;
    else if (ch === '{') {
      depth++;
      expectField = depth === 1;
    } else if (ch === '}') {
      depth--;
      expectField = depth === 1;
      if (depth === 0) break;
    } else if (depth === 1 && /[A-Za-z_]/.test(ch) && expectField) {
      const match = /^([A-Za-z_]\w*)\s*(?::\s*([A-Za-z_]\w*))?/.exec(doc.slice(i))!;
      const alias = match[1]!;
      const field = match[2] ?? alias;
      fields.push({ alias, field });
      i += match[0].length - 1;
      expectField = false;
    } else if (depth === 1 && /[\s,]/.test(ch) && !expectField) {
      // A new root field may start after the current one's arguments/selection.
      const rest = doc.slice(i).trimStart();
      if (/^[A-Za-z_]/.test(rest)) expectField = true;
    }
  }
  return { type, name, fields };
}

function decodeNodeId(id: unknown, kind: string): number | undefined {
  if (typeof id !== 'string') return undefined;
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  const match = new RegExp(`^0:${kind}(\\d+)$`).exec(decoded);
  return match ? Number(match[1]) : undefined;
}

function accessibleRepos(sim: GitHubSim, installationId: number | undefined): SimRepo[] {
  return [...sim.repos.values()].filter(
    (r) => installationId === undefined || r.installationId === installationId,
  );
}

function findPull(
  sim: GitHubSim,
  installationId: number | undefined,
  id: unknown,
): { repo: SimRepo; issue: SimIssue } {
  const numeric = decodeNodeId(id, 'PullRequest');
  for (const repo of accessibleRepos(sim, installationId)) {
    for (const issue of repo.issues.values()) {
      if (issue.pull && issue.id === numeric) return { repo, issue };
    }
  }
  throw new GraphqlFieldError(
    'NOT_FOUND',
    `Could not resolve to a node with the global id of '${String(id)}'`,
  );
}

function pullNode(sim: GitHubSim, repo: SimRepo, issue: SimIssue) {
  return {
    id: ser.nodeId('PullRequest', issue.id),
    number: issue.number,
    isDraft: issue.pull!.draft,
    state: issue.pull!.merged ? 'MERGED' : issue.state.toUpperCase(),
    url: `${sim.baseUrl}/${repo.owner.login}/${repo.name}/pull/${issue.number}`,
  };
}

function createCommitOnBranch(
  sim: GitHubSim,
  installationId: number | undefined,
  input: Record<string, unknown>,
) {
  const branch = (input.branch ?? {}) as {
    repositoryNameWithOwner?: string;
    branchName?: string;
    id?: string;
  };
  let repo: SimRepo | undefined;
  let branchName = branch.branchName;
  if (branch.repositoryNameWithOwner) {
    const [owner, name] = branch.repositoryNameWithOwner.split('/');
    repo = owner && name ? sim.findRepo(owner, name) : undefined;
    if (repo && installationId !== undefined && repo.installationId !== installationId) repo = undefined;
  } else if (branch.id) {
    const decoded = Buffer.from(branch.id, 'base64').toString('utf8');
    const match = /^0:Ref(\d+):refs\/heads\/(.+)$/.exec(decoded);
    repo = match ? accessibleRepos(sim, installationId).find((r) => r.id === Number(match[1])) : undefined;
    branchName = match?.[2];
  }
  if (!repo)
    throw new GraphqlFieldError(
      'NOT_FOUND',
      `Could not resolve to a Repository with the name '${branch.repositoryNameWithOwner ?? branch.id}'.`,
    );
  if (repo.archived) throw new GraphqlFieldError('FORBIDDEN', 'Repository was archived so is read-only.');
  const head = branchName ? sim.branchHead(repo, branchName) : undefined;
  if (!branchName || !head)
    throw new GraphqlFieldError(
      'NOT_FOUND',
      `Could not resolve to a Ref with the name 'refs/heads/${branchName}'.`,
    );
  const expected = String(input.expectedHeadOid ?? '');
  if (expected !== head) {
    sim.staleWrites.push({
      repo: `${repo.owner.login}/${repo.name}`,
      ref: `refs/heads/${branchName}`,
      expected,
      actual: head,
      via: 'createCommitOnBranch',
    });
    throw new GraphqlFieldError(
      'STALE_DATA',
      `Expected branch to point to "${expected}" but it did not. Pull and try again.`,
    );
  }
  const message = (input.message ?? {}) as { headline?: string; body?: string };
  if (typeof message.headline !== 'string' || message.headline.trim() === '') {
    throw new GraphqlFieldError('UNPROCESSABLE', 'A commit message headline is required.');
  }
  const changes = (input.fileChanges ?? {}) as {
    additions?: { path: string; contents: string }[];
    deletions?: { path: string }[];
  };
  const additions = changes.additions ?? [];
  const deletions = changes.deletions ?? [];
  const seen = new Set<string>();
  for (const { path } of [...additions, ...deletions]) {
    const problem = checkPath(path ?? '');
    if (problem) throw new GraphqlFieldError('UNPROCESSABLE', `Invalid path '${path}': ${problem}.`);
    if (seen.has(path))
      throw new GraphqlFieldError('UNPROCESSABLE', `A path was specified more than once: '${path}'.`);
    seen.add(path);
    if (path.startsWith('.github/workflows/') && !sim.appPermissions.workflows) {
      throw new GraphqlFieldError(
        'FORBIDDEN',
        `refusing to allow a GitHub App to create or update workflow \`${path}\` without \`workflows\` permission`,
      );
    }
  }
  const files: FileMap = new Map(repo.git.filesAt(head));
  for (const { path } of deletions) {
    if (!files.delete(path)) {
      throw new GraphqlFieldError(
        'UNPROCESSABLE',
        `A path was requested for deletion which does not exist as of commit oid \`${head}\``,
      );
    }
  }
  for (const { path, contents } of additions) {
    files.set(path, {
      sha: repo.git.putBlob(Buffer.from(contents, 'base64')),
      mode: files.get(path)?.mode ?? '100644',
    });
  }
  const actor = sim.appActor();
  const commit = sim.writeCommit(repo, {
    parents: [head],
    files,
    message: message.body ? `${message.headline}\n\n${message.body}` : message.headline,
    actor,
    verified: true,
  });
  sim.setRef(repo, `refs/heads/${branchName}`, commit.sha, actor);
  return {
    clientMutationId: input.clientMutationId ?? null,
    commit: {
      oid: commit.sha,
      abbreviatedOid: commit.sha.slice(0, 7),
      url: `${sim.baseUrl}/${repo.owner.login}/${repo.name}/commit/${commit.sha}`,
      message: commit.message,
    },
    ref: { name: `refs/heads/${branchName}`, target: { oid: commit.sha } },
  };
}

function updateRefs(sim: GitHubSim, installationId: number | undefined, input: Record<string, unknown>) {
  const repoId = decodeNodeId(input.repositoryId, 'Repository');
  const repo = accessibleRepos(sim, installationId).find((r) => r.id === repoId);
  if (!repo)
    throw new GraphqlFieldError(
      'NOT_FOUND',
      `Could not resolve to a node with the global id of '${String(input.repositoryId)}'`,
    );
  if (repo.archived) throw new GraphqlFieldError('FORBIDDEN', 'Repository was archived so is read-only.');
  const updates = (input.refUpdates ?? []) as {
    name: string;
    afterOid: string;
    beforeOid?: string;
    force?: boolean;
  }[];
  // Validate everything first: the mutation is atomic.
  for (const update of updates) {
    if (!update.name?.startsWith('refs/'))
      throw new GraphqlFieldError('UNPROCESSABLE', `Invalid ref name '${update.name}'.`);
    const current = repo.refs.get(update.name);
    if (update.beforeOid !== undefined && (current ?? ZERO_SHA) !== update.beforeOid) {
      sim.staleWrites.push({
        repo: `${repo.owner.login}/${repo.name}`,
        ref: update.name,
        expected: update.beforeOid,
        actual: current,
        via: 'updateRefs',
      });
      throw new GraphqlFieldError(
        'STALE_DATA',
        `Ref '${update.name}' does not point to '${update.beforeOid}'.`,
      );
    }
    if (update.afterOid !== ZERO_SHA && !repo.git.getCommit(update.afterOid)) {
      throw new GraphqlFieldError('UNPROCESSABLE', `Object '${update.afterOid}' does not exist.`);
    }
    if (
      current &&
      update.afterOid !== ZERO_SHA &&
      !update.force &&
      !repo.git.isAncestor(current, update.afterOid)
    ) {
      throw new GraphqlFieldError('UNPROCESSABLE', `Update to '${update.name}' is not a fast forward.`);
    }
  }
  const actor = sim.appActor();
  for (const update of updates) {
    sim.setRef(repo, update.name, update.afterOid === ZERO_SHA ? undefined : update.afterOid, actor);
  }
  return { clientMutationId: input.clientMutationId ?? null };
}

function setDraft(
  sim: GitHubSim,
  installationId: number | undefined,
  input: Record<string, unknown>,
  draft: boolean,
) {
  const { repo, issue } = findPull(sim, installationId, input.pullRequestId);
  if (repo.archived) throw new GraphqlFieldError('FORBIDDEN', 'Repository was archived so is read-only.');
  if (issue.state !== 'open') throw new GraphqlFieldError('UNPROCESSABLE', 'Pull request is closed.');
  if (issue.pull!.draft !== draft) {
    issue.pull!.draft = draft;
    issue.updatedAt = sim.now();
    sim.emitPull(repo, issue, draft ? 'converted_to_draft' : 'ready_for_review', sim.appActor());
  }
  return { clientMutationId: input.clientMutationId ?? null, pullRequest: pullNode(sim, repo, issue) };
}

/** `repository.object(oid:)` as a Commit with its check suites (latest runs) and status contexts. */
function commitObject(repo: SimRepo, oid: string) {
  const commit = repo.git.getCommit(oid);
  if (!commit) return null;
  const suites = repo.checkSuites.filter((s) => s.headSha === oid);
  const runs = latestRuns(repo.checkRuns.filter((r) => r.headSha === oid));
  const contexts = new Map<string, (typeof repo.statuses)[number]>();
  for (const status of repo.statuses) if (status.sha === oid) contexts.set(status.context, status);
  return {
    __typename: 'Commit',
    oid,
    checkSuites: {
      totalCount: suites.length,
      // Connections return at most 100 nodes (`first: 100`, GitHub's maximum); totalCount is real.
      nodes: suites.slice(0, 100).map((suite) => {
        const own = runs.filter((r) => r.suiteId === suite.id);
        return {
          databaseId: suite.id,
          status: suite.status.toUpperCase(),
          conclusion: suite.conclusion?.toUpperCase() ?? null,
          app: { slug: suite.app.slug, databaseId: suite.app.id, name: suite.app.name },
          checkRuns: {
            totalCount: own.length,
            nodes: own.slice(0, 100).map((r) => ({
              databaseId: r.id,
              name: r.name,
              status: r.status.toUpperCase(),
              conclusion: r.conclusion?.toUpperCase() ?? null,
              detailsUrl: r.detailsUrl,
              startedAt: r.startedAt,
              completedAt: r.completedAt,
              title: r.output.title,
              summary: r.output.summary,
              text: r.output.text,
            })),
          },
        };
      }),
    },
    // GitHub answers `status: null` for a commit without any commit status.
    status:
      contexts.size === 0
        ? null
        : {
            state: [...contexts.values()].some((c) => c.state === 'failure' || c.state === 'error')
              ? 'FAILURE'
              : [...contexts.values()].some((c) => c.state === 'pending')
                ? 'PENDING'
                : 'SUCCESS',
            contexts: [...contexts.values()].map((c) => ({
              context: c.context,
              state: c.state.toUpperCase(),
              description: c.description,
              targetUrl: c.targetUrl,
              creator: { login: c.creator.login },
            })),
          },
  };
}

function repositoryQuery(
  sim: GitHubSim,
  installationId: number | undefined,
  variables: Record<string, unknown>,
) {
  const repo = sim.findRepo(String(variables.owner ?? ''), String(variables.name ?? variables.repo ?? ''));
  if (!repo || (installationId !== undefined && repo.installationId !== installationId)) {
    throw new GraphqlFieldError(
      'NOT_FOUND',
      `Could not resolve to a Repository with the name '${String(variables.owner)}/${String(variables.name ?? variables.repo)}'.`,
    );
  }
  const head = sim.branchHead(repo, repo.defaultBranch);
  return {
    ...(typeof variables.oid === 'string' ? { object: commitObject(repo, variables.oid) } : {}),
    id: ser.nodeId('Repository', repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner.login}/${repo.name}`,
    isEmpty: repo.refs.size === 0,
    isArchived: repo.archived,
    isFork: repo.fork,
    isPrivate: repo.private,
    defaultBranchRef: head ? { name: repo.defaultBranch, target: { oid: head } } : null,
  };
}

export async function handleGraphql(
  sim: GitHubSim,
  body: Record<string, unknown>,
  installationId: number | undefined,
): Promise<GraphqlResult> {
  const query = typeof body.query === 'string' ? body.query : '';
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const op = parseOperation(query);
  const operation = op.fields.map((f) => f.field).join('+') || 'unknown';
  const mutation = op.type === 'mutation';
  try {
    sim.faults.check(`graphql ${operation}`);
  } catch (error) {
    if (error instanceof HttpError)
      return { status: error.status, json: error.body, headers: error.headers, operation, mutation };
    throw error;
  }
  if (op.fields.length === 0) {
    return {
      status: 200,
      json: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] },
      operation,
      mutation,
    };
  }
  const data: Record<string, unknown> = {};
  const errors: Record<string, unknown>[] = [];
  for (const { alias, field } of op.fields) {
    try {
      const input = (variables.input ?? {}) as Record<string, unknown>;
      if (mutation && field === 'createCommitOnBranch') {
        const additions =
          (input.fileChanges as { additions?: { contents?: unknown }[] } | undefined)?.additions ?? [];
        const bad = additions.findIndex((a) => typeof a.contents !== 'string' || !BASE64.test(a.contents));
        if (bad !== -1) {
          // Variable coercion fails before execution: no `data` at all, like GitHub.
          return {
            status: 200,
            operation,
            mutation,
            json: {
              errors: [
                {
                  message: `Variable $input of type CreateCommitOnBranchInput! was provided invalid value for fileChanges.additions.${bad}.contents (Could not coerce value to Base64String)`,
                  locations: [{ line: 1, column: 1 }],
                  extensions: {
                    problems: [
                      {
                        path: ['fileChanges', 'additions', bad, 'contents'],
                        explanation: 'Could not coerce value to Base64String',
                      },
                    ],
                  },
                },
              ],
            },
          };
        }
        data[alias] = createCommitOnBranch(sim, installationId, input);
      } else if (mutation && field === 'markPullRequestReadyForReview') {
        data[alias] = setDraft(sim, installationId, input, false);
      } else if (mutation && field === 'convertPullRequestToDraft') {
        data[alias] = setDraft(sim, installationId, input, true);
      } else if (mutation && field === 'updateRefs') {
        data[alias] = updateRefs(sim, installationId, input);
      } else if (!mutation && field === 'repository') {
        data[alias] = repositoryQuery(sim, installationId, variables);
      } else if (!mutation && field === 'rateLimit') {
        data[alias] = {
          cost: 1,
          limit: 5000,
          remaining: 4999,
          resetAt: new Date(Date.now() + 3600_000).toISOString(),
        };
      } else {
        return {
          status: 200,
          operation,
          mutation,
          json: {
            errors: [
              {
                message: `Field '${field}' doesn't exist on type '${mutation ? 'Mutation' : 'Query'}'`,
                locations: [{ line: 1, column: 1 }],
                path: [mutation ? 'mutation' : 'query', field],
                extensions: {
                  code: 'undefinedField',
                  typeName: mutation ? 'Mutation' : 'Query',
                  fieldName: field,
                },
              },
            ],
          },
        };
      }
    } catch (error) {
      if (!(error instanceof GraphqlFieldError)) throw error;
      data[alias] = null;
      errors.push({
        type: error.type,
        path: [alias],
        locations: [{ line: 2, column: 3 }],
        message: error.message,
      });
    }
  }
  return { status: 200, json: errors.length > 0 ? { data, errors } : { data }, operation, mutation };
}
