import { describe, expect, it, vi } from 'vitest';
import { buildCommandEnv, execCommand, type ExecSinks } from '../../action/src/exec.ts';

function capture(): ExecSinks & { out: () => string; err: () => string; pushed: () => string[] } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const pushed: string[] = [];
  return {
    stdout: { write: (chunk) => out.push(Buffer.from(chunk)) },
    stderr: { write: (chunk) => err.push(Buffer.from(chunk)) },
    session: { push: (chunk) => pushed.push(Buffer.from(chunk).toString('utf8')) },
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => Buffer.concat(err).toString('utf8'),
    pushed: () => pushed,
  };
}

describe('action/exec', () => {
  it('echoes both streams unchanged and returns the exit code', async () => {
    const sinks = capture();

    const result = await execCommand(
      `printf 'one\\n\\033[31mred\\033[0m\\n'; echo oops >&2; exit 3`,
      process.cwd(),
      sinks,
    );

    expect(result.exitCode).toBe(3);
    expect(sinks.out()).toBe('one\n\u001b[31mred\u001b[0m\n');
    expect(sinks.err()).toBe('oops\n');
    expect(result.bytes).toBe(sinks.out().length + sinks.err().length);
  });

  it('feeds the session whole lines, never splicing stdout and stderr', async () => {
    const sinks = capture();

    await execCommand(
      `printf 'par'; sleep 0.05; printf 'X err\\n' >&2; sleep 0.05; printf 'tial\\nnext'; sleep 0.05; printf ' line\\n'`,
      process.cwd(),
      sinks,
    );

    const lines = sinks.pushed().join('').split('\n').filter(Boolean);
    expect(lines.sort()).toEqual(['X err', 'next line', 'partial']);
    expect(sinks.pushed().every((chunk) => chunk.endsWith('\n'))).toBe(true);
  });

  it('terminates an unterminated last line for the session only', async () => {
    const sinks = capture();

    await execCommand(`printf 'no newline at end'`, process.cwd(), sinks);

    expect(sinks.out()).toBe('no newline at end');
    expect(sinks.pushed().join('')).toBe('no newline at end\n');
  });

  it('runs with pipefail and errexit like shell: bash', async () => {
    const sinks = capture();

    const pipe = await execCommand(`false | cat; echo after`, process.cwd(), sinks);

    expect(pipe.exitCode).toBe(1);
    expect(sinks.out()).toBe('');
  });

  it('reports 127 for a missing command and runs in the given directory', async () => {
    const missing = await execCommand('definitely-not-a-command-xyz', process.cwd(), capture());
    const sinks = capture();
    const pwd = await execCommand('pwd', '/tmp', sinks);

    expect(missing.exitCode).toBe(127);
    expect(pwd.exitCode).toBe(0);
    expect(sinks.out().trim()).toMatch(/\/tmp$/);
  });

  it('reports 128 + signal when the command is killed', async () => {
    const result = await execCommand('kill -TERM $$', process.cwd(), capture());

    expect(result.exitCode).toBe(143);
  });

  it('streams a large output in bounded chunks', async () => {
    const sinks = capture();

    const result = await execCommand(
      `node -e "for (let i = 0; i < 200000; i++) console.log('line ' + i)"`,
      process.cwd(),
      sinks,
    );

    expect(result.exitCode).toBe(0);
    expect(sinks.pushed().length).toBeGreaterThan(1);
    expect(Math.max(...sinks.pushed().map((chunk) => chunk.length))).toBeLessThanOrEqual(128 * 1024);
    expect(sinks.pushed().join('').split('\n').length - 1).toBe(200000);
  });

  it('hands over a newline-free stream in pieces instead of growing memory', async () => {
    const sinks = capture();

    await execCommand(`node -e "process.stdout.write('x'.repeat(300000))"`, process.cwd(), sinks);

    expect(sinks.pushed().length).toBeGreaterThan(1);
    expect(sinks.pushed().join('').replace(/\n/g, '')).toHaveLength(300000);
  });
});

describe('action/exec backpressure', () => {
  it('pauses the command while a log stream is full and resumes on drain', async () => {
    const { PassThrough } = await import('node:stream');
    const log = new PassThrough({ highWaterMark: 16 });
    let received = 0;
    let pushed = 0;
    const reading = (async () => {
      for await (const chunk of log) {
        received += (chunk as Buffer).length;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();

    const result = await execCommand(
      `node -e "for (let i = 0; i < 2000; i++) console.log('x'.repeat(100))"`,
      process.cwd(),
      { stdout: log, stderr: log, session: { push: (chunk) => (pushed += chunk.length) } },
    );
    log.end();
    await reading;

    expect(result.exitCode).toBe(0);
    expect(received).toBe(2000 * 101);
    expect(pushed).toBe(2000 * 101);
  });
});

describe('action/exec condenser backpressure', () => {
  it('pauses the command while the condense session is backlogged and resumes once it drained', async () => {
    // A session that falls behind after every 8 KiB and catches up a little later, like a busy
    // condense worker: every byte still arrives, in order, and the command was held back.
    let pending = 0;
    let pushed = '';
    let waits = 0;
    let pushedWhileWaiting = 0;
    let waiting = false;
    const session = {
      push: (chunk: Uint8Array) => {
        if (waiting) pushedWhileWaiting++;
        pushed += Buffer.from(chunk).toString('utf8');
        pending += chunk.length;
      },
      get backlogged() {
        return pending > 8 * 1024;
      },
      drained: () => {
        waits++;
        waiting = true;
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            pending = 0;
            waiting = false;
            resolve();
          }, 5),
        );
      },
    };
    const log = { write: () => true };

    const result = await execCommand(
      `node -e "for (let i = 0; i < 3000; i++) console.log(String(i).padStart(100, '.'))"`,
      process.cwd(),
      { stdout: log, stderr: log, session },
    );

    expect(result.exitCode).toBe(0);
    expect(waits).toBeGreaterThan(3);
    const lines = pushed.trimEnd().split('\n');
    expect(lines).toHaveLength(3000);
    expect(lines.every((line, i) => line === String(i).padStart(100, '.'))).toBe(true);
    // A chunk already read may still arrive after the pause; not a stream of them.
    expect(pushedWhileWaiting).toBeLessThanOrEqual(waits);
  });
});

describe('action/exec environment', () => {
  it('does not hand the Action-only credentials and inputs to the command', async () => {
    vi.stubEnv('INPUT_TOKEN', 'ghs_secret');
    vi.stubEnv('ACTIONS_RUNTIME_TOKEN', 'runtime');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'oidc');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', 'https://oidc');
    vi.stubEnv('ACTIONS_RESULTS_URL', 'https://results');
    vi.stubEnv('GITHUB_WORKSPACE', '/w');
    vi.stubEnv('CI', 'true');
    const sinks = capture();

    await execCommand('env', process.cwd(), sinks);

    const names = sinks
      .out()
      .split('\n')
      .map((line) => line.split('=')[0]);
    expect(names).toEqual(expect.arrayContaining(['GITHUB_WORKSPACE', 'CI']));
    expect(names.filter((name) => name?.startsWith('INPUT_') || name?.startsWith('ACTIONS_'))).toEqual([]);
    vi.unstubAllEnvs();
  });

  it('buildCommandEnv keeps everything else', () => {
    expect(
      buildCommandEnv({ PATH: '/bin', INPUT_RUN: 'x', ACTIONS_STEP_DEBUG: 'true', GITHUB_TOKEN: 't' }),
    ).toEqual({
      PATH: '/bin',
      ACTIONS_STEP_DEBUG: 'true',
      GITHUB_TOKEN: 't',
    });
  });
});
