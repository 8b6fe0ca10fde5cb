/**
 * Log normalisation shared by every condenser: splitting a byte/character stream into bounded
 * lines, and cleaning one line of terminal and CI noise (ANSI/OSC escapes, `\r` progress rewrites,
 * GitHub Actions timestamps and `##[...]` markers, NUL bytes). Also the path helpers that turn
 * runner paths into repo-relative, forward-slash paths. Pure: no I/O.
 */
import type { LogMarker } from './types.ts';

/** Longest line kept, in UTF-16 units; the start of a longer line is kept and the rest dropped. */
export const MAX_LINE_LENGTH = 64 * 1024;

// Bytes decoded at a time (see LineSplitter.push).
const DECODE_PIECE = 16 * 1024;
const STREAMING = { stream: true } as const;

/**
 * Receives raw (not yet normalised) lines. `clean` is a hint from the splitter: true when the
 * line has no control character at all (its CRLF `\r` already removed), so `normalizeLine` can
 * skip the escape-code work that most lines of a big log do not need.
 */
export type RawLineSink = (raw: string, clean: boolean) => void;

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
 * never throws. A CRLF line loses its `\r` here.
 */
export function createLineSplitter(sink: RawLineSink, maxLineLength = MAX_LINE_LENGTH): LineSplitter {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  // The unterminated tail of the previous chunk(s); never longer than maxLineLength.
  let carry = '';
  // True while skipping the rest of an over-long line up to its newline.
  let overflow = false;
  let cutLines = 0;
  const sinkSlow = (line: string): void => {
    sink(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line, false);
  };

  /** `rare`: which of `\r`, NUL and U+009B the text may hold (RARE_*; all when unknown). */
  const pushText = (text: string, rare = RARE_ALL): void => {
    let start = 0;
    const length = text.length;
    // Index of the next character that needs cleaning at or after `start` (length when none).
    // indexOf is a vectorised native scan, far cheaper than a per-line regex test. Rarer control
    // bytes (backspace, bell…) are not looked for here; they are harmless to the condensers.
    // A character the chunk's bytes showed to be absent is never searched for.
    const next = [
      -1,
      (rare & RARE_CR) === 0 ? length : -1,
      (rare & RARE_NUL) === 0 ? length : -1,
      (rare & RARE_CSI) === 0 ? length : -1,
    ];
    const needles = ['\u001b', '\r', '\u0000', '\u009b'];
    let minDirty = -1;
    const nextDirty = (from: number): number => {
      // Most lines end before the next dirty character: answer without touching the needles.
      if (minDirty >= from) return minDirty;
      let min = length;
      for (let k = 0; k < 4; k++) {
        let at = next[k] ?? -1;
        if (at !== length && at < from) {
          at = text.indexOf(needles[k] ?? '', from);
          if (at === -1) at = length;
          next[k] = at;
        }
        if (at < min) min = at;
      }
      minDirty = min;
      return min;
    };
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
        sinkSlow(carry);
        carry = '';
        overflow = false;
      } else if (carry.length > 0) {
        const rest = text.slice(start, newline);
        const room = maxLineLength - carry.length;
        if (rest.length > room) cutLines++;
        sinkSlow(rest.length > room ? carry + rest.slice(0, room) : carry + rest);
        carry = '';
      } else if (newline - start > maxLineLength) {
        cutLines++;
        sinkSlow(text.slice(start, start + maxLineLength));
      } else {
        const dirty = nextDirty(start);
        if (dirty >= newline - 1 && (dirty >= newline || text.charCodeAt(dirty) === 13)) {
          // Clean (at most a CRLF \r at the end): strip the timestamp here, on the flat chunk
          // string, and skip the cleaning work in normalizeLine.
          const from = start + timestampEnd(text, start);
          sink(text.slice(from, dirty >= newline ? newline : newline - 1), true);
        } else sinkSlow(text.slice(start, newline));
      }
      start = newline + 1;
    }
  };

  return {
    push(chunk) {
      if (typeof chunk === 'string') pushText(chunk);
      else {
        // Decoded in pieces of at most DECODE_PIECE bytes: a 64 KiB chunk with one non-Latin-1
        // character decodes to a two-byte string of 128 KiB, which V8 puts in large-object
        // space, where it lingers until a full GC; smaller strings die young in the nursery.
        const rare = rareCharacters(chunk);
        for (let at = 0; at < chunk.length; at += DECODE_PIECE) {
          const piece = chunk.length <= DECODE_PIECE ? chunk : chunk.subarray(at, at + DECODE_PIECE);
          pushText(decoder.decode(piece, STREAMING), rare);
        }
      }
    },
    finish() {
      const tail = decoder.decode();
      if (tail) pushText(tail);
      if (carry.length > 0 || overflow) sinkSlow(carry);
      carry = '';
      overflow = false;
    },
    get cutLines() {
      return cutLines;
    },
  };
}

const RARE_CR = 1;
const RARE_NUL = 2;
const RARE_CSI = 4;
const RARE_ALL = RARE_CR | RARE_NUL | RARE_CSI;

/**
 * Which of `\r`, NUL and the 8-bit CSI (U+009B) the text decoded from `bytes` can contain: each
 * comes only from its own byte (0x0D, 0x00; 0x9B as the second byte of C2 9B, which lies in this
 * chunk even when the C2 ended the previous one). Most logs have none of them, and one memchr
 * per byte value over the chunk (Buffer's indexOf) costs a fraction of three string scans of
 * every decoded piece that find nothing.
 */
function rareCharacters(bytes: Uint8Array): number {
  const view =
    typeof Buffer === 'function' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
  return (
    (view.indexOf(0x0d) === -1 ? 0 : RARE_CR) |
    (view.indexOf(0x00) === -1 ? 0 : RARE_NUL) |
    (view.indexOf(0x9b) === -1 ? 0 : RARE_CSI)
  );
}

/** A normalised line before numbering. */
export interface NormalizedLine {
  text: string;
  marker?: LogMarker;
}

// Any character that needs the slow path: C0 controls except tab, DEL, and the C1 CSI.
// eslint-disable-next-line no-control-regex
const NEEDS_CLEANING = /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/;
/**
 * Removes terminal escape sequences, exactly as replacing this (linear, no nested quantifiers)
 * regex with '' would — CSI sequences (colours, cursor moves), OSC sequences (hyperlinks,
 * titles) ended by BEL or ST, other two-character escapes, and the 8-bit CSI:
 *
 *   /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[ -/]*[0-~]|\u009b[0-?]*[ -/]*[@-~]/g
 *
 * Written out by hand because a coloured line is the commonest dirty line of a CI log. Each
 * character class follows one that cannot match its characters, so a greedy scan needs no
 * backtracking. Exported for tests.
 */
export function stripEscapes(text: string): string {
  let esc = text.indexOf('\u001b');
  let csi = text.indexOf('\u009b');
  if (esc === -1 && csi === -1) return text;
  const n = text.length;
  if (esc === -1) esc = n;
  if (csi === -1) csi = n;
  let out = '';
  let from = 0;
  // Jump from one ESC/CSI to the next with (native) indexOf instead of reading every character.
  for (let i = esc < csi ? esc : csi; i < n; i = esc < csi ? esc : csi) {
    const end = escapeEnd(text, i, n);
    if (end !== -1) {
      out += text.slice(from, i);
      from = end;
    }
    const after = end === -1 ? i + 1 : end;
    if (esc < after) {
      esc = text.indexOf('\u001b', after);
      if (esc === -1) esc = n;
    }
    if (csi < after) {
      csi = text.indexOf('\u009b', after);
      if (csi === -1) csi = n;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

const inRange = (code: number, low: number, high: number): boolean => code >= low && code <= high;

/** End of the escape sequence starting at `at` (an ESC or 8-bit CSI), or -1 when none does. */
function escapeEnd(t: string, at: number, n: number): number {
  let j = at + 1;
  if (t.charCodeAt(at) === 0x9b || t.charCodeAt(j) === 0x5b /* [ */) {
    // CSI: parameters [0-?]*, intermediates [ -/]*, final [@-~]
    if (t.charCodeAt(at) === 0x1b) j++;
    while (j < n && inRange(t.charCodeAt(j), 0x30, 0x3f)) j++;
    while (j < n && inRange(t.charCodeAt(j), 0x20, 0x2f)) j++;
    if (j < n && inRange(t.charCodeAt(j), 0x40, 0x7e)) return j + 1;
    // An 8-bit CSI has no other form; "ESC [" is still a two-character escape (below).
    if (t.charCodeAt(at) === 0x9b) return -1;
    j = at + 1;
  } else if (t.charCodeAt(j) === 0x5d /* ] */) {
    // OSC: up to BEL or ST (ESC \\), or to the end of the line
    j++;
    while (j < n && t.charCodeAt(j) !== 0x07 && t.charCodeAt(j) !== 0x1b) j++;
    if (j < n && t.charCodeAt(j) === 0x07) return j + 1;
    if (j + 1 < n && t.charCodeAt(j) === 0x1b && t.charCodeAt(j + 1) === 0x5c) return j + 2;
    return j;
  }
  // Other escapes: intermediates [ -/]*, final [0-~]
  while (j < n && inRange(t.charCodeAt(j), 0x20, 0x2f)) j++;
  return j < n && inRange(t.charCodeAt(j), 0x30, 0x7e) ? j + 1 : -1;
}
// eslint-disable-next-line no-control-regex
const LEFTOVER_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const MARKER = /^##\[(group|endgroup|error|warning|notice|debug|command|section)\]/;

/**
 * Cleans one raw line (`clean`: the splitter already removed the timestamp and saw no control
 * character, so only the marker is left to split off): drops a leading Actions timestamp, ANSI/OSC escapes, NUL and other
 * control bytes; for `\r` progress rewrites keeps the last non-empty segment (what a terminal
 * would show); splits off a leading `##[marker]`. Never throws.
 */
export function normalizeLine(raw: string, clean = false): NormalizedLine {
  let text = raw;
  // Timestamps come first on every line of a downloaded Actions log: "2026-11-21T10:04:05.1234567Z ".
  if (clean) return markerOf(text);
  const end = timestampEnd(text, 0);
  if (end > 0) text = text.slice(end);
  if (NEEDS_CLEANING.test(text)) {
    text = stripEscapes(text);
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
    // Most coloured lines have nothing left to clean once the escapes are gone.
    if (NEEDS_CLEANING.test(text)) text = text.replace(LEFTOVER_CONTROLS, '');
  }
  return markerOf(text);
}

function markerOf(text: string): NormalizedLine {
  if (text.charCodeAt(0) === 35 && text.charCodeAt(1) === 35 && text.charCodeAt(2) === 91) {
    const marker = MARKER.exec(text);
    if (marker) return { text: text.slice(marker[0].length), marker: marker[1] as LogMarker };
  }
  return { text };
}

// A leading "YYYY-MM-DDTHH:MM:SS(.f{1,9})?Z " prefix: one sticky regex call is cheaper than
// the two dozen character checks it replaces, and it runs on every line of an Actions log.
const TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z ?/y;

// Length of the timestamp prefix at `at`, or 0.
function timestampEnd(t: string, at: number): number {
  if (t.charCodeAt(at + 10) !== 84 /* T */) return 0;
  TIMESTAMP.lastIndex = at;
  return TIMESTAMP.test(t) ? TIMESTAMP.lastIndex - at : 0;
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
    if (t.includes(`file://${root}`)) t = t.split(`file://${root}`).join('');
    if (t.includes(root)) t = t.split(root).join('');
    // The checkout itself, e.g. "in '/srv/app'": the repo root is "."
    const bare = root.slice(0, -1);
    if (bare !== '' && t.includes(bare)) {
      const escaped = bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      t = t.replace(new RegExp(escaped + String.raw`(?=$|[\s'"\x60:),])`, 'g'), '.');
    }
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
