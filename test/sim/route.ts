/** Route types and helpers shared by the simulator's REST modules (kept apart from server.ts to avoid import cycles). */
import type { IncomingMessage } from 'node:http';
import type { SimRepo } from './model.ts';
import type { Actor, GitHubSim } from './simulator.ts';

export interface RouteContext {
  sim: GitHubSim;
  method: string;
  /** Path below `/api/v3`, as requested. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  actor: Actor;
  /** The installation the token belongs to; undefined for lenient test tokens. */
  installationId: number | undefined;
  /** The repository named by `{owner}/{repo}`, access-checked. */
  repo: SimRepo;
}

export interface RouteResult {
  status?: number;
  json?: unknown;
  text?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  template: string;
  handler: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
  /** Writes to a repository: refused on archived/disabled repos. */
  write?: boolean;
  /** App-JWT routes (`/app/...`) need no installation token. */
  appAuth?: boolean;
}

/** GitHub-style pagination (`per_page` ≤ 100, `page`), with a Link header. */
export function paginate<T>(ctx: RouteContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(ctx.query.get('per_page') ?? 30) || 30, 1), 100);
  const page = Math.max(Number(ctx.query.get('page') ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const query = new URLSearchParams(ctx.query);
    query.set('per_page', String(perPage));
    query.set('page', String(p));
    return `<${ctx.sim.apiUrl}${ctx.path}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  return { page: slice, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}
