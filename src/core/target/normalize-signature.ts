/**
 * Failure signatures: the same problem in ten repositories must produce the same string, so the
 * dashboard can group it (issue 8). The error code is kept; the message keeps its words and
 * loses what varies between repositories: paths, line numbers, SHAs, URLs, quoted identifiers.
 */

const MAX_SIGNATURE = 200;

/** Masks applied in order; earlier ones protect their matches from later, coarser ones. */
const MASKS: readonly [RegExp, string][] = [
  [/\bhttps?:\/\/\S+/gi, '<url>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  // Quoted identifiers and type names: 'x', "x", `x`, ‘x’ (tsc, eslint, rustc, python all quote them).
  [/'[^'\n]{0,200}'|"[^"\n]{0,200}"|`[^`\n]{0,200}`|‘[^’\n]{0,200}’|“[^”\n]{0,200}”/g, "'<id>'"],
  // Windows and POSIX paths, with an optional :line:col suffix.
  [/(?:[A-Za-z]:)?(?:[\w.@~+-]*[\\/])+[\w.@~+-]+(?::\d+){0,2}/g, '<path>'],
  // Bare file names with an extension (index.ts, main.py:12).
  [
    /\b[\w-]+\.(?:[cm]?[jt]sx?|py|rb|go|rs|java|kt|cs|php|swift|scala|json|ya?ml|toml|lock|md|css|scss|html|vue|svelte)(?::\d+){0,2}\b/gi,
    '<path>',
  ],
  // Hex SHAs (7–64 hex digits with at least one digit and one letter).
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}\b/gi, '<sha>'],
  [/\b0x[0-9a-f]+\b/gi, '<n>'],
  [/\b\d+(?:\.\d+)*\b/g, '<n>'],
];

/**
 * A stable signature for one failure: `CODE: masked message` (or just the masked message when
 * there is no code). Whitespace is collapsed, the message is cut at its first line and at 200
 * characters. Pure and deterministic; never throws.
 */
export function normalizeSignature(input: { code?: string; message: string; tool?: string }): string {
  const firstLine = input.message.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  let masked = firstLine;
  for (const [pattern, replacement] of MASKS) masked = masked.replace(pattern, replacement);
  masked = masked.replace(/\s+/g, ' ').trim();
  const code = input.code?.trim();
  const prefix = [input.tool?.trim(), code].filter((part) => part !== undefined && part !== '').join(' ');
  const signature = prefix === '' ? masked : masked === '' ? prefix : `${prefix}: ${masked}`;
  return signature.length > MAX_SIGNATURE ? `${signature.slice(0, MAX_SIGNATURE - 1)}…` : signature;
}
