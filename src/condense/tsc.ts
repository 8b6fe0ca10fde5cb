/**
 * TypeScript compiler (tsc, vue-tsc, tsc -b) condenser. Both output formats:
 *   src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.
 *   src/a.ts:3:7 - error TS2322: Type 'string' is not assignable to type 'number'.   (--pretty)
 * plus file-less errors ("error TS18003: No inputs were found…") and monorepo prefixes
 * ("web:typecheck: src/a.ts(3,7): error TS…"). Continuation lines (the message chain, the
 * pretty code frame) become the excerpt. The summary "Found N errors in M files." marks detection.
 */
import type { FindingKind } from '../contracts/failure-report.ts';
import {
  buildExcerpt,
  echoedCommand,
  echoedCommandPattern,
  FindingCollector,
  type FindingInput,
} from './finding.ts';
import type { Condenser, CondenserFactory, LogLine } from './types.ts';

const TOOL = 'tsc';
const MAX_CONTINUATION = 12;

const PAREN_LOCATION = /^(.*)\((\d+),(\d+)\)$/;
const COLON_LOCATION = /^(.*):(\d+):(\d+)$/;
const CODE_AND_MESSAGE = /^(TS\d+): ?(.*)$/;
const SUMMARY = /^Found (\d+) errors?\b/;
const COMMAND = echoedCommandPattern('(?:vue-)?tsc');

function kindOf(code: string): FindingKind {
  // TS1xxx are syntax errors: the file does not even parse.
  return /^TS1\d{3}$/.test(code) ? 'compile-error' : 'type-error';
}

// The path is the last whitespace-separated token, which drops monorepo task prefixes.
function lastToken(prefix: string): string {
  const trimmed = prefix.trim();
  const space = trimmed.lastIndexOf(' ');
  return space === -1 ? trimmed : trimmed.slice(space + 1);
}

interface Parsed {
  input: FindingInput;
  pretty: boolean;
}

/** Parses one tsc error line; undefined when the line is not one. Exported for sample-line tests. */
export function parseTscLine(text: string): Parsed | undefined {
  let at = text.indexOf('error TS');
  if (at === -1) return undefined;
  // Several "error TS" in a line: the first one that follows a location or starts the line.
  for (; at !== -1; at = text.indexOf('error TS', at + 1)) {
    const rest = CODE_AND_MESSAGE.exec(text.slice(at + 6));
    if (!rest) continue;
    const code = rest[1] ?? '';
    const input: FindingInput = { kind: kindOf(code), tool: TOOL, code, message: rest[2] ?? '' };
    const before = text.slice(0, at);
    if (before.endsWith('): ')) {
      const loc = PAREN_LOCATION.exec(lastToken(before.slice(0, -2)));
      if (loc) {
        return {
          input: { ...input, file: loc[1], line: Number(loc[2]), column: Number(loc[3]) },
          pretty: false,
        };
      }
    } else if (before.endsWith(' - ')) {
      const loc = COLON_LOCATION.exec(lastToken(before.slice(0, -3)));
      if (loc) {
        return {
          input: { ...input, file: loc[1], line: Number(loc[2]), column: Number(loc[3]) },
          pretty: true,
        };
      }
    } else if (before.trim() === '' || before.trimEnd().endsWith(':')) {
      return { input, pretty: false };
    }
  }
  return undefined;
}

class TscCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private pending: Parsed | undefined;
  private continuation: string[] = [];
  private detected = false;
  private firstLine: number | undefined;
  private command: string | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (this.pending) {
      if (this.isContinuation(text)) {
        if (this.continuation.length < MAX_CONTINUATION) this.continuation.push(text);
        return;
      }
      this.flush();
    }
    if (text.includes('error TS')) {
      const parsed = parseTscLine(text);
      if (parsed) {
        this.see(line);
        this.pending = parsed;
        this.continuation = [];
        return;
      }
    }
    if (text.startsWith('Found ')) {
      const summary = SUMMARY.exec(text);
      if (summary) this.see(line);
      return;
    }
    if (this.command === undefined) {
      this.command = echoedCommand(text, COMMAND);
      if (this.command !== undefined) this.see(line);
    }
  }

  wantsEveryLine(): boolean {
    return this.pending !== undefined;
  }

  finish() {
    this.flush();
    return {
      ...this.collector.output(TOOL, this.firstLine, this.detected),
      ...(this.command !== undefined && { command: this.command }),
    };
  }

  private see(line: LogLine): void {
    this.detected = true;
    this.firstLine ??= line.number;
  }

  // Message-chain lines are indented; the pretty code frame is "12 code" and "   ~~~" lines,
  // separated by blank lines.
  private isContinuation(text: string): boolean {
    if (text === '' || text.startsWith(' ') || text.startsWith('\t')) return true;
    return this.pending?.pretty === true && /^\d+ /.test(text);
  }

  private flush(): void {
    if (!this.pending) return;
    // The pretty code frame ("5 const x = …" and "  ~~~") only repeats the source the reader
    // can open at file:line; the message chain and related locations are what tsc adds.
    const excerpt = buildExcerpt(
      this.continuation.filter((l) => !/^\s*\d+ /.test(l) && !/^\s*~+\s*$/.test(l)),
    );
    this.collector.add(excerpt ? { ...this.pending.input, excerpt } : this.pending.input);
    this.pending = undefined;
    this.continuation = [];
  }
}

export const tscCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'TypeScript compiler (tsc, vue-tsc)',
  trigger: /error TS\d|^Found \d+ error|^[>$] .*tsc/,
  create: () => new TscCondenser(),
};
