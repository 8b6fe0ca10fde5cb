/**
 * Runs one shell command the way a workflow `run:` step with `shell: bash` would, echoes its
 * output to the job log unchanged as it arrives, and feeds the same bytes to a condense session.
 *
 * Nothing is buffered beyond one partial line per stream: a 1 GB log passes through in chunks.
 * stdout and stderr are fed to the session in whole lines, so a line is never spliced with a
 * line from the other stream.
 */
import { spawn } from 'node:child_process';

/** A log stream; `once('drain')` is used for backpressure when the stream has it. */
export interface LogSink {
  write(chunk: Uint8Array): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Where output goes: the job log (process.stdout/stderr) and the condenser. */
export interface ExecSinks {
  readonly stdout: LogSink;
  readonly stderr: LogSink;
  /** Receives whole lines (several per call, newline-terminated, except possibly the last call). */
  readonly session: CondenseSink;
}

/**
 * The condense session. One on a worker thread says when it falls behind (`backlogged`); the
 * command's output is then paused until `drained()` resolves, as for a slow job log.
 */
export interface CondenseSink {
  push(chunk: Uint8Array): void;
  readonly backlogged?: boolean;
  drained?(): Promise<void>;
}

export interface ExecResult {
  /** The command's exit code; 128 + signal number when it was killed, as bash reports it. */
  readonly exitCode: number;
  /** Bytes of output seen (both streams). */
  readonly bytes: number;
}

/**
 * Variables the runner gives a JavaScript action but not a `run:` step: the Action's inputs
 * (INPUT_TOKEN is the job's token) and the runtime/OIDC credentials. The wrapped command is the
 * repository's own code (possibly from a pull request), so it must not see more than a plain
 * `run:` step would.
 */
const ACTION_ONLY_VARIABLE =
  /^(INPUT_|ACTIONS_RUNTIME_|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_CACHE_URL$|ACTIONS_RESULTS_URL$)/i;

/** The environment for the wrapped command: the Action's, minus what a `run:` step would not have. */
export function buildCommandEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !ACTION_ONLY_VARIABLE.test(name)));
}

/** A partial line longer than this is handed over anyway, so a newline-free stream cannot grow memory. */
const MAX_PARTIAL_LINE = 64 * 1024;
const NEWLINE = 0x0a;

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};

/**
 * Runs `command` with `bash --noprofile --norc -eo pipefail -c` in `cwd` (GitHub's `shell: bash`).
 * Resolves with the exit code; rejects only when bash itself cannot be started.
 */
export function execCommand(command: string, cwd: string, sinks: ExecSinks): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], {
      cwd,
      env: buildCommandEnv(process.env),
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    let bytes = 0;
    const out = new LineFeeder(sinks.session);
    const err = new LineFeeder(sinks.session);
    // Asynchronous log streams (pipes on Windows) buffer what they cannot write yet, and a
    // condense worker queues what it has not condensed yet; pause the command's stream until
    // both caught up, so a fast command cannot grow our memory.
    const relay = (from: NodeJS.ReadableStream, to: LogSink, feeder: LineFeeder) => {
      let waits = 0;
      const wait = () => {
        if (waits++ === 0) from.pause();
      };
      const done = () => {
        if (--waits === 0) from.resume();
      };
      from.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        feeder.push(chunk);
        if (to.write(chunk) === false && to.once) {
          wait();
          to.once('drain', done);
        }
        if (sinks.session.backlogged === true && sinks.session.drained) {
          wait();
          void sinks.session.drained().then(done, done);
        }
      });
    };
    relay(child.stdout, sinks.stdout, out);
    relay(child.stderr, sinks.stderr, err);

    // A cancelled job sends SIGINT, then SIGTERM, to the Action; pass them on so the command
    // can stop (and we still report what it printed).
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const cleanup = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };

    child.on('error', (error) => {
      cleanup();
      reject(error);
    });
    child.on('close', (code, signal) => {
      cleanup();
      out.flush();
      err.flush();
      const exitCode = code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 1) : 1);
      resolve({ exitCode, bytes });
    });
  });
}

/** Splits one stream into whole lines before handing them to the session. */
class LineFeeder {
  #partial: Buffer[] = [];
  #partialLength = 0;
  readonly #session: CondenseSink;

  constructor(session: CondenseSink) {
    this.#session = session;
  }

  push(chunk: Buffer): void {
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      this.#partial.push(chunk);
      this.#partialLength += chunk.length;
      if (this.#partialLength > MAX_PARTIAL_LINE) this.flush();
      return;
    }
    const complete = chunk.subarray(0, lastNewline + 1);
    if (this.#partialLength > 0) {
      this.#partial.push(complete);
      this.#session.push(Buffer.concat(this.#partial));
      this.#partial = [];
      this.#partialLength = 0;
    } else {
      this.#session.push(complete);
    }
    if (lastNewline + 1 < chunk.length) {
      // Copy: the rest must outlive the chunk's pooled buffer.
      const rest = Buffer.from(chunk.subarray(lastNewline + 1));
      this.#partial.push(rest);
      this.#partialLength = rest.length;
    }
  }

  /** Hands over the unterminated tail, ending it with a newline so it stays its own line. */
  flush(): void {
    if (this.#partialLength === 0) return;
    this.#partial.push(Buffer.from('\n'));
    this.#session.push(Buffer.concat(this.#partial));
    this.#partial = [];
    this.#partialLength = 0;
  }
}
