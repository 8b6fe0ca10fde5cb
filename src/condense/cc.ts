/**
 * C/C++ toolchain condenser: gcc/clang diagnostics (`file.c:3:5: error: …`, `fatal error:`,
 * `[-Werror=…]` flags as the code, following `note:` lines attached to their error), MSVC
 * (`file.cpp(3): error C2065: …`), linker errors (`undefined reference to`, `multiple
 * definition of`, `cannot find -lfoo`, Apple ld's `Undefined symbols`), make (`make: *** [Makefile:5:
 * all] Error 1` is command context, reported only when nothing explains it; `No rule to make
 * target` and `missing separator` are root causes), ninja (`FAILED: target`) and CMake
 * (`CMake Error at CMakeLists.txt:10 (find_package):` with its indented message).
 *
 * Warnings are dropped (a build that only warns passed); `-Werror` turns them into errors.
 * Swift files are left to the swift condenser.
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { Finding, FindingKind } from '../contracts/failure-report.ts';
import { ExcerptLines, FindingCollector, clip, positive, withOverflow } from './lang-support.ts';

const TOOL = 'cc';

const SEVERITIES = [': fatal error: ', ': error: ', ': warning: ', ': note: '] as const;
const LOCATION = /^(.*?):(\d+)(?::(\d+))?$/;
const SOURCE_EXTENSION =
  /\.(?:c|h|cc|cpp|cxx|c\+\+|hpp|hh|hxx|h\+\+|ipp|tpp|inl|m|mm|cu|cuh|ino|s|S|asm|f|f90|f95|F90)$/;
const FLAG = / \[(-W[\w=+-]+|[\w-]+(?:,[\w-]+)*)\]$/;
const MSVC = /^\s*(.+?)\((\d+)(?:,(\d+))?\)\s*: (?:fatal )?error ([A-Z]+\d+): (.+)$/;
const LINKER =
  /^(?:\S*ld(?:\.\w+)?: )?(.*?):(?:(\d+):)?(?:\(\.[^)]*\)|\([^)]*\+0x[0-9a-f]+\))?:? (undefined reference to .+|multiple definition of .+)$/;
const MAKE_ERROR = /^g?make(?:\[\d+\])?: \*\*\* (?:\[(.+?)(?::(\d+))?: (.+?)\] Error (\d+)|(.+?)\s+Stop\.)$/;
const MAKEFILE_ERROR = /^((?:GNUm|M|m)akefile|[\w./-]+\.mk):(\d+): \*\*\* (.+?)\.?\s+Stop\.$/;
// ninja: `FAILED: CMakeFiles/app.dir/main.c.o` (not pytest's or other tools' `FAILED:` lines).
const NINJA_TARGET = /^FAILED: (?:CMakeFiles\/|\S+\.(?:o|obj|a|so|lib|dll|dylib|exe|stamp|ninja)\b)/;
const CMAKE_ERROR = /^CMake Error(?: at (.+?):(\d+) \(([\w.-]+)\))?(?: in (.+?))?:\s*(.*)$/;

interface Diagnostic {
  file: string;
  line?: number | undefined;
  column?: number | undefined;
  message: string;
  code?: string | undefined;
  fatal: boolean;
  notes: ExcerptLines;
}

interface CMakeBlock {
  file?: string | undefined;
  line?: number | undefined;
  command?: string | undefined;
  lines: string[];
  inCallStack: boolean;
  callStack: { file: string; line: number }[];
}

class CcCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;
  #diagnostic: Diagnostic | undefined;
  #cmake: CMakeBlock | undefined;
  #lastDiagnosticWasError = false;
  /** make/ninja failures are reported only when nothing else explains them. */
  #commandFailure: { message: string; file?: string | undefined; line?: number | undefined } | undefined;
  #appleUndefined: string[] | undefined;
  #linkerErrors = 0;

  push(line: LogLine): void {
    const text = line.text;
    if (this.#cmake && this.#continueCMake(text)) return;
    if (this.#appleUndefined && this.#continueAppleUndefined(text)) return;
    if (text.length === 0) return;

    if (text.includes(': ')) {
      for (const marker of SEVERITIES) {
        const at = text.indexOf(marker);
        if (at > 0) {
          if (this.#onDiagnostic(text, at, marker)) return;
          break;
        }
      }
    }
    const first = text.charCodeAt(0);
    if (first === 32 || first === 9) {
      // Source excerpts and carets under a diagnostic (`   10 |   p.z`, `      |   ^`).
      return;
    }
    if (text.includes('undefined reference') || text.includes('multiple definition')) {
      if (this.#onLinker(text)) return;
    }
    if (text.includes('***')) {
      this.#onMake(text);
      return;
    }
    if (text.startsWith('CMake Error')) {
      this.#startCMake(text);
      return;
    }
    if (text.startsWith('FAILED: ') && NINJA_TARGET.test(text)) {
      this.#detected = true;
      this.#commandFailure ??= { message: `ninja: ${clip(text, 200)}` };
      return;
    }
    if (text.includes('cannot find -l') || text.includes('library not found for -l')) {
      const library = /(?:cannot find|library not found for) (-l[\w.+-]+)/.exec(text)?.[1];
      this.#detected = true;
      this.#linkerErrors += 1;
      this.#findings.add({
        kind: 'dependency-error',
        tool: 'ld',
        message: clip(text.replace(/^\S*ld(?:\.\w+)?: /, '')),
        packages: library !== undefined ? [library.slice(2)] : undefined,
      });
      return;
    }
    if (text.startsWith('Undefined symbols for architecture')) {
      this.#detected = true;
      this.#appleUndefined = [];
      return;
    }
    if (text.includes('error') && text.includes('MSB') === false && text.includes('(')) {
      const msvc = MSVC.exec(text);
      if (msvc && /^(?:C|LNK)\d+$/.test(msvc[4] ?? '')) {
        this.#detected = true;
        this.#findings.add({
          kind: (msvc[4] ?? '').startsWith('LNK') ? 'build-error' : 'compile-error',
          tool: 'msvc',
          file: msvc[1],
          line: positive(msvc[2]),
          column: positive(msvc[3]),
          code: msvc[4],
          message: msvc[5] ?? '',
        });
        return;
      }
    }
    if (text.startsWith('-- ') && (text.startsWith('-- Configuring') || text.startsWith('-- The C')))
      this.#detected = true;
  }

  wantsEveryLine(): boolean {
    return this.#cmake !== undefined || this.#appleUndefined !== undefined;
  }

  finish(): CondenserOutput {
    this.#finishDiagnostic();
    this.#finishCMake();
    this.#finishAppleUndefined();
    if (this.#commandFailure && this.#findings.size === 0) {
      const failure = this.#commandFailure;
      this.#findings.add({
        kind: 'build-error',
        tool: 'make',
        file: failure.file,
        line: failure.line,
        message: failure.message,
      });
    }
    const findings: Finding[] = this.#findings.list();
    return withOverflow({ detected: this.#detected, findings }, this.#findings);
  }

  /** Returns true when the line was a compiler diagnostic. */
  #onDiagnostic(text: string, at: number, marker: (typeof SEVERITIES)[number]): boolean {
    const location = LOCATION.exec(text.slice(0, at));
    if (!location) return false;
    const file = location[1] ?? '';
    if (!SOURCE_EXTENSION.test(file) && !file.endsWith('>')) {
      // `collect2: error: ld returned 1 exit status` and friends: consequences of linker errors.
      if (
        file === 'collect2' ||
        file.endsWith('/ld') ||
        file === 'ld' ||
        file === 'clang' ||
        file.endsWith('clang++')
      ) {
        this.#detected = true;
        if (this.#linkerErrors === 0 && this.#findings.size === 0) {
          this.#commandFailure ??= { message: clip(text) };
        }
        return true;
      }
      return false;
    }
    this.#detected = true;
    let message = text.slice(at + marker.length);
    if (marker === ': note: ') {
      if (this.#diagnostic && this.#lastDiagnosticWasError) this.#diagnostic.notes.push(`note: ${message}`);
      return true;
    }
    this.#finishDiagnostic();
    this.#lastDiagnosticWasError = marker !== ': warning: ';
    if (marker === ': warning: ') return true;
    let code: string | undefined;
    const flag = FLAG.exec(message);
    if (flag) {
      code = flag[1];
      message = message.slice(0, flag.index);
    }
    this.#diagnostic = {
      file,
      line: positive(location[2]),
      column: positive(location[3]),
      message,
      code,
      fatal: marker === ': fatal error: ',
      notes: new ExcerptLines(4),
    };
    return true;
  }

  #finishDiagnostic(): void {
    const diagnostic = this.#diagnostic;
    this.#diagnostic = undefined;
    if (!diagnostic) return;
    const missingHeader =
      diagnostic.fatal && /: No such file or directory$|file not found$/.test(diagnostic.message);
    this.#findings.add({
      kind: missingHeader ? 'dependency-error' : 'compile-error',
      tool: TOOL,
      file: diagnostic.file,
      line: diagnostic.line,
      column: diagnostic.column,
      code: diagnostic.code,
      message: diagnostic.message,
      packages: missingHeader
        ? [
            diagnostic.message
              .replace(/: No such file or directory$| file not found$/, '')
              .replace(/^'(.*)'$/, '$1'),
          ]
        : undefined,
      excerpt: diagnostic.notes.render(),
    });
  }

  #onLinker(text: string): boolean {
    const match = LINKER.exec(text);
    if (!match) return false;
    this.#finishDiagnostic();
    this.#detected = true;
    this.#linkerErrors += 1;
    const file = match[1] ?? '';
    this.#findings.add({
      kind: 'build-error',
      tool: 'ld',
      // Object files (`main.o`, `/tmp/ccX.o`) are not sources worth pointing at.
      file: SOURCE_EXTENSION.test(file) ? file : undefined,
      line: positive(match[2]),
      message: match[3] ?? '',
    });
    return true;
  }

  #continueAppleUndefined(text: string): boolean {
    const symbols = this.#appleUndefined;
    if (!symbols) return false;
    const symbol = /^\s+"(.+)", referenced from:$/.exec(text);
    if (symbol) {
      if (symbols.length < 20) symbols.push(symbol[1] ?? '');
      return true;
    }
    if (text.startsWith(' ') || text.startsWith('\t')) return true;
    this.#finishAppleUndefined();
    return text.startsWith('ld: symbol(s) not found');
  }

  #finishAppleUndefined(): void {
    const symbols = this.#appleUndefined;
    this.#appleUndefined = undefined;
    if (!symbols) return;
    this.#linkerErrors += 1;
    for (const symbol of symbols)
      this.#findings.add({ kind: 'build-error', tool: 'ld', message: `undefined symbol ${symbol}` });
  }

  #onMake(text: string): void {
    const makefile = MAKEFILE_ERROR.exec(text);
    if (makefile) {
      this.#detected = true;
      this.#findings.add({
        kind: 'build-error',
        tool: 'make',
        file: makefile[1],
        line: positive(makefile[2]),
        message: makefile[3] ?? text,
      });
      return;
    }
    const match = MAKE_ERROR.exec(text);
    if (!match) return;
    this.#detected = true;
    this.#finishDiagnostic();
    if (match[5] !== undefined) {
      // `make: *** No rule to make target 'x', needed by 'all'.  Stop.` is a root cause.
      this.#findings.add({ kind: 'build-error', tool: 'make', message: match[5].replace(/\.$/, '') });
      return;
    }
    // `make[2]: *** [build.make:76: main.o] Error 1`: the innermost (first) one names the target.
    this.#commandFailure ??= {
      message: `make: target ${match[3] ?? ''} failed (Error ${match[4] ?? ''})`,
      file: match[1],
      line: positive(match[2]),
    };
  }

  #startCMake(text: string): void {
    this.#finishCMake();
    const match = CMAKE_ERROR.exec(text);
    if (!match) return;
    this.#detected = true;
    this.#cmake = {
      file: match[1] ?? match[4],
      line: positive(match[2]),
      command: match[3],
      lines: match[5] !== undefined && match[5].length > 0 ? [match[5]] : [],
      inCallStack: false,
      callStack: [],
    };
  }

  /** Returns true when `text` belongs to the CMake error block (indented lines, blank lines). */
  #continueCMake(text: string): boolean {
    const block = this.#cmake;
    if (!block) return false;
    if (text.length === 0) return true;
    if (text.startsWith('Call Stack (most recent call first):')) {
      block.inCallStack = true;
      return true;
    }
    if (!text.startsWith(' ')) {
      this.#finishCMake();
      return false;
    }
    const trimmed = text.trim();
    if (block.inCallStack) {
      const frame = /^(.+?):(\d+) \(/.exec(trimmed);
      if (frame && block.callStack.length < 10)
        block.callStack.push({ file: frame[1] ?? '', line: Number(frame[2]) });
      return true;
    }
    if (block.lines.join(' ').length < 600) block.lines.push(trimmed);
    return true;
  }

  #finishCMake(): void {
    const block = this.#cmake;
    this.#cmake = undefined;
    if (!block) return;
    let file = block.file;
    let lineNumber = block.line;
    // An error raised inside CMake's own modules points at the caller in the project.
    if (file !== undefined && isSystemCMakeFile(file)) {
      const caller = block.callStack.find((frame) => !isSystemCMakeFile(frame.file));
      file = caller?.file;
      lineNumber = caller?.line;
    }
    const body = block.lines.join(' ').replace(/\s+/g, ' ').trim();
    const providedBy = /provided by "([^"]+)"/.exec(body)?.[1];
    const couldNotFind = /Could NOT find ([\w.+-]+)/.exec(body)?.[1];
    const version = /requested version "?([\d.]+)"?/.exec(body)?.[1];
    const pkg = providedBy ?? couldNotFind;
    const dependency =
      pkg !== undefined || block.command === 'find_package' || block.command === 'pkg_check_modules';
    const kind: FindingKind = dependency ? 'dependency-error' : 'build-error';
    let message = firstSentence(body) ?? 'CMake Error';
    if (providedBy !== undefined) {
      message = `could not find package "${providedBy}"${version !== undefined ? ` (requested version ${version})` : ''}`;
    }
    this.#findings.add({
      kind,
      tool: 'cmake',
      file,
      line: lineNumber,
      code: block.command,
      message,
      packages: pkg !== undefined ? [version !== undefined ? `${pkg}@${version}` : pkg] : undefined,
      excerpt: block.lines.length > 1 ? block.lines : undefined,
    });
  }
}

function isSystemCMakeFile(file: string): boolean {
  return (
    file.startsWith('/usr/') ||
    file.startsWith('/opt/') ||
    /[\\/]share[\\/]cmake-[\d.]+[\\/]/.test(file) ||
    /^[A-Z]:\\Program Files/.test(file)
  );
}

function firstSentence(text: string): string | undefined {
  if (text.length === 0) return undefined;
  const end = text.search(/[.!](?:\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

export const ccCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Line prefixes first, then the few fixed substrings that can sit anywhere in a line: the
  // dispatcher unions every trigger into one regex tested on each line, so these stay cheap.
  trigger:
    /^(?:\S*ld(?:\.\w+)?: |collect2: |clang(?:\+\+)?: error: |g?make(?:\[\d+\])?: \*\*\*|[\w./-]+:\d+: \*\*\*|CMake Error|FAILED: |Undefined symbols|-- (?:Configuring|The C))|: (?:fatal error|error|warning|note): |: (?:undefined reference|multiple definition)|\) ?: (?:fatal )?error [A-Z]+\d/,
  description: 'C/C++ (gcc, clang, MSVC, ld, make, ninja, CMake)',
  create: () => new CcCondenser(),
};
