/**
 * app.yml is the GitHub App's registration: it must subscribe to exactly the events src/index.ts
 * handles, ask for no more permissions than the app uses, and register a webhook URL that the
 * server really listens on.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sign } from '@octokit/webhooks-methods';
import type { Probot } from 'probot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_WEBHOOK_PATH } from '../src/app-config.ts';
import fleetwright from '../src/index.ts';

interface AppYml {
  public: boolean;
  default_events: string[];
  default_permissions: Record<string, string>;
  hook_attributes?: unknown;
}

const appYml = parse(readFileSync('app.yml', 'utf8')) as AppYml;

/** Loads the app against a Probot stand-in that records every `app.on` registration. */
async function registeredEvents(): Promise<string[]> {
  const events: string[] = [];
  const noop = () => undefined;
  const recorder = {
    on: (names: string | string[]) => events.push(...(Array.isArray(names) ? names : [names])),
    onAny: () => events.push('*'),
    onError: noop,
    log: { info: noop, debug: noop, warn: noop, error: noop, trace: noop, child: () => recorder.log },
  };
  await fleetwright(recorder as unknown as Probot, { cwd: process.cwd(), addHandler: noop });
  return events;
}

describe('app.yml', () => {
  it('subscribes to exactly the events the app handles', async () => {
    const handled = new Set((await registeredEvents()).map((name) => name.split('.')[0]));

    expect(handled.has('*')).toBe(false);
    expect([...handled].sort()).toEqual([...appYml.default_events].sort());
  });

  it('asks for least privilege', () => {
    expect(appYml.public).toBe(false);
    expect(appYml.default_permissions).toEqual({
      metadata: 'read',
      contents: 'write',
      checks: 'write',
      pull_requests: 'write',
      issues: 'write',
      actions: 'read',
      statuses: 'read',
      members: 'read',
    });
  });

  it("registers, through Probot's setup page, the webhook URL the server listens on", async () => {
    vi.stubEnv('WEBHOOK_PROXY_URL', '');
    vi.stubEnv('PROJECT_DOMAIN', '');
    // Probot does not export ManifestCreation; load the very module its setup page uses.
    const url = pathToFileURL(join(process.cwd(), 'node_modules/probot/lib/manifest-creation.js')).href;
    const { ManifestCreation } = (await import(url)) as {
      ManifestCreation: new () => { getManifest(options: { pkg: object; baseUrl: string }): string };
    };

    const manifest = JSON.parse(
      new ManifestCreation().getManifest({ pkg: {}, baseUrl: 'https://fleetwright.example.com' }),
    ) as {
      hook_attributes: { url: string };
      public: boolean;
      default_events: string[];
    };

    expect(new URL(manifest.hook_attributes.url).pathname).toBe(DEFAULT_WEBHOOK_PATH);
    expect(manifest.public).toBe(false);
    expect(manifest.default_events).toEqual(appYml.default_events);
  });
});

describe('npm start (src/main.ts)', () => {
  let child: ReturnType<typeof spawn> | undefined;

  afterEach(() => {
    child?.kill('SIGTERM');
    child = undefined;
  });

  async function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
  }

  it('serves signed webhooks at the site root, where setup registered them', async () => {
    const port = await freePort();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APP_ID: '1',
      PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      WEBHOOK_SECRET: 'secret',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn' as const,
      LOG_FORMAT: 'json' as const,
    };
    const server = spawn(process.execPath, ['src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const post = (path: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'ping',
          'x-github-delivery': 'delivery-1',
          'x-hub-signature-256': '',
        },
        body,
      });
    const signature = await sign('secret', body);

    let response: Response | undefined;
    for (let attempt = 0; attempt < 250 && !response; attempt += 1) {
      response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'ping',
          'x-github-delivery': 'delivery-1',
          'x-hub-signature-256': signature,
        },
        body,
      }).catch(() => undefined);
      if (!response) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(response?.status, output).toBe(200);
    expect((await post('/api/github/webhooks')).status).toBe(404);
  }, 40_000); // starts a real server process; generous for a loaded machine
});
