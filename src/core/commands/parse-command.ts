/**
 * Reads a `/migrate …` command from an issue or PR comment. Pure; never throws.
 *
 * Rules (people quote commands when they reply, and paste them into docs):
 * 1. Only a line that starts with `/migrate` (at most three spaces of indentation) counts.
 *    Quoted lines (`> /migrate …`), fenced code blocks (``` and ~~~), indented code and HTML
 *    comments are skipped. A line right after a quote still counts, although Markdown renders it
 *    as a lazy continuation of the quote: people reply that way ("> can you retry?" then the
 *    command), and the line is theirs, not quoted text.
 * 2. One command per comment: the first wins; later `/migrate` lines are counted, not run.
 * 3. The verb and flags are case-insensitive. Unknown verbs and flags are errors with a
 *    "did you mean" suggestion; nothing is guessed.
 * 4. `fix` takes free text: the rest of its line plus the following lines (up to the next
 *    command line), trimmed and capped at `MAX_FIX_INSTRUCTION` characters.
 */
import { findClosestWord } from './closest-word.ts';
import type { Command, CommandName, ParsedCommand } from './command.ts';
import { MAX_FIX_INSTRUCTION, MAX_RETRY_REPOS } from './command.ts';
import { inlineCode } from '../dashboard/markdown.ts';

/** Verbs as people write them (`retry` covers the four retry forms), for typo suggestions and help. */
export const COMMAND_VERBS = [
  'retry',
  'continue',
  'stop',
  'fix',
  'approve',
  'status',
  'help',
  'pause',
  'resume',
] as const;

const RETRY_FLAGS = ['--force', '--failed', '--group'] as const;

const COMMAND_LINE = /^ {0,3}\/migrate(?=\s|$)(.*)$/i;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const QUOTE = /^ {0,3}>/;
const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const GROUP_ID = /^[0-9a-f]{6,16}$/;

type ArgsResult = { ok: true; command: Command } | { ok: false; error: string; suggestion?: string };

/** The command in `body`, `none`, or a typed error. See the module comment for the rules. */
export function parseCommand(body: string | null | undefined): ParsedCommand {
  const lines = (body ?? '').replace(/\r\n?/g, '\n').split('\n');
  const commandLines = findCommandLines(lines);
  const first = commandLines[0];
  if (first === undefined) return { type: 'none' };
  const ignoredCommands = commandLines.length - 1;
  const rest = (COMMAND_LINE.exec(lines[first] ?? '')?.[1] ?? '').trim();
  const [rawVerb = '', ...args] = rest.split(/\s+/).filter((token) => token !== '');
  const verb = rawVerb.toLowerCase();
  const line = first + 1;
  const invalid = (error: string, suggestion?: string): ParsedCommand => ({
    type: 'invalid',
    verb,
    line,
    error,
    ...(suggestion ? { suggestion } : {}),
    ignoredCommands,
  });

  if (verb === '') return invalid('`/migrate` needs a command, for example `/migrate status`.', 'help');
  if (!isVerb(verb)) {
    const suggestion = findClosestWord(verb, COMMAND_VERBS);
    return invalid(`${inlineCode(rawVerb, { max: 40 })} is not a \`/migrate\` command.`, suggestion);
  }

  let result: ArgsResult;
  if (verb === 'fix') {
    const next = commandLines[1] ?? lines.length;
    const firstLineText = rest.slice(rawVerb.length);
    result = parseFix([firstLineText, ...lines.slice(first + 1, next)].join('\n'));
  } else if (verb === 'retry') {
    result = parseRetry(args);
  } else if (verb === 'help' || args.length === 0) {
    result = { ok: true, command: { name: verb } as Command };
  } else {
    result = {
      ok: false,
      error: `\`/migrate ${verb}\` takes no arguments (got ${inlineCode(args.join(' '), { max: 60 })}).`,
    };
  }
  return result.ok
    ? { type: 'command', command: result.command, line, ignoredCommands }
    : invalid(result.error, result.suggestion);
}

function isVerb(word: string): word is Exclude<CommandName, 'retry-failed' | 'retry-group' | 'retry-repos'> {
  return (COMMAND_VERBS as readonly string[]).includes(word);
}

/** Indices of the lines that are commands: outside quotes, fenced or indented code and HTML comments. */
function findCommandLines(lines: readonly string[]): number[] {
  const found: number[] = [];
  let fence: { char: string; length: number } | undefined;
  let inComment = false;
  lines.forEach((text, index) => {
    if (fence) {
      const close = new RegExp(`^ {0,3}${fence.char === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      if (close.test(text)) fence = undefined;
      return;
    }
    if (inComment) {
      if (text.includes('-->')) inComment = false;
      return;
    }
    if (QUOTE.test(text)) return;
    const open = FENCE_OPEN.exec(text);
    // A backtick fence's info string cannot contain backticks (CommonMark), so ```a``` is inline code.
    if (open && !(open[1]?.startsWith('`') && open[2]?.includes('`'))) {
      fence = { char: open[1]?.[0] ?? '`', length: open[1]?.length ?? 3 };
      return;
    }
    const commentStart = text.lastIndexOf('<!--');
    if (commentStart !== -1 && !text.slice(commentStart).includes('-->')) inComment = true;
    if (text.trimStart().startsWith('<!--')) return;
    if (COMMAND_LINE.test(text)) found.push(index);
  });
  return found;
}

function parseFix(text: string): ArgsResult {
  const instruction = text.trim();
  if (instruction === '') {
    return {
      ok: false,
      error:
        '`/migrate fix` needs an instruction, for example `/migrate fix keep the old import as an alias`.',
    };
  }
  const truncated = instruction.length > MAX_FIX_INSTRUCTION;
  return {
    ok: true,
    command: {
      name: 'fix',
      instruction: truncated ? instruction.slice(0, MAX_FIX_INSTRUCTION).trimEnd() : instruction,
      truncated,
    },
  };
}

function parseRetry(args: readonly string[]): ArgsResult {
  let force = false;
  let failed = false;
  let group: string | undefined;
  const repos: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg.startsWith('-')) {
      const [rawFlag = '', inlineValue] = arg.split(/=(.*)/s, 2);
      const flag = rawFlag.toLowerCase();
      if (flag === '--force') force = true;
      else if (flag === '--failed') failed = true;
      else if (flag === '--group') {
        const value = inlineValue ?? args[index + 1];
        if (inlineValue === undefined) index += 1;
        const id = value?.replace(/^#/, '').toLowerCase();
        if (id === undefined || id === '' || id.startsWith('-')) {
          return {
            ok: false,
            error: '`--group` needs a failure group id from the dashboard, e.g. `--group 3fa2c1`.',
          };
        }
        if (!GROUP_ID.test(id)) {
          return {
            ok: false,
            error: `${inlineCode(value ?? '', { max: 40 })} is not a failure group id (6 hex digits, as shown on the dashboard).`,
          };
        }
        if (group !== undefined && group !== id) {
          return { ok: false, error: 'Give one `--group` per command.' };
        }
        group = id;
      } else {
        const suggestion = findClosestWord(flag, RETRY_FLAGS);
        return {
          ok: false,
          error: `${inlineCode(arg, { max: 40 })} is not a \`retry\` option.`,
          ...(suggestion ? { suggestion } : {}),
        };
      }
      continue;
    }
    const repo = normalizeRepoArgument(arg);
    if (repo === undefined) {
      return {
        ok: false,
        error: `${inlineCode(arg, { max: 80 })} is not a repository; write \`owner/repo\`.`,
      };
    }
    if (repo !== '' && !repos.some((known) => known.toLowerCase() === repo.toLowerCase())) repos.push(repo);
  }

  const forms = [failed, group !== undefined, repos.length > 0].filter(Boolean).length;
  if (forms > 1) {
    return {
      ok: false,
      error: 'Use one of `--failed`, `--group <id>` or a list of repositories, not several.',
    };
  }
  if (force && forms > 0) {
    return {
      ok: false,
      error: '`--force` applies to `/migrate retry` on a PR; dashboard retries never discard human commits.',
    };
  }
  if (repos.length > MAX_RETRY_REPOS) {
    return {
      ok: false,
      error: `At most ${MAX_RETRY_REPOS} repositories per command (got ${repos.length}); use \`--group <id>\` or several comments.`,
    };
  }
  if (failed) return { ok: true, command: { name: 'retry-failed' } };
  if (group !== undefined) return { ok: true, command: { name: 'retry-group', groupId: group } };
  if (repos.length > 0) return { ok: true, command: { name: 'retry-repos', repos } };
  return { ok: true, command: { name: 'retry', force } };
}

/**
 * `owner/repo` from what people paste: `owner/repo`, `owner/repo,`, a repository URL on any host,
 * `owner/repo.git`. `''` for a lone separator; `undefined` when it is not a repository.
 */
function normalizeRepoArgument(arg: string): string | undefined {
  let text = arg.replace(/[,;]+$/, '');
  if (text === '') return '';
  text = text
    .replace(/^https?:\/\/[^/]+\//i, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '');
  return REPO.test(text) ? text : undefined;
}
