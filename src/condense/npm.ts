/**
 * npm install/ci condenser. npm prints one error block, every line prefixed "npm error"
 * (npm ≥ 10) or "npm ERR!" (older):
 * - ERESOLVE: the package being resolved, what was found and the conflicting peer range;
 * - ETARGET: "No matching version found for is-number@999.0.0";
 * - E404: the package that does not exist (or is private);
 * - `npm ci` out of sync (EUSAGE): the "Missing:"/"Invalid:" lock entries;
 * - any other code (EINTEGRITY, EACCES, ECONNRESET…) with its first explanatory line.
 * "code 1"/ELIFECYCLE blocks only say a script failed (the script's own tool reports why), so
 * they yield the script's command but no finding.
 */
import { buildExcerpt, FindingCollector, type FindingInput } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'npm';
const PREFIX = /^npm (?:error|ERR!)(?: (.*))?$/;
const MAX_BLOCK = 80;
const NOISE =
  /^(?:A complete log of this run|For a full report see|\/.*\.(?:log|txt)$|Log files were not written)/;

function spec(name: string, range: string): string {
  return `${name}@${range.replace(/^"|"$/g, '')}`;
}

/** Turns one npm error block (without prefixes) into a finding; exported for tests. */
export function summarizeNpmError(lines: readonly string[]): FindingInput | { command: string } | undefined {
  const codeLine = lines.find((l) => l.startsWith('code '));
  const code = codeLine?.slice(5).trim();
  const body = lines.filter((l) => l !== codeLine && l.trim() !== '' && !NOISE.test(l.trim()));
  if (
    code === '1' ||
    code === 'ELIFECYCLE' ||
    (code === undefined && body.some((l) => l.startsWith('Lifecycle script')))
  ) {
    const command = body
      .find((l) => l.startsWith('command ') && l !== 'command failed')
      ?.slice(8)
      .replace(/^sh -c /, '');
    return command ? { command } : undefined;
  }
  if (code === undefined && body.length === 0) return undefined;
  const base: FindingInput = { kind: 'dependency-error', tool: TOOL, code, message: '' };
  if (code === 'ERESOLVE') {
    const packages: string[] = [];
    let resolving: string | undefined;
    let found: string | undefined;
    let conflict: string | undefined;
    for (const l of body) {
      let m = /^While resolving: (\S+)/.exec(l);
      if (m) resolving = m[1];
      m = /^Found: (\S+)/.exec(l);
      if (m && found === undefined) found = m[1];
      m =
        /^(?:Could not resolve dependency:\s*)?(peer(?:Optional)? |dev |optional )?(\S+?)@("[^"]*"|\S+) from (\S+)$/.exec(
          l.trim(),
        );
      if (m && conflict === undefined && !l.startsWith(' ')) {
        conflict = `${m[4]} needs ${m[1] ?? ''}${spec(m[2] ?? '', m[3] ?? '')}`;
        packages.push(m[4] ?? '', spec(m[2] ?? '', m[3] ?? ''));
      }
      m = /^Conflicting peer dependency: (\S+)/.exec(l);
      if (m) packages.push(m[1] ?? '');
    }
    if (found) packages.unshift(found);
    const parts = ['Unable to resolve dependency tree'];
    if (resolving) parts.push(`while resolving ${resolving}`);
    let message = parts.join(' ');
    if (conflict) message += `: ${conflict}${found ? `, but found ${found}` : ''}`;
    return {
      ...base,
      message,
      packages: packages.filter(Boolean),
      // The message already names the conflict; the raw tree only helps when it could not be read.
      excerpt: conflict ? undefined : buildExcerpt(body),
    };
  }
  if (code === 'ETARGET') {
    const line = body.find((l) => /No matching version found for/.test(l)) ?? body[0] ?? '';
    const message = line.replace(/^notarget /, '');
    const pkg = /found for (\S+?)\.?$/.exec(message)?.[1];
    return { ...base, message, packages: pkg ? [pkg] : undefined };
  }
  if (code === 'E404') {
    const resource = body.map((l) => /requested resource '([^']+)'/.exec(l)?.[1]).find(Boolean);
    const get = body.find((l) => /^404 Not Found/.test(l));
    const message = resource
      ? `Package not found in the registry: ${resource}`
      : (get ?? body[0] ?? 'Not found').replace(/^404\s*/, '');
    return { ...base, message, packages: resource ? [resource] : undefined };
  }
  if (
    body.some((l) => l.includes('can only install packages when your package.json and package-lock.json'))
  ) {
    const entries = body.filter((l) => /^(?:Missing|Invalid): /.test(l));
    const packages = entries
      .map((l) => /^Missing: (\S+)/.exec(l)?.[1] ?? /does not satisfy (\S+)/.exec(l)?.[1])
      .filter((p): p is string => Boolean(p));
    return {
      ...base,
      code: code === 'EUSAGE' ? 'lockfile-out-of-sync' : code,
      file: 'package-lock.json',
      message: `npm ci: package.json and package-lock.json are out of sync${entries.length > 0 ? ` (${entries.slice(0, 3).join('; ')})` : ''}; run npm install and commit the lock file`,
      packages,
    };
  }
  const first = body[0] ?? `npm failed with ${code ?? 'an error'}`;
  return { ...base, message: first, excerpt: buildExcerpt(body.slice(1, 8)) };
}

class NpmCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private block: string[] | undefined;
  private firstLine: number | undefined;
  private command: string | undefined;

  push(line: LogLine): void {
    const m = line.text.startsWith('npm ') ? PREFIX.exec(line.text) : null;
    if (m) {
      this.firstLine ??= line.number;
      this.block ??= [];
      const rest = m[1] ?? '';
      // A new "code" line inside a block starts another error.
      if (rest.startsWith('code ') && this.block.some((l) => l.startsWith('code '))) {
        this.flush();
        this.block = [];
      }
      if (this.block.length < MAX_BLOCK) this.block.push(rest);
      return;
    }
    this.flush();
  }

  wantsEveryLine(): boolean {
    return this.block !== undefined;
  }

  finish(): CondenserOutput {
    this.flush();
    return {
      ...this.collector.output(TOOL, this.firstLine),
      ...(this.command !== undefined && { command: this.command }),
    };
  }

  private flush(): void {
    if (!this.block) return;
    const result = summarizeNpmError(this.block);
    this.block = undefined;
    if (!result) return;
    if ('command' in result && !('kind' in result)) this.command ??= result.command;
    else this.collector.add(result as FindingInput);
  }
}

export const npmCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'npm install / ci errors (ERESOLVE, ETARGET, E404, lock file out of sync)',
  trigger: /^npm (?:error|ERR!)/,
  create: () => new NpmCondenser(),
};
