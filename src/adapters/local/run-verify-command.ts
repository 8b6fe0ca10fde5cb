/**
 * Runs a local verify command (`fleetwright try --verify "npm test"`) in a checkout and
 * captures its combined output for the condensers.
 *
 * The command runs through the user's shell in its own process group, so a timeout kills the
 * whole tree (test runners spawn workers). Output is bounded: the first and last
 * `maxOutputBytes / 2` bytes are kept, since compilers report at the start and test runners
 * summarise at the end; the cut is marked in the text.
 */
import { spawn } from 'node:child_process';

export interface VerifyResult {
  exitCode: number;
  /** Combined stdout and stderr, possibly cut in the middle (see `truncatedBytes`). */
  output: string;
  truncatedBytes: number;
  durationMs: number;
  timedOut: boolean;
}

export interface VerifyOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/** Runs `command` with `sh -c` (or cmd.exe on Windows); never rejects for a failing command. */
export function runVerifyCommand(command: string, options: VerifyOptions): Promise<VerifyResult> {
  const maxOutputBytes = options.maxOutputBytes ?? 8 * 1024 * 1024;
  const half = Math.floor(maxOutputBytes / 2);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      cwd: options.cwd,
      shell: true,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      // CI=true keeps test runners out of watch/interactive modes; colours only add noise.
      env: { ...process.env, ...options.env, CI: options.env?.CI ?? 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const head: Buffer[] = [];
    let headBytes = 0;
    let tail: Buffer[] = [];
    let tailBytes = 0;
    let dropped = 0;
    const collect = (chunk: Buffer) => {
      if (headBytes < half) {
        const take = chunk.subarray(0, half - headBytes);
        head.push(take);
        headBytes += take.length;
        chunk = chunk.subarray(take.length);
      }
      if (chunk.length === 0) return;
      tail.push(chunk);
      tailBytes += chunk.length;
      while (tailBytes > half && tail.length > 0) {
        const first = tail[0] as Buffer;
        const excess = tailBytes - half;
        if (first.length <= excess) {
          tail.shift();
          tailBytes -= first.length;
          dropped += first.length;
        } else {
          tail[0] = first.subarray(excess);
          tailBytes -= excess;
          dropped += excess;
        }
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs);
    const onAbort = () => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const marker =
        dropped > 0 ? Buffer.from(`\n[… ${dropped} bytes of output omitted …]\n`) : Buffer.alloc(0);
      const output = Buffer.concat([...head, marker, ...tail]).toString('utf8');
      tail = [];
      resolve({
        exitCode: code ?? (signal ? 128 + signalNumber(signal) : 1),
        output: timedOut ? `${output}\n[verify command killed after ${options.timeoutMs} ms]\n` : output,
        truncatedBytes: dropped,
        durationMs: Date.now() - started,
        timedOut,
      });
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 1;
}
