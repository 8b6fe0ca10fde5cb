/**
 * The simulator's HTTP front: GitHub Enterprise layout (REST under `/api/v3`, GraphQL at
 * `/api/graphql`), token auth, repository access per installation, request accounting, fault
 * injection, pagination with Link headers, and GitHub-shaped errors. Routes live in rest-*.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleGraphql } from './graphql.ts';
import { HttpError, notFound } from './http-error.ts';
import type { SimRepo } from './model.ts';
import type { Route, RouteResult } from './route.ts';
import { isContentCreating } from './requests.ts';
import { repoRoutes } from './rest-repos.ts';
import { ciRoutes } from './rest-ci.ts';
import { issueRoutes } from './rest-issues.ts';
import { orgRoutes } from './rest-orgs.ts';
import type { GitHubSim } from './simulator.ts';

interface CompiledRoute extends Route {
  segments: string[];
}

// CI routes first: their literal suffixes (`/commits/{ref}/status`) must win over `/commits/{ref+}`.
const routes: CompiledRoute[] = [...ciRoutes, ...issueRoutes, ...repoRoutes, ...orgRoutes].map((route) => ({
  ...route,
  segments: route.template.split('/').slice(1),
}));

function matchRoute(
  method: string,
  segments: string[],
): { route: CompiledRoute; params: Record<string, string> } | undefined {
  outer: for (const route of routes) {
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < route.segments.length; i++) {
      const pattern = route.segments[i]!;
      const rest = /^\{(\w+)([+*])\}$/.exec(pattern);
      if (rest) {
        const tail = segments.slice(i);
        if (rest[2] === '+' && (tail.length === 0 || tail.every((s) => s === ''))) continue outer;
        params[rest[1]!] = tail.map(decodeURIComponent).join('/');
        return { route, params };
      }
      const segment = segments[i];
      if (segment === undefined) continue outer;
      const param = /^\{(\w+)\}$/.exec(pattern);
      if (param) {
        if (segment === '') continue outer;
        params[param[1]!] = decodeURIComponent(segment);
      } else if (pattern !== segment) {
        continue outer;
      }
    }
    if (segments.length !== route.segments.length) continue;
    return { route, params };
  }
  return undefined;
}

/** The request kind used for counting: the template without `+`/`*` markers. */
export function kindOf(method: string, template: string): string {
  return `${method} ${template.replace(/\{(\w+)[+*]\}/g, '{$1}')}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, result: RouteResult): void {
  const headers: Record<string, string> = {
    'x-github-media-type': 'github.v3; format=json',
    ...result.headers,
  };
  if (result.json !== undefined) {
    res.writeHead(result.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(result.json));
  } else if (result.text !== undefined) {
    res.writeHead(result.status ?? 200, {
      'content-type': result.contentType ?? 'text/plain; charset=utf-8',
      ...headers,
    });
    res.end(result.text);
  } else {
    res.writeHead(result.status ?? 204, headers);
    res.end();
  }
}

function sendError(res: ServerResponse, error: HttpError): void {
  send(res, { status: error.status, json: error.body, headers: error.headers });
}

/** Resolves the caller from the Authorization header. */
function authenticate(
  sim: GitHubSim,
  req: IncomingMessage,
): { installationId: number | undefined; jwt: boolean } {
  const header = req.headers.authorization;
  if (!header) throw new HttpError(401, 'Requires authentication');
  const [scheme, token] = header.split(' ', 2) as [string, string | undefined];
  if (!token) throw new HttpError(401, 'Bad credentials');
  const installationId = sim.tokens.get(token);
  // A JWT has three dot-separated parts; Probot sends it as `bearer` for /app routes.
  const jwt = scheme.toLowerCase() === 'bearer' && token.split('.').length === 3;
  return { installationId, jwt };
}

export async function handleRequest(
  sim: GitHubSim,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', sim.baseUrl);
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);
  if (process.env.SIM_TRACE) process.stderr.write(`SIM> ${method} ${url.pathname}${url.search}\n`);

  // Unauthenticated download hosts behind redirects (codeload / log storage).
  if (url.pathname.startsWith('/_download/')) {
    const blob = sim.downloads.get(url.pathname);
    if (!blob) return sendError(res, notFound());
    return send(res, { status: 200, text: blob.body, contentType: blob.contentType });
  }

  const isGraphql = url.pathname === '/api/graphql' && method === 'POST';
  const apiPrefix = '/api/v3';
  if (!isGraphql && !url.pathname.startsWith(`${apiPrefix}/`) && url.pathname !== apiPrefix) {
    return sendError(res, notFound());
  }

  let body: Record<string, unknown> = {};
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return sendError(res, new HttpError(400, 'Problems parsing JSON'));
    }
  }

  if (isGraphql) {
    let auth: ReturnType<typeof authenticate>;
    try {
      auth = authenticate(sim, req);
    } catch (error) {
      return sendError(res, error as HttpError);
    }
    if (process.env.SIM_TRACE) process.stderr.write(`SIM graphql start\n`);
    const result = await handleGraphql(sim, body, auth.installationId);
    sim.requests.record({
      at: Date.now(),
      kind: `graphql ${result.operation}`,
      api: 'graphql',
      method,
      path: url.pathname,
      installationId: auth.installationId,
      write: result.mutation,
      contentCreating: isContentCreating(`graphql ${result.operation}`),
      status: result.status,
    });
    if (process.env.SIM_TRACE) process.stderr.write(`SIM< graphql ${result.operation} ${result.status}\n`);
    return send(res, { status: result.status, json: result.json, headers: result.headers });
  }

  const segments = url.pathname.slice(apiPrefix.length).split('/').slice(1);
  const matched = matchRoute(method, segments);
  const kind = matched ? kindOf(method, matched.route.template) : `${method} (unknown) ${url.pathname}`;
  let status = 500;
  let installationId: number | undefined;
  try {
    if (!matched) throw notFound();
    const auth = authenticate(sim, req);
    installationId = auth.installationId;
    if (!matched.route.appAuth && auth.jwt && auth.installationId === undefined) {
      // App JWTs cannot read repositories (GitHub: "A JSON web token could not be decoded" / 401).
      throw new HttpError(401, 'A JSON web token could not be used to access this endpoint');
    }
    sim.faults.check(kind);
    let repo: SimRepo | undefined;
    if (matched.params.owner !== undefined && matched.params.repo !== undefined) {
      repo = sim.findRepo(matched.params.owner, matched.params.repo);
      if (!repo || (installationId !== undefined && repo.installationId !== installationId)) throw notFound();
      if (matched.route.write && repo.archived) {
        throw new HttpError(403, 'Repository was archived so is read-only.');
      }
      if (repo.disabled) throw new HttpError(403, 'Repository access blocked');
    }
    const result = await matched.route.handler({
      sim,
      method,
      path: url.pathname.slice(apiPrefix.length),
      params: matched.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      actor: sim.appActor(),
      installationId,
      repo: repo as SimRepo,
    });
    status = result.status ?? (result.json !== undefined || result.text !== undefined ? 200 : 204);
    send(res, result);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    status = error.status;
    sendError(res, error);
  } finally {
    if (process.env.SIM_TRACE) process.stderr.write(`SIM< ${kind} ${status}\n`);
    sim.requests.record({
      at: Date.now(),
      kind,
      api: 'rest',
      method,
      path: url.pathname,
      installationId,
      write: method !== 'GET' && method !== 'HEAD',
      contentCreating: isContentCreating(kind),
      status,
    });
  }
}
