/**
 * Generic fallback condenser (tool id `generic`) for logs of tools no specific condenser knows.
 * It finds error-looking blocks by their shape rather than by the word "error" alone:
 *
 * - `path:line[:col]: message` and `path(line,col): message` lines (any file with an extension,
 *   or Dockerfile/Makefile/Jenkinsfile), unless the message is a warning/note/info;
 * - block starts: `Traceback (most recent call last):`, `Exception in thread "main" …`,
 *   `SomeError: …` / `pkg.SomeException: …`, `panic: `, `fatal: `, `FATAL`, `error:`/`ERROR:`/
 *   `Error:` at the start of a line, `FAIL`/`FAILED`, `Segmentation fault`, `##[error]`;
 * - the indented continuation lines under a block start (excerpt; a location such as
 *   `  on main.tf line 3`, `  File "x.py", line 3` or `at f (x.js:3:5)` is taken from them);
 * - the last lines it was fed before a non-zero exit (`Process completed with exit code 1`,
 *   `exit status 2`, `Command failed with exit code 1`), reported only when nothing else was found.
 *
 * Under the dispatcher it sees only the lines its `trigger` matches (error-shaped line starts and
 * exit markers) plus the continuation lines of an open block, like every other condenser: that
 * keeps auto mode fast. The price: the exit-code tail holds error-shaped lines only, so a step
 * that fails after unstructured output ("remote rejected the bundle") gets the exit code in the
 * report but no finding. Fed every line (`createGenericCondenser` outside the dispatcher), the
 * tail is the raw last lines.
 *
 * How the dispatcher treats `generic` (src/condense/condense.ts, report.ts):
 * 1. it is registered last with `fallback: true`, behind a ^-anchored `trigger`;
 * 2. its findings are used only when no primary (tool-specific) condenser found anything, so a
 *    log a specific condenser understood never gets generic guesses on top of the real errors,
 *    while a failing step no condenser knows still gets its error-looking lines reported;
 * 3. alone, its findings do not fail a run that exited 0, and a passing report lists no findings;
 * 4. `detected` is true only when it produced findings, so `tools` names `generic` only then;
 * 5. lines the runner marked `##[error]`/`##[warning]` are left to the `actions-log` fallback;
 * 6. an embedder that knows a non-zero exit code the log does not show can build it with
 *    `createGenericCondenser({ exitCode })` so the log's tail is still reported.
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { FindingKind } from '../contracts/failure-report.ts';
import { ExcerptLines, FindingCollector, clip, positive } from './lang-support.ts';

const TOOL = 'generic';
/** The fallback reports the first blocks of a log; later ones are usually consequences. */
const MAX_GENERIC_FINDINGS = 50;
const TAIL_LINES = 8;
const MAX_CONTINUATION = 6;

// `src/a.ext:12:5: msg`, `./a.ext:12: msg`, `C:\x\a.ext:12:5: msg`, `a.ext(12,5): msg`
const PATH_LINE =
  /^((?:[A-Za-z]:)?[\w@.~/\\+-]*?(?:\.[A-Za-z][\w]{0,9}|Dockerfile|Makefile|Jenkinsfile))(?::(\d+)(?::(\d+))?:?|\((\d+)(?:,(\d+))?\):?) (.+)$/;
const NOT_AN_ERROR = /^(?:warning|warn|note|info|information|hint|debug|trace|notice)\b/i;
const EXCEPTION = /^(?:[a-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception|Failure|Fault)(?::\s|$)/;
const ERROR_WORD =
  /^(?:error|ERROR|Error|fatal|FATAL|Fatal(?: error)?|FAIL|FAILED|Failed|panic|PANIC)(?:\[[\w-]+\])?(?::|!|\s-|\s)\s*(.*)$/;
const EXIT_MARKER =
  /(?:Process completed with exit code|Command failed with exit code|exited with (?:exit )?code|exit status|returned non-zero exit status) (\d+)/;
const LOCATION_IN_TEXT = /(?:^|[\s(])((?:[A-Za-z]:)?[\w@.~/\\-]+\.[A-Za-z]\w{0,9}):(\d+)(?::(\d+))?/;
const TERRAFORM_LOCATION = /^on (\S+) line (\d+)/;
const PYTHON_FRAME = /^File "([^"]+)", line (\d+)/;

/** True when the line has `:<digit>` or `(<digit>` somewhere: a cheap gate before PATH_LINE. */
function hasLocationShape(text: string): boolean {
  for (let i = text.indexOf(':'); i !== -1 && i < 400; i = text.indexOf(':', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next >= 48 && next <= 57) return true;
  }
  for (let i = text.indexOf('('); i !== -1 && i < 400; i = text.indexOf('(', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next >= 48 && next <= 57) return true;
  }
  return false;
}

/** Options for the dispatcher when it knows more than the log says. */
export interface GenericCondenserOptions {
  /** The command's exit code; non-zero makes the log's tail a finding when nothing else is found. */
  readonly exitCode?: number | undefined;
}

interface Block {
  kind: FindingKind;
  message: string;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  excerpt: ExcerptLines;
  continuation: number;
}

class GenericCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  readonly #exitCode: number | undefined;
  #block: Block | undefined;
  readonly #tail: string[] = [];
  #tailNext = 0;
  #tailSize = 0;
  #exitTail: string[] | undefined;
  #exitMarker: string | undefined;

  constructor(options: GenericCondenserOptions) {
    this.#exitCode = options.exitCode;
  }

  push(line: LogLine): void {
    const raw = line.text;
    const lastCode = raw.charCodeAt(raw.length - 1);
    // This runs on every line of every log: allocate only when there is something to trim.
    const text = lastCode === 32 || lastCode === 9 ? raw.trimEnd() : raw;
    // `##[error]`/`##[warning]` lines belong to the actions-log fallback; the exit marker is
    // read below (the dispatcher strips the `##[error]` prefix into `line.marker`).
    if ((line.marker === 'error' || line.marker === 'warning') && !text.startsWith('Process completed')) {
      this.#remember(text);
      return;
    }
    if (this.#block && this.#continueBlock(text)) return;
    if (text.length === 0) return;

    if (text.includes('xit')) {
      const marker = EXIT_MARKER.exec(text);
      if (marker && marker[1] !== '0') {
        this.#exitTail ??= this.#tailLines();
        this.#exitMarker ??= clip(text.replace(/^##\[error\]/, ''), 200);
        return;
      }
    }
    this.#remember(text);
    if (this.#findings.size >= MAX_GENERIC_FINDINGS) return;
    const first = text.charCodeAt(0);
    if (first === 32 || first === 9) return;
    this.#onLine(text);
  }

  wantsEveryLine(): boolean {
    return this.#block !== undefined;
  }

  finish(): CondenserOutput {
    this.#finishBlock();
    if (this.#findings.size === 0) {
      const tail =
        this.#exitTail ??
        (this.#exitCode !== undefined && this.#exitCode !== 0 ? this.#tailLines() : undefined);
      const last = tail?.at(-1);
      if (tail && last !== undefined) {
        this.#findings.add({
          kind: 'generic',
          tool: TOOL,
          message: this.#exitMarker !== undefined ? `${last} (${this.#exitMarker})` : last,
          excerpt: tail,
        });
      }
      // A marker with nothing before it says no more than the report's exit code: no finding.
    }
    const findings = this.#findings.list();
    return { detected: findings.length > 0, findings };
  }

  #remember(text: string): void {
    const first = text.charCodeAt(0);
    if (
      (first === 35 /* # */ && text.startsWith('##[')) ||
      (first === 82 /* R */ && text.startsWith('Run ')) ||
      (first === 115 /* s */ && text.startsWith('shell: '))
    ) {
      return;
    }
    // A ring buffer: this runs on every line of the log.
    this.#tail[this.#tailNext] = text;
    this.#tailNext = (this.#tailNext + 1) % TAIL_LINES;
    if (this.#tailSize < TAIL_LINES) this.#tailSize += 1;
  }

  /** The remembered last lines, oldest first, clipped for the report. */
  #tailLines(): string[] {
    const lines: string[] = [];
    for (let i = 0; i < this.#tailSize; i += 1) {
      const text = this.#tail[(this.#tailNext - this.#tailSize + i + TAIL_LINES) % TAIL_LINES];
      if (text !== undefined) lines.push(clip(text, 200));
    }
    return lines;
  }

  #onLine(text: string): void {
    const first = text.charCodeAt(0);
    if (first === 35 /* # */ && text.startsWith('##[error]')) {
      this.#startBlock('generic', text.slice(9));
      return;
    }
    if (
      (first === 84 /* T */ && text.startsWith('Traceback (most recent call last):')) ||
      (first === 69 /* E */ && text.startsWith('Exception in thread ')) ||
      (first === 83 /* S */ && text.startsWith('Segmentation fault')) ||
      text.endsWith('(core dumped)')
    ) {
      this.#startBlock('runtime-error', text);
      return;
    }
    if (hasLocationShape(text)) {
      const path = PATH_LINE.exec(text);
      if (path && !text.includes('://')) {
        const message = path[6] ?? '';
        if (NOT_AN_ERROR.test(message) || !/[A-Za-z]/.test(message)) return;
        this.#startBlock('generic', message.replace(/^(?:error|ERROR|Error)(?:\[[\w-]+\])?:\s*/, ''), {
          file: path[1],
          line: positive(path[2] ?? path[4]),
          column: positive(path[3] ?? path[5]),
        });
        return;
      }
    }
    if (
      (text.includes('Error') ||
        text.includes('Exception') ||
        text.includes('Failure') ||
        text.includes('Fault')) &&
      EXCEPTION.test(text)
    ) {
      this.#startBlock('runtime-error', text);
      return;
    }
    const lower = first | 0x20; // lower-cased first letter
    if (lower !== 101 /* e */ && lower !== 102 /* f */ && lower !== 112 /* p */) return;
    const word = ERROR_WORD.exec(text);
    if (word) {
      const rest = (word[1] ?? '').trim();
      // `Error: 0 errors`, `FAIL 0`, `error:` followed by nothing: no message, no finding.
      if (rest.length === 0 || !/[A-Za-z]/.test(rest) || /^0\b/.test(rest)) return;
      const kind: FindingKind = /timed? ?out|timeout/i.test(rest)
        ? 'timeout'
        : text.startsWith('panic')
          ? 'runtime-error'
          : 'generic';
      this.#startBlock(kind, text);
    }
  }

  #startBlock(
    kind: FindingKind,
    message: string,
    location: { file?: string | undefined; line?: number | undefined; column?: number | undefined } = {},
  ): void {
    this.#finishBlock();
    const excerpt = new ExcerptLines(MAX_CONTINUATION + 1);
    this.#block = { kind, message, ...location, excerpt, continuation: 0 };
    if (location.file === undefined && kind !== 'runtime-error') this.#takeLocation(this.#block, message);
  }

  /** Returns true when `text` continues the open block (indented lines, stack frames). */
  #continueBlock(text: string): boolean {
    const block = this.#block;
    if (!block) return false;
    // A blank line does not end a block: terraform and others put the location after one.
    if (text.length === 0) return true;
    const first = text.charCodeAt(0);
    const indented = first === 32 || first === 9;
    const traceback = block.message.startsWith('Traceback (most recent call last)');
    if (!indented && !text.startsWith('at ') && !text.startsWith('Caused by:') && !text.startsWith('...')) {
      if (traceback && /^[A-Za-z_][\w.]*(?::.*)?$/.test(text)) {
        // The line after a Python traceback's frames is the exception: that is the message.
        this.#remember(text);
        block.message = text;
        this.#finishBlock();
        return true;
      }
      this.#finishBlock();
      return false;
    }
    this.#remember(text);
    block.continuation += 1;
    const trimmed = text.trim();
    if (block.continuation <= MAX_CONTINUATION) block.excerpt.push(trimmed);
    if (traceback && trimmed.startsWith('File "')) {
      // Frames go outermost to innermost: the last one outside dependencies is where it broke.
      const frame = PYTHON_FRAME.exec(trimmed);
      if (frame && !/site-packages|dist-packages|[\\/]lib[\\/]python\d/.test(frame[1] ?? '')) {
        block.file = frame[1];
        block.line = positive(frame[2]);
      }
    } else if (block.file === undefined && block.continuation <= 20) this.#takeLocation(block, trimmed);
    return true;
  }

  #takeLocation(block: Block, text: string): void {
    const terraform = TERRAFORM_LOCATION.exec(text);
    const python = terraform ? undefined : PYTHON_FRAME.exec(text);
    const anywhere = terraform || python ? undefined : LOCATION_IN_TEXT.exec(text);
    const match = terraform ?? python ?? anywhere;
    if (!match || text.includes('://')) return;
    const file = match[1] ?? '';
    if (/node_modules|site-packages|\/usr\/lib\//.test(file)) return;
    block.file = file;
    block.line = positive(match[2]);
    block.column = anywhere ? positive(anywhere[3]) : undefined;
  }

  #finishBlock(): void {
    const block = this.#block;
    this.#block = undefined;
    if (!block) return;
    this.#findings.add({
      kind: block.kind,
      tool: TOOL,
      file: block.file,
      line: block.line,
      column: block.column,
      message: block.message,
      excerpt: block.excerpt.render(),
    });
  }
}

/** Builds the generic condenser; see the module comment for how the dispatcher uses it. */
export function createGenericCondenser(options: GenericCondenserOptions = {}): Condenser {
  return new GenericCondenser(options);
}

export const genericCondenserFactory: CondenserFactory = {
  tool: TOOL,
  fallback: true,
  // Error-shaped line starts (a path with a line number, an exception name, an error word) and
  // exit markers; anchored so the dispatcher's union prefilter stays cheap.
  trigger:
    /^(?:(?:[A-Za-z]:)?[\w@.~/\\+-]*\.[A-Za-z]\w{0,9}[:(]\d|(?:Dockerfile|Makefile|Jenkinsfile)[:(]\d|(?:[a-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Failure|Fault)\b|(?:error|ERROR|Error|fatal|FATAL|Fatal|FAIL|FAILED|Failed|panic|PANIC)\b|Traceback \(|Exception in thread|Segmentation fault|##\[error\]|Process completed with exit code|exit status \d|Command failed with exit code)/,
  description: 'Generic fallback: error-shaped blocks of any other tool, and the tail before a non-zero exit',
  create: () => createGenericCondenser(),
};
