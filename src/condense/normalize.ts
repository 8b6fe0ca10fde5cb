/**
 * Log normalisation shared by every condenser: splitting a byte/character stream into bounded
 * lines, and cleaning one line of terminal and CI noise (ANSI/OSC escapes, `\r` progress rewrites,
 * GitHub Actions timestamps and `##[...]` markers, NUL bytes). Also the path helpers that turn
 * runner paths into repo-relative, forward-slash paths. Pure: no I/O.
 */
import type { LogMarker } from './types.ts';

/** Longest line kept, in UTF-16 units; the start of a longer line is kept and the rest dropped. */
export const MAX_LINE_LENGTH = 64 * 1024;

/** Receives raw (not yet normalised) lines. */
export type RawLineSink = (raw: string) => void;

/** A streaming splitter: push chunks, get lines; `finish()` flushes the last unterminated line. */
export interface LineSplitter {
  push(chunk: string | Uint8Array): void;
  finish(): void;
  /** Number of lines cut to MAX_LINE_LENGTH so far. */
  readonly cutLines: number;
}

/**
 * Splits chunks into lines on `\n` without buffering more than one (capped) line.
 * Bytes are decoded as UTF-8 in streaming mode with replacement characters for invalid
 * sequences, so a multi-byte character split across chunks decodes correctly and garbage
 * never throws. `\r\n` endings lose their `\r` in `normalizeLine`.
 */
export function createLineSplitter(sink: RawLineSink, maxLineLength = MAX_LINE_LENGTH): LineSplitter {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  // The unterminated tail of the previous chunk(s); never longer than maxLineLength.
  let carry = '';
  // True while skipping the rest of an over-long line up to its newline.
  let overflow = false;
  let cutLines = 0;

  const pushText = (text: string): void => {
    let start = 0;
    const length = text.length;
    while (start < length) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) {
        if (!overflow) {
          const room = maxLineLength - carry.length;
          if (length - start > room) {
            carry += text.slice(start, start + room);
            overflow = true;
            cutLines++;
          } else {
            carry += start === 0 ? text : text.slice(start);
          }
        }
        return;
      }
      if (overflow) {
        sink(carry);
        carry = '';
        overflow = false;
      } else if (carry.length > 0) {
        const rest = text.slice(start, newline);
        const room = maxLineLength - carry.length;
        if (rest.length > room) cutLines++;
        sink(rest.length > room ? carry + rest.slice(0, room) : carry + rest);
        carry = '';
      } else if (newline - start > maxLineLength) {
        cutLines++;
        sink(text.slice(start, start + maxLineLength));
      } else {
        sink(text.slice(start, newline));
      }
      start = newline + 1;
    }
  };

  return {
    push(chunk) {
      if (typeof chunk === 'string') pushText(chunk);
      else if (chunk.length > 0) pushText(decoder.decode(chunk, { stream: true }));
    },
    finish() {
      const tail = decoder.decode();
      if (tail) pushText(tail);
      if (carry.length > 0 || overflow) sink(carry);
      carry = '';
      overflow = false;
    },
    get cutLines() {
      return cutLines;
    },
  };
}

/** A normalised line before numbering. */
export interface NormalizedLine {
  text: string;
  marker?: LogMarker;
}

// Any character that needs the slow path: C0 controls except tab, DEL, and the C1 CSI.
// eslint-disable-next-line no-control-regex
const NEEDS_CLEANING = /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/;
// CSI sequences (colours, cursor moves), OSC sequences (hyperlinks, titles) ended by BEL or ST,
// other two-character escapes, and the 8-bit CSI. All linear: no nested quantifiers.
const ANSI =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[ -/]*[0-~]|\u009b[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const LEFTOVER_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z ?/;
const MARKER = /^##\[(group|endgroup|error|warning|notice|debug|command|section)\]/;

/**
 * Cleans one raw line: drops a leading Actions timestamp, ANSI/OSC escapes, NUL and other
 * control bytes; for `\r` progress rewrites keeps the last non-empty segment (what a terminal
 * would show); splits off a leading `##[marker]`. Never throws.
 */
export function normalizeLine(raw: string): NormalizedLine {
  let text = raw;
  // Timestamps come first on every line of a downloaded Actions log: "2026-11-21T10:04:05.1234567Z ".
  if (text.length >= 20 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 84) {
    const stamp = TIMESTAMP.exec(text);
    if (stamp) text = text.slice(stamp[0].length);
  }
  if (NEEDS_CLEANING.test(text)) {
    if (text.includes('\u001b') || text.includes('\u009b')) text = text.replace(ANSI, '');
    if (text.includes('\r')) {
      const segments = text.split('\r');
      let last = '';
      for (let i = segments.length - 1; i >= 0; i--) {
        const segment = segments[i] ?? '';
        if (segment.trim() !== '') {
          last = segment;
          break;
        }
      }
      text = last;
    }
    text = text.replace(LEFTOVER_CONTROLS, '');
  }
  if (text.charCodeAt(0) === 35 && text.charCodeAt(1) === 35 && text.charCodeAt(2) === 91) {
    const marker = MARKER.exec(text);
    if (marker) return { text: text.slice(marker[0].length), marker: marker[1] as LogMarker };
  }
  return { text };
}

// Checkout locations of hosted and container runners: /home/runner/work/<repo>/<repo>/,
// /Users/runner/work/<repo>/<repo>/, D:/a/<repo>/<repo>/, /__w/<repo>/<repo>/, /github/workspace/.
const CI_ROOTS =
  /(?:(?:\/home\/runner\/work|\/Users\/runner\/work|\/__w|\b[A-Za-z]:\/a)\/[^/\s'"`()]+\/[^/\s'"`()]+\/|\/github\/workspace\/)/g;
const WINDOWS_PATH = /^[A-Za-z]:[\\/]|\\/;

/** Turns backslashes into forward slashes in a path-looking string (Windows paths). */
export function toForwardSlashes(path: string): string {
  return WINDOWS_PATH.test(path) ? path.replace(/\\/g, '/') : path;
}

/** Normalises a configured repo root: forward slashes, one trailing slash; '' when unset. */
export function normalizeRoot(root: string | undefined): string {
  if (!root) return '';
  let r = toForwardSlashes(root.trim());
  if (r === '' || r === '/') return '';
  if (!r.endsWith('/')) r += '/';
  return r;
}

/**
 * Makes a file path repo-relative: forward slashes, `file://` and `./` removed, the configured
 * root and well-known CI checkout prefixes stripped. Paths outside the repo stay absolute.
 */
export function relativizePath(path: string, root: string): string {
  let p = toForwardSlashes(path.trim());
  if (p.startsWith('file://')) p = p.slice(7);
  if (/^\/[A-Za-z]:\//.test(p)) p = p.slice(1);
  if (root && startsWithPath(p, root)) p = p.slice(root.length);
  else {
    CI_ROOTS.lastIndex = 0;
    const m = CI_ROOTS.exec(p);
    if (m && m.index === 0) p = p.slice(m[0].length);
  }
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/**
 * Replaces checkout prefixes anywhere in free text (messages, frames, excerpts), so
 * "at f (/home/runner/work/r/r/src/a.ts:3:1)" reads "at f (src/a.ts:3:1)".
 */
export function relativizeText(text: string, root: string): string {
  let t = text;
  if (root) {
    if (t.includes(root)) t = t.split(root).join('');
    const backslashRoot = root.replace(/\//g, '\\');
    if (backslashRoot !== root && t.includes(backslashRoot)) t = t.split(backslashRoot).join('');
  }
  if (t.includes('\\') && /[A-Za-z]:\\a\\/.test(t)) {
    t = t.replace(/[A-Za-z]:\\a\\[^\\\s'"`()]+\\[^\\\s'"`()]+\\([^\s'"`()]*)/g, (_m, rest: string) =>
      rest.replace(/\\/g, '/'),
    );
  }
  if (t.includes('/work/') || t.includes('/__w/') || t.includes('/github/workspace/') || t.includes(':/a/')) {
    t = t.replace(CI_ROOTS, '');
  }
  return t;
}

function startsWithPath(path: string, root: string): boolean {
  if (path.startsWith(root)) return true;
  // Windows drive letters and folders are case-insensitive.
  return /^[A-Za-z]:\//.test(root) && path.toLowerCase().startsWith(root.toLowerCase());
}
