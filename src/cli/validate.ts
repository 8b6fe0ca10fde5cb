/**
 * `fleetwright validate <files or dirs...> [--format text|json]`: checks migration manifests
 * exactly as the app's `fleetwright/manifests` check run does, for editors, pre-commit hooks
 * and the config repo's own CI.
 *
 * 1. Expand arguments: a directory holding `migrations/` means `migrations/*.yml|yaml` in it;
 *    any other directory means the `*.yml|yaml` files directly inside it.
 * 2. Group files by config repo root (the directory containing `migrations/`), so duplicate ids
 *    are found across files and `promptFile` resolves against that root (and never leaves it).
 * 3. Print `path:line:col: severity: message` lines (or JSON) and exit 1 on any error.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { loadModelCatalog } from '../adapters/local/model-catalog.ts';
import { MAX_MANIFEST_BYTES } from '../core/manifest/parse.ts';
import { OWNER_LOGIN } from '../core/manifest/repo-pattern.ts';
import { describeOversizeManifest, validateManifestFiles } from '../core/manifest/validate-files.ts';
import type { ManifestFile, ManifestSetResult } from '../core/manifest/validate-files.ts';
import { renderValidationMessage } from '../core/manifest/validation-message.ts';
import type { ModelCatalog } from '../shared/pricing.ts';
import type { CliCommand, CliIo } from './io.ts';

const HELP = `Usage: fleetwright validate <file or directory>... [--format text|json]

Validates migration manifests: YAML syntax, the manifest schema, and semantic checks
(unique ids, prompt files that exist, budgets, target patterns that can match).

Arguments:
  a .yml/.yaml file       one manifest
  a config repo directory  every migrations/*.yml and *.yaml inside it
  any other directory      every *.yml and *.yaml directly inside it

promptFile paths resolve against the config repo root: the directory that contains
migrations/ (for a file outside migrations/, its own directory). Model ids must have a
price in the model catalog (config/models.yml, or the file FLEETWRIGHT_MODELS_FILE names).

Options:
  --format text|json  output format (default text: path:line:col: severity: message)
  --org <login>       the organisation owning the config repo: targets naming another
                      owner are errors (the app checks this on GitHub automatically)
  -h, --help          show this help

Exit status: 0 when every manifest is valid, 1 when any has an error, 2 on usage errors.
`;

interface Options {
  format: 'text' | 'json';
  org: string | undefined;
  paths: string[];
}

function parseArgs(argv: string[]): Options | { usage: string } | { help: true } {
  const options: Options = { format: 'text', org: undefined, paths: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? argv[(i += 1)] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'json')
        return {
          usage: `--format expects 'text' or 'json', got ${value === undefined ? 'nothing' : `'${value}'`}`,
        };
      options.format = value;
    } else if (arg === '--org' || arg.startsWith('--org=')) {
      const value = arg === '--org' ? argv[(i += 1)] : arg.slice('--org='.length);
      if (!value || !OWNER_LOGIN.test(value))
        return { usage: `--org expects a GitHub login, got ${value ? `'${value}'` : 'nothing'}` };
      options.org = value;
    } else if (arg === '--') {
      options.paths.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      return { usage: `unknown option '${arg}'` };
    } else options.paths.push(arg);
  }
  if (options.paths.length === 0) return { usage: 'expected at least one manifest file or directory' };
  return options;
}

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** Expands one argument into manifest files, each with its config repo root. */
async function expand(
  arg: string,
  cwd: string,
): Promise<{ files: { path: string; root: string }[] } | { usage: string }> {
  const absolute = resolve(cwd, arg);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) return { usage: `${arg}: no such file or directory` };
  if (info.isFile()) {
    const dir = dirname(absolute);
    return { files: [{ path: absolute, root: basename(dir) === 'migrations' ? dirname(dir) : dir }] };
  }
  if (!info.isDirectory()) return { usage: `${arg}: not a file or directory` };
  const migrations = join(absolute, 'migrations');
  const [dir, root] = (await isDirectory(migrations))
    ? [migrations, absolute]
    : [absolute, basename(absolute) === 'migrations' ? dirname(absolute) : absolute];
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && isYaml(entry.name))
    .map((entry) => ({ path: join(dir, entry.name), root }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  if (files.length === 0)
    return { usage: `${arg}: no manifests found (expected migrations/*.yml or *.yml files)` };
  return { files };
}

/** Shows a path the way the user will recognise it: relative to cwd when inside it. */
function display(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

async function readManifest(path: string, source: string): Promise<ManifestFile> {
  try {
    const info = await stat(path);
    if (info.size > MAX_MANIFEST_BYTES)
      return { source, unreadable: describeOversizeManifest(info.size), code: 'too-large' };
    return { source, text: await readFile(path, 'utf8') };
  } catch (cause) {
    return {
      source,
      unreadable: `cannot read the file: ${cause instanceof Error ? cause.message : String(cause)}`,
    };
  }
}

/** Reads a prompt file inside `root` only: `..`, absolute paths and symlinks out of the root are refused. */
function promptReader(root: string) {
  return async (path: string): Promise<string | undefined> => {
    const realRoot = await realpath(root);
    const target = resolve(realRoot, path);
    const real = await realpath(target).catch(() => undefined);
    if (real === undefined) return undefined;
    if (real !== realRoot && !real.startsWith(realRoot + sep))
      throw new Error('the file resolves outside the config repo');
    const info = await stat(real);
    if (!info.isFile()) return undefined;
    return readFile(real, 'utf8');
  };
}

function renderText(results: ManifestSetResult[], io: CliIo): void {
  const messages = results.flatMap((result) => result.messages);
  for (const message of messages) io.stdout.write(`${renderValidationMessage(message)}\n`);
  const files = results.flatMap((result) => result.files);
  const errors = messages.filter((m) => m.severity === 'error').length;
  const warnings = messages.length - errors;
  const invalid = files.filter((file) => !file.ok).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (errors > 0)
    io.stderr.write(
      `${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''} in ${plural(invalid, 'manifest')} (of ${files.length})\n`,
    );
  else
    io.stderr.write(
      `${plural(files.length, 'manifest')} valid${warnings ? ` (${plural(warnings, 'warning')})` : ''}\n`,
    );
}

function renderJson(results: ManifestSetResult[], io: CliIo): void {
  const messages = results.flatMap((result) => result.messages);
  const output = {
    valid: messages.every((m) => m.severity !== 'error'),
    files: results.flatMap((result) => result.files),
    migrations: results.flatMap((result) =>
      result.migrations.map(({ source, manifest }) => ({ source, id: manifest.id, title: manifest.title })),
    ),
    messages,
  };
  io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

export const runValidate: CliCommand = async (argv, io) => {
  const options = parseArgs(argv);
  if ('help' in options) {
    io.stdout.write(HELP);
    return 0;
  }
  if ('usage' in options) {
    io.stderr.write(`fleetwright validate: ${options.usage}\n\n${HELP}`);
    return 2;
  }

  // 1. Expand, de-duplicating files named twice.
  const byRoot = new Map<string, Set<string>>();
  for (const arg of options.paths) {
    const expanded = await expand(arg, io.cwd);
    if ('usage' in expanded) {
      io.stderr.write(`fleetwright validate: ${expanded.usage}\n`);
      return 2;
    }
    for (const file of expanded.files)
      byRoot.set(file.root, (byRoot.get(file.root) ?? new Set()).add(file.path));
  }

  // 2. Validate per config repo root, against the same model catalog the app uses.
  let modelCatalog: ModelCatalog;
  try {
    modelCatalog = await loadModelCatalog(io.env);
  } catch (error) {
    io.stderr.write(`fleetwright validate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const results: ManifestSetResult[] = [];
  for (const [root, paths] of [...byRoot].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const files = await Promise.all([...paths].map((path) => readManifest(path, display(path, io.cwd))));
    results.push(
      await validateManifestFiles(files, {
        readPromptFile: promptReader(root),
        modelCatalog,
        ...(options.org ? { organisation: options.org } : {}),
      }),
    );
  }

  // 3. Report.
  if (options.format === 'json') renderJson(results, io);
  else renderText(results, io);
  return results.some((result) => result.messages.some((m) => m.severity === 'error')) ? 1 : 0;
};
