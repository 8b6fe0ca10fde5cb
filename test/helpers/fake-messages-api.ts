/**
 * A fake Anthropic Messages API on 127.0.0.1:0 for adapter and CLI tests. It serves a script:
 * one step per expected `POST /v1/messages`, each either a reply or a function of the request.
 * Every request is recorded (headers and parsed body) for assertions. A request beyond the
 * script gets HTTP 500 with a clear message, and `unused()` lists steps never reached.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw body text, for byte-level comparisons. */
  raw: string;
  body: MessagesRequestBody;
}

/** The parts of a Messages request the tests look at. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  system?: Array<{ type: string; text: string; cache_control?: unknown }>;
  tools?: Array<Record<string, unknown>>;
  messages: Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
  [key: string]: unknown;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Wait before answering (to exercise timeouts). */
  delayMs?: number;
  /** Drop the connection without answering (a network failure). */
  destroy?: boolean;
}

export type ScriptStep = FakeReply | ((request: RecordedRequest) => FakeReply);

export interface FakeMessagesApi {
  baseURL: string;
  requests: RecordedRequest[];
  /** Script steps never requested. */
  unused(): number;
  close(): Promise<void>;
}

export async function startFakeMessagesApi(script: ScriptStep[]): Promise<FakeMessagesApi> {
  const requests: RecordedRequest[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        raw,
        body: raw === '' ? ({} as MessagesRequestBody) : (JSON.parse(raw) as MessagesRequestBody),
      };
      requests.push(recorded);
      const step = script[next];
      next += 1;
      const reply: FakeReply =
        step === undefined
          ? {
              status: 500,
              headers: { 'x-should-retry': 'false' },
              body: {
                type: 'error',
                error: { type: 'api_error', message: `fake API: unexpected request #${next}` },
              },
            }
          : typeof step === 'function'
            ? step(recorded)
            : step;
      const send = () => {
        if (res.destroyed) return;
        if (reply.destroy) {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    unused: () => Math.max(0, script.length - next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let ids = 0;

/** A tool_use content block. */
export function toolUse(
  name: string,
  input: unknown,
  id = `toolu_${(ids += 1).toString().padStart(4, '0')}`,
) {
  return { type: 'tool_use', id, name, input };
}

export function textBlock(text: string) {
  return { type: 'text', text, citations: null };
}

export interface UsageInput {
  input?: number;
  output?: number;
  cacheWrite?: number;
  cacheRead?: number;
}

/** A complete Messages API response, trimmed to what the API returns for a plain tool loop. */
export function message(
  content: unknown[],
  stopReason: string = content.some((b) => (b as { type: string }).type === 'tool_use')
    ? 'tool_use'
    : 'end_turn',
  usage: UsageInput = {},
  extra: Record<string, unknown> = {},
): FakeReply {
  return {
    body: {
      id: `msg_${(ids += 1).toString().padStart(4, '0')}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: null,
      usage: {
        input_tokens: usage.input ?? 1_000,
        output_tokens: usage.output ?? 200,
        cache_creation_input_tokens: usage.cacheWrite ?? 0,
        cache_read_input_tokens: usage.cacheRead ?? 0,
        cache_creation: null,
        inference_geo: null,
        server_tool_use: null,
        service_tier: 'standard',
      },
      ...extra,
    },
  };
}

/** An API error reply in the documented shape. */
export function apiError(
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
): FakeReply {
  return { status, headers, body: { type: 'error', error: { type, message: text } } };
}

/** The text of every tool_result and text block in a request's last user message. */
export function lastUserContent(request: RecordedRequest): Array<Record<string, unknown>> {
  const last = request.body.messages[request.body.messages.length - 1];
  if (last === undefined || typeof last.content === 'string') return [];
  return last.content;
}

/** The tool_result for a tool_use id in a request. */
export function toolResultFor(
  request: RecordedRequest,
  toolUseId: string,
): { content: string; is_error?: boolean } | undefined {
  for (const m of request.body.messages) {
    if (typeof m.content === 'string') continue;
    for (const block of m.content) {
      if (block.type === 'tool_result' && block.tool_use_id === toolUseId) {
        return block as unknown as { content: string; is_error?: boolean };
      }
    }
  }
  return undefined;
}
