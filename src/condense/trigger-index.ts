/**
 * The trigger index: for each line of a log, which condensers' triggers match it, with as few
 * regex calls as possible. Most lines of a big log match no trigger and many match exactly one,
 * and a regex call costs tens of nanoseconds whatever its pattern, so the index reads the
 * trigger sources once and turns what it can into plain string checks:
 *
 * - `^literal…` alternatives (after distributing groups, optional tokens and small classes:
 *   `^npm (?:error|ERR!)` is "npm error" or "npm ERR!") go into a trie walked from the start of
 *   the line (or from its first non-blank character for `^\s*`/`^\s+` alternatives). A
 *   literal that is the whole alternative matches without any regex; the others are confirmed
 *   by their regex, tried only when the walk reached their literal.
 * - `^` alternatives that start with a class or a repeated group are tested by one sticky
 *   union regex per first character of the line.
 * - `…literal$` alternatives go into a second trie walked back from the end of the line.
 * - Other unanchored alternatives are rewritten to start at a character every match contains
 *   (`\.go:\d` → `:(?<=\.go:)\d`, most share `:`), so their one union regex only stops at
 *   those characters instead of trying every alternative at every position.
 *
 * Every shortcut only ever skips a regex that cannot match, or answers one that must match:
 * `index(text, hits)` marks exactly the sources `i` with `new RegExp(sources[i]).test(text)`
 * and returns their number.
 */

/**
 * A regex atom with its quantifier (`{min,max}`; max is Infinity for `*`, `+`, `{n,}`) and its
 * own text in the source (quantifier included), to rebuild a regex from distributed branches.
 */
type Atom = AtomKind & { readonly min: number; readonly max: number; readonly source?: string };

type AtomKind =
  | { readonly kind: 'char'; readonly unit: string }
  | {
      readonly kind: 'set';
      /** The UTF-16 units it matches; undefined when many or unknown (`.`, `\S`, `[^x]`). */
      readonly units: readonly string[] | undefined;
      /** `\s` or `\S`, which the index treats specially at the start of a line. */
      readonly blank: 'space' | 'non-space' | undefined;
    }
  | { readonly kind: 'group'; readonly branches: readonly Atom[][] }
  /** Zero-width or not understood (`\b`, lookarounds, `^` inside): a literal walk stops here. */
  | { readonly kind: 'opaque' }
  | { readonly kind: 'end' };

/** The regex source of a sequence of parsed atoms. */
const sourceOf = (seq: readonly Atom[]): string => seq.map((atom) => atom.source ?? '').join('');

const DIGITS = [...'0123456789'];
const WORD = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'];
const CONTROL_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f', v: '\v' };
const QUANTIFIER = /^\{(\d+)(?:(,)(\d*))?\}/;

/** The source was not understood; its alternative is then tested by its regex on every line. */
class Unparsed extends Error {}

/**
 * Parses the regex subset trigger sources use (no flags): literals, escapes, classes, groups,
 * lookarounds, anchors and quantifiers. Throws Unparsed on anything else (backreferences…).
 */
function parseSequence(source: string): Atom[] {
  let i = 0;
  const escapeUnit = (e: string | undefined): string | undefined => {
    if (e === undefined) return undefined;
    if (CONTROL_ESCAPES[e] !== undefined) return CONTROL_ESCAPES[e];
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 1, i + 5))) {
      const unit = String.fromCharCode(parseInt(source.slice(i + 1, i + 5), 16));
      i += 4;
      return unit;
    }
    if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(source.slice(i + 1, i + 3))) {
      const unit = String.fromCharCode(parseInt(source.slice(i + 1, i + 3), 16));
      i += 2;
      return unit;
    }
    return /[a-zA-Z0-9]/.test(e) ? undefined : e;
  };
  const parseClass = (): Atom => {
    // at '['
    i++;
    const negated = source[i] === '^';
    if (negated) i++;
    let units: string[] | undefined = [];
    // In JavaScript `[]` matches nothing and `[^]` anything: `]` never needs a first place.
    while (i < source.length && source[i] !== ']') {
      let unit: string | undefined;
      const c = source[i] as string;
      if (c === '\\') {
        const e = source[i + 1];
        i++;
        if (e === 'd') units?.push(...DIGITS);
        else if (e === 'w') units?.push(...WORD);
        else if (e === 'b') unit = '\b';
        else {
          unit = escapeUnit(e);
          if (unit === undefined) units = undefined;
        }
        i++;
      } else {
        unit = c;
        i++;
      }
      if (unit === undefined) continue;
      if (source[i] === '-' && source[i + 1] !== ']' && i + 1 < source.length) {
        const to = source[i + 1] as string;
        if (to === '\\') {
          units = undefined;
          i += 3;
          continue;
        }
        i += 2;
        const from = unit.charCodeAt(0);
        const end = to.charCodeAt(0);
        if (end < from) throw new Unparsed('range out of order');
        if (end - from > 256) units = undefined;
        else for (let k = from; k <= end; k++) units?.push(String.fromCharCode(k));
        continue;
      }
      units?.push(unit);
    }
    if (source[i] !== ']') throw new Unparsed('unclosed class');
    i++;
    return {
      kind: 'set',
      units: negated || units === undefined ? undefined : [...new Set(units)],
      blank: undefined,
      min: 1,
      max: 1,
    };
  };
  const parseAtom = (): Atom => {
    const c = source[i] as string;
    if (c === '(') {
      if (source.startsWith('(?:', i)) i += 3;
      else if (source.startsWith('(?=', i) || source.startsWith('(?!', i)) {
        i += 3;
        parseBranches();
        i++;
        return { kind: 'opaque', min: 1, max: 1 };
      } else if (source.startsWith('(?<=', i) || source.startsWith('(?<!', i)) {
        i += 4;
        parseBranches();
        i++;
        return { kind: 'opaque', min: 1, max: 1 };
      } else if (source.startsWith('(?<', i)) {
        const close = source.indexOf('>', i);
        if (close === -1) throw new Unparsed('bad group name');
        i = close + 1;
      } else if (source[i + 1] === '?') throw new Unparsed('unknown group');
      else i++;
      const branches = parseBranches();
      if (source[i] !== ')') throw new Unparsed('unclosed group');
      i++;
      return { kind: 'group', branches, min: 1, max: 1 };
    }
    if (c === '[') return parseClass();
    if (c === '.') {
      i++;
      return { kind: 'set', units: undefined, blank: undefined, min: 1, max: 1 };
    }
    if (c === '^') {
      i++;
      return { kind: 'opaque', min: 1, max: 1 };
    }
    if (c === '$') {
      i++;
      return { kind: 'end', min: 1, max: 1 };
    }
    if (c === '\\') {
      const e = source[i + 1];
      i++;
      let atom: Atom;
      if (e === 'd') atom = { kind: 'set', units: DIGITS, blank: undefined, min: 1, max: 1 };
      else if (e === 'w') atom = { kind: 'set', units: WORD, blank: undefined, min: 1, max: 1 };
      else if (e === 's') atom = { kind: 'set', units: undefined, blank: 'space', min: 1, max: 1 };
      else if (e === 'S') atom = { kind: 'set', units: undefined, blank: 'non-space', min: 1, max: 1 };
      else if (e === 'D' || e === 'W')
        atom = { kind: 'set', units: undefined, blank: undefined, min: 1, max: 1 };
      else if (e === 'b' || e === 'B') atom = { kind: 'opaque', min: 1, max: 1 };
      else if (e === '0' && !/[0-9]/.test(source[i + 1] ?? ''))
        atom = { kind: 'char', unit: '\0', min: 1, max: 1 };
      else {
        const unit = escapeUnit(e);
        if (unit === undefined) throw new Unparsed(`escape \\${e ?? ''}`);
        atom = { kind: 'char', unit, min: 1, max: 1 };
      }
      i++;
      return atom;
    }
    if (c === '*' || c === '+' || c === '?') throw new Unparsed('nothing to repeat');
    if (c === '{' && QUANTIFIER.test(source.slice(i))) throw new Unparsed('nothing to repeat');
    i++;
    return { kind: 'char', unit: c, min: 1, max: 1 };
  };
  const readQuantifier = (): [number, number] | undefined => {
    const c = source[i];
    if (c === '?') return [0, 1];
    if (c === '*') return [0, Infinity];
    if (c === '+') return [1, Infinity];
    if (c !== '{') return undefined;
    const q = QUANTIFIER.exec(source.slice(i));
    if (!q) return undefined;
    i += q[0].length - 1;
    const min = Number(q[1]);
    return [min, q[2] === undefined ? min : q[3] === '' ? Infinity : Number(q[3])];
  };
  const parseQuantifier = (atom: Atom): Atom => {
    const quantifier = readQuantifier();
    if (quantifier === undefined) return atom;
    const [min, max] = quantifier;
    i++;
    if (source[i] === '?') i++; // lazy: the same set of matches for a test
    if (atom.kind === 'end' || (atom.kind === 'opaque' && min === 0))
      return { kind: 'opaque', min: 1, max: 1 };
    return { ...atom, min: atom.min * min, max: atom.max * max };
  };
  const parseBranches = (): Atom[][] => {
    const branches: Atom[][] = [[]];
    while (i < source.length && source[i] !== ')') {
      if (source[i] === '|') {
        branches.push([]);
        i++;
        continue;
      }
      const from = i;
      const atom = parseQuantifier(parseAtom());
      branches[branches.length - 1]?.push({ ...atom, source: source.slice(from, i) });
    }
    return branches;
  };
  const branches = parseBranches();
  if (i !== source.length) throw new Unparsed('unbalanced )');
  return branches.length === 1
    ? (branches[0] ?? [])
    : [{ kind: 'group', branches, min: 1, max: 1, source: `(?:${source})` }];
}

/** A literal every match starts with; `complete` when the literal alone is a match. */
interface Literal {
  readonly text: string;
  readonly complete: boolean;
}

const STOP: Atom = { kind: 'opaque', min: 1, max: 1 };

/**
 * The literals one of which starts every match of `seq` (at a given position): groups, optional
 * tokens and classes of at most `maxSet` units are distributed, repeated tokens contribute
 * their minimum (`x*` is either absent or starts with one `x`), and the walk stops at the first
 * token it cannot spell out. Undefined when
 * there would be more than `limit` literals.
 */
function expandLiterals(
  seq: readonly Atom[],
  maxSet: number,
  limit: number,
  maxLength = Infinity,
): Literal[] | undefined {
  const out = new Map<string, boolean>();
  let budget = limit * 16;
  const push = (text: string, complete: boolean) => {
    out.set(text, (out.get(text) ?? false) || complete);
    if (out.size > limit) throw new Unparsed('too many literals');
  };
  const walk = (atoms: readonly Atom[], at: number, text: string): void => {
    if (--budget < 0) throw new Unparsed('too many literals');
    if (text.length >= maxLength) return push(text, at === atoms.length);
    const atom = atoms[at];
    if (atom === undefined) return push(text, true);
    const rest = () => atoms.slice(at + 1);
    if (atom.kind === 'char') {
      const grown = text + atom.unit.repeat(Math.min(atom.min, Math.max(1, maxLength - text.length)));
      if (atom.min === atom.max) return walk(atoms, at + 1, grown);
      if (atom.min === 0 && atom.max === 1) {
        walk(atoms, at + 1, text);
        return walk(atoms, at + 1, text + atom.unit);
      }
      // Repeated and optional (`x*`): absent, or a first `x` and then unknown.
      if (atom.min === 0) walk(atoms, at + 1, text);
      return push(atom.min === 0 ? text + atom.unit : grown, false);
    }
    if (atom.kind === 'set' && atom.units !== undefined && atom.units.length <= maxSet) {
      if (atom.min === 1 && atom.max === 1) {
        for (const unit of atom.units) walk(atoms, at + 1, text + unit);
        return;
      }
      if (atom.min === 0 && atom.max === 1) {
        walk(atoms, at + 1, text);
        for (const unit of atom.units) walk(atoms, at + 1, text + unit);
        return;
      }
      if (atom.min === 0) walk(atoms, at + 1, text);
      for (const unit of atom.units) push(text + unit, false);
      return;
    }
    if (atom.kind === 'group') {
      if (atom.min === 1 && atom.max === 1) {
        for (const branch of atom.branches) walk([...branch, ...rest()], 0, text);
        return;
      }
      if (atom.min === 0 && atom.max === 1) {
        walk(atoms, at + 1, text);
        for (const branch of atom.branches) walk([...branch, ...rest()], 0, text);
        return;
      }
      if (atom.min === 0) walk(atoms, at + 1, text);
      for (const branch of atom.branches) walk([...branch, STOP], 0, text);
      return;
    }
    return push(text, false);
  };
  try {
    walk(seq, 0, '');
  } catch (error) {
    if (error instanceof Unparsed) return undefined;
    throw error;
  }
  return [...out].map(([text, complete]) => ({ text, complete }));
}

/** The sequence matched backwards (for `…$` alternatives, walked from the end of the line). */
function reversed(seq: readonly Atom[]): Atom[] {
  return [...seq]
    .reverse()
    .map((atom) => (atom.kind === 'group' ? { ...atom, branches: atom.branches.map(reversed) } : atom));
}

/**
 * Splits off leading groups so each branch starts with its first real token. A group is kept
 * whole when none of its branches would spell out a literal (`(?:[A-Za-z]:)?[\w./]*…`): one
 * class-led regex is cheaper to test than two.
 */
function distributeLeading(seq: readonly Atom[], depth = 0): Atom[][] {
  const first = seq[0];
  if (depth > 6 || first?.kind !== 'group' || first.max !== 1) return [[...seq]];
  const rest = seq.slice(1);
  const out = first.branches.flatMap((branch) => distributeLeading([...branch, ...rest], depth + 1));
  if (first.min === 0) out.push(...distributeLeading(rest, depth + 1));
  return out.length > 64 || !out.some((branch) => literalsOf(branch) !== undefined) ? [[...seq]] : out;
}

/**
 * The literals that start every match of `seq` after its leading blanks, with how the blanks
 * go (see leadingBlank); undefined when they cannot be spelled out (a class, a repeated group).
 */
function literalsOf(
  seq: readonly Atom[],
): { blank: 'none' | 'star' | 'plus'; literals: Literal[] } | undefined {
  const lead = leadingBlank(seq);
  if (lead === undefined) return undefined;
  const literals = expandLiterals(lead.rest, 10, 64);
  const usable =
    literals !== undefined &&
    literals.every((l) => l.text !== '' && (lead.blank === 'none' || !isSpace(l.text.charCodeAt(0))));
  return usable ? { blank: lead.blank, literals } : undefined;
}

/** True when every match of `seq` starts with a non-blank character (`\S*ld: `, `\S+`). */
function startsNonBlank(seq: readonly Atom[]): boolean {
  const first = seq[0];
  if (first?.kind !== 'set' || first.blank !== 'non-space') return false;
  if (first.min >= 1) return true;
  const heads = expandLiterals(seq.slice(1), 512, 2048, 1);
  return heads !== undefined && heads.every((h) => h.text !== '' && !isSpace(h.text.charCodeAt(0)));
}

/** `^\s*` (star), `^\s+` (plus) or neither, and the sequence after it; undefined for `^\s+\s+`. */
function leadingBlank(seq: readonly Atom[]): { blank: 'none' | 'star' | 'plus'; rest: Atom[] } | undefined {
  let at = 0;
  let min = 0;
  while (at < seq.length) {
    const atom = seq[at];
    if (atom?.kind !== 'set' || atom.blank !== 'space' || atom.max !== Infinity) break;
    min += atom.min;
    at++;
  }
  if (at === 0) return { blank: 'none', rest: [...seq] };
  if (min > 1) return undefined;
  return { blank: min === 0 ? 'star' : 'plus', rest: seq.slice(at) };
}

// Characters `\s` matches (ECMAScript WhiteSpace and LineTerminator), without a regex call:
// it runs on every line that starts with a non-ASCII character.
function isSpace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

// ------------------------------------------------------------------ runtime structures

/**
 * Alternatives of several sources tried together: `union` rejects a line in one test (most
 * lines match nothing); only when it matches is each source's own regex tried.
 */
interface Bucket {
  readonly union: RegExp;
  readonly slots: readonly number[];
  readonly res: readonly RegExp[];
  /** First-character buckets: characters one of which every match has in its first token. */
  readonly token?: TokenNeed;
}

/**
 * Characters one of which every match of a class-led `^` alternative contains before the first
 * blank of the line (after its leading blanks): `^\S*ld(?:\.\w+)?: ` needs a `:` there, cc's
 * and generic's path alternatives a `:` or `(`, `^(?:[a-z_]\w*\.)*[A-Z]\w*(?:Error|…)` an `E`
 * or `F`. Scanning a line's first word for them costs a fraction of the regex call that most
 * lines (`npm warn …`, `Syncing repository…`) would otherwise fail.
 */
interface TokenNeed {
  readonly ascii: Uint8Array;
  readonly other: ReadonlySet<number>;
}

/**
 * Whether the first token of `text` at or after `from` (its leading blanks skipped, up to the
 * next blank) has one of `need`'s characters. Leading blanks are skipped because `^\s*X`
 * alternatives sit in the buckets of lines that start blank; a `^X` one cannot match those.
 */
function tokenHas(need: TokenNeed, text: string, from: number): boolean {
  const { ascii, other } = need;
  const length = text.length;
  let i = from;
  while (i < length && isSpace(text.charCodeAt(i))) i++;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 ? ascii[c] === 1 : other.has(c)) return true;
    if (isSpace(c)) return false;
  }
  return false;
}

// A set of more characters than this is no use as a token need.
const SMALL_SET = 12;

/**
 * The characters one of which any match of `seq` (matched from a line's first non-blank
 * character: the part of a class-led alternative after its leading `\s*`/`\s+`) has before
 * the next blank: those of a mandatory atom all of whose predecessors
 * match only non-blank characters — preferring the last such atom without common characters
 * (`:` over `.`, as later characters tell more). Undefined when there is none.
 */
function tokenNeedOf(seq: readonly Atom[]): ReadonlySet<number> | undefined {
  let best: { units: ReadonlySet<number>; common: boolean } | undefined;
  for (const atom of seq) {
    if (atom.kind === 'opaque') continue; // zero-width: \b, lookarounds
    if (atom.kind === 'end') break;
    const units = atom.min >= 1 ? atomNeed(atom) : undefined;
    if (units !== undefined) {
      const common = [...units].some((code) => code < 128 && COMMON.test(String.fromCharCode(code)));
      if (best === undefined || !common || best.common) best = { units, common };
    }
    if (mayMatchBlank(atom)) break;
  }
  return best?.units;
}

/** The characters one of which every match of `atom` contains, none of them blank; or undefined. */
function atomNeed(atom: Atom): ReadonlySet<number> | undefined {
  if (atom.kind === 'char') {
    const code = atom.unit.charCodeAt(0);
    return atom.unit.length === 1 && !isSpace(code) ? new Set([code]) : undefined;
  }
  if (atom.kind === 'set') {
    if (atom.units === undefined || atom.units.length > SMALL_SET) return undefined;
    const codes = atom.units.map((unit) => unit.charCodeAt(0));
    return codes.some(isSpace) ? undefined : new Set(codes);
  }
  if (atom.kind === 'group') {
    const union = new Set<number>();
    for (const branch of atom.branches) {
      const need = tokenNeedOf(branch);
      if (need === undefined) return undefined;
      for (const code of need) union.add(code);
    }
    return union.size > 0 ? union : undefined;
  }
  return undefined;
}

/** Whether `atom` may consume a blank (conservatively true for what is not understood). */
function mayMatchBlank(atom: Atom): boolean {
  if (atom.kind === 'opaque') return false;
  if (atom.kind === 'char') return isSpace(atom.unit.charCodeAt(0));
  if (atom.kind === 'set') {
    if (atom.units !== undefined) return atom.units.some((unit) => isSpace(unit.charCodeAt(0)));
    return atom.blank !== 'non-space';
  }
  if (atom.kind === 'group') return atom.branches.some((branch) => branch.some(mayMatchBlank));
  return true;
}

/**
 * One RegExp per source and flags within an index: each compiled regex is its own machine code,
 * and a few shared ones stay in the processor's caches where hundreds of near-copies would not.
 * Sharing is safe because every use resets `lastIndex` and runs to completion.
 */
type RegexCache = Map<string, RegExp>;

function cachedRegex(cache: RegexCache, source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = cache.get(key);
  if (re === undefined) {
    re = new RegExp(source, flags);
    cache.set(key, re);
  }
  return re;
}

function buildBucket(
  bySlot: ReadonlyMap<number, readonly string[]>,
  flags: string,
  cache: RegexCache,
): Bucket | undefined {
  const entries = [...bySlot].filter(([, alts]) => alts.length > 0).sort((x, y) => x[0] - y[0]);
  if (entries.length === 0) return undefined;
  const res = entries.map(([, alts]) => cachedRegex(cache, [...new Set(alts)].join('|'), flags));
  const all = [...new Set(entries.flatMap(([, alts]) => alts))];
  return {
    union: entries.length === 1 ? (res[0] as RegExp) : cachedRegex(cache, all.join('|'), flags),
    slots: entries.map(([slot]) => slot),
    res,
  };
}

/** Tests a bucket on `text`, marking the sources that match; returns how many were new. */
function testBucket(b: Bucket, text: string, hits: Uint8Array): number {
  const slots = b.slots;
  if (slots.length === 1) {
    const slot = slots[0] as number;
    if (hits[slot] === 1) return 0;
    b.union.lastIndex = 0;
    if (!b.union.test(text)) return 0;
    hits[slot] = 1;
    return 1;
  }
  b.union.lastIndex = 0;
  if (!b.union.test(text)) return 0;
  let found = 0;
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k] as number;
    if (hits[slot] === 1) continue;
    const re = b.res[k] as RegExp;
    re.lastIndex = 0;
    if (re.test(text)) {
      hits[slot] = 1;
      found++;
    }
  }
  return found;
}

interface TrieDraft {
  children: Map<number, TrieDraft>;
  complete: Set<number>;
  confirm: Map<number, string[]>;
}

const newDraft = (): TrieDraft => ({ children: new Map(), complete: new Set(), confirm: new Map() });

/** Adds a literal, unit by unit (an end literal is already spelled backwards). */
function addLiteral(root: TrieDraft, literal: string, slot: number, complete: boolean, alt: string): void {
  let node = root;
  for (let k = 0; k < literal.length; k++) {
    const code = literal.charCodeAt(k);
    let next = node.children.get(code);
    if (next === undefined) {
      next = newDraft();
      node.children.set(code, next);
    }
    node = next;
  }
  if (complete) node.complete.add(slot);
  else node.confirm.set(slot, [...(node.confirm.get(slot) ?? []), alt]);
}

/**
 * A trie flattened into typed arrays, so a walk touches little memory: state 0 is the root
 * (never re-entered, so 0 also means "no child"), whose children are found by `rootAscii[code]`
 * or `rootOther`; state s > 0 has its children's code units in `codes` and their states in `to`,
 * from `edges[s]` to `edges[s + 1]` (mostly one). States are numbered depth-first, so a walk
 * reads neighbouring entries. At a `marked` state literals end: `complete[state]` sources
 * match outright, `buckets[state]` confirms the others by regex.
 */
interface Trie {
  readonly rootAscii: Int32Array;
  readonly rootOther: ReadonlyMap<number, number>;
  readonly edges: Int32Array;
  readonly codes: Int32Array;
  readonly to: Int32Array;
  readonly marked: Uint8Array;
  readonly complete: readonly (readonly number[])[];
  readonly buckets: readonly (Bucket | undefined)[];
  readonly empty: boolean;
}

function compileTrie(root: TrieDraft, flags: string, cache: RegexCache): Trie {
  const drafts: TrieDraft[] = [];
  const number = (draft: TrieDraft): void => {
    drafts.push(draft);
    for (const code of [...draft.children.keys()].sort((x, y) => x - y))
      number(draft.children.get(code) as TrieDraft);
  };
  number(root);
  const ids = new Map(drafts.map((draft, id) => [draft, id]));
  const rootAscii = new Int32Array(128);
  const rootOther = new Map<number, number>();
  const edges = new Int32Array(drafts.length + 1);
  const codes: number[] = [];
  const to: number[] = [];
  const marked = new Uint8Array(drafts.length);
  const complete: number[][] = [];
  const buckets: (Bucket | undefined)[] = [];
  drafts.forEach((draft, id) => {
    edges[id] = codes.length;
    for (const code of [...draft.children.keys()].sort((x, y) => x - y)) {
      const child = ids.get(draft.children.get(code) as TrieDraft) as number;
      if (id === 0) {
        if (code < 128) rootAscii[code] = child;
        else rootOther.set(code, child);
      } else {
        codes.push(code);
        to.push(child);
      }
    }
    // A source that completes here needs no confirmation.
    const confirm = new Map([...draft.confirm].filter(([slot]) => !draft.complete.has(slot)));
    complete[id] = [...draft.complete].sort((x, y) => x - y);
    buckets[id] = buildBucket(confirm, flags, cache);
    marked[id] = (complete[id]?.length ?? 0) > 0 || buckets[id] !== undefined ? 1 : 0;
  });
  edges[drafts.length] = codes.length;
  return {
    rootAscii,
    rootOther,
    edges,
    codes: Int32Array.from(codes),
    to: Int32Array.from(to),
    marked,
    complete,
    buckets,
    empty: root.children.size === 0,
  };
}

/** The state the root of `trie` goes to on code unit `code`; 0 for none. */
function rootStep(trie: Trie, code: number): number {
  return code < 128 ? (trie.rootAscii[code] as number) : (trie.rootOther.get(code) ?? 0);
}

/**
 * Walks `text` on from state `state`, reached by reading the unit at `i` (forwards, or
 * backwards when `step` is -1), marking the sources whose literals it passes; returns how many
 * were new. Callers check `rootStep` first: most lines leave the root at once.
 */
function walk(trie: Trie, text: string, i: number, state: number, step: 1 | -1, hits: Uint8Array): number {
  let found = 0;
  const { edges, codes, to } = trie;
  while (state !== 0) {
    if (trie.marked[state] === 1) {
      const complete = trie.complete[state] as readonly number[];
      for (let k = 0; k < complete.length; k++) {
        const slot = complete[k] as number;
        if (hits[slot] === 0) {
          hits[slot] = 1;
          found++;
        }
      }
      const bucket = trie.buckets[state];
      if (bucket !== undefined) found += testBucket(bucket, text, hits);
    }
    i += step;
    if (i < 0 || i >= text.length) break;
    const code = text.charCodeAt(i);
    const end = edges[state + 1] as number;
    let next = 0;
    for (let e = edges[state] as number; e < end; e++) {
      if (codes[e] === code) {
        next = to[e] as number;
        break;
      }
    }
    state = next;
  }
  return found;
}

/** Per first character of a line (a code unit): a sticky union of alternatives it may start. */
interface FirstCharTable {
  readonly ascii: readonly (Bucket | undefined)[];
  readonly other: ReadonlyMap<number, Bucket>;
  /** For characters not in `other`: blank ones and the rest. */
  readonly otherBlank: Bucket | undefined;
  readonly otherNonBlank: Bucket | undefined;
}

interface FirstCharDraft {
  readonly byCode: Map<number, Map<number, string[]>>;
  /** Alternatives that may start with anything, or with any non-blank character. */
  readonly any: Map<number, string[]>;
  readonly nonBlank: Map<number, string[]>;
}

const newFirstCharDraft = (): FirstCharDraft => ({ byCode: new Map(), any: new Map(), nonBlank: new Map() });

function addTo(map: Map<number, string[]>, slot: number, alt: string): void {
  map.set(slot, [...(map.get(slot) ?? []), alt]);
}

/**
 * Per first character, a sticky union of the alternatives that may start with it and one regex
 * per source. Characters with the same alternatives share their regexes (see cachedRegex), so
 * a table compiles a handful, not one per character.
 */
function compileFirstChars(
  draft: FirstCharDraft,
  cache: RegexCache,
  needs: ReadonlyMap<string, ReadonlySet<number>>,
): FirstCharTable {
  const merged = (code: number | undefined, blank: boolean): Bucket | undefined => {
    const bySlot = new Map<number, string[]>();
    const own = code === undefined ? undefined : draft.byCode.get(code);
    for (const source of [own, draft.any, blank ? undefined : draft.nonBlank])
      for (const [slot, alts] of source ?? []) for (const alt of alts) addTo(bySlot, slot, alt);
    const bucket = buildBucket(bySlot, 'y', cache);
    if (bucket === undefined) return undefined;
    // The bucket's token need: every alternative's, together; none if one alternative has none.
    const ascii = new Uint8Array(128);
    const other = new Set<number>();
    for (const alts of bySlot.values()) {
      for (const alt of alts) {
        const need = needs.get(alt);
        if (need === undefined) return bucket;
        for (const c of need) {
          if (c < 128) ascii[c] = 1;
          else other.add(c);
        }
      }
    }
    return { ...bucket, token: { ascii, other } };
  };
  const ascii = Array.from({ length: 128 }, (_, code) => merged(code, isSpace(code)));
  const other = new Map<number, Bucket>();
  for (const code of draft.byCode.keys()) {
    if (code < 128) continue;
    const b = merged(code, isSpace(code));
    if (b !== undefined) other.set(code, b);
  }
  return { ascii, other, otherBlank: merged(undefined, true), otherNonBlank: merged(undefined, false) };
}

function lookupFirst(table: FirstCharTable, code: number): Bucket | undefined {
  if (code < 128) return table.ascii[code];
  const own = table.other.get(code);
  if (own !== undefined) return own;
  return isSpace(code) ? table.otherBlank : table.otherNonBlank;
}

// Characters common in any log line: poor keys (see buildFloatingBucket).
const COMMON = /[\sa-z0-9]/;

// Upper-case letters from the most to the least frequent in English text.
const CAPITALS = 'ETAOINSRHLDCUMFPGWYBVKXJQZ';

/**
 * How often a key character is likely to occur in a log line (lower is rarer, so a better key):
 * punctuation, then capitals by their frequency in English, then the common characters.
 */
function keyCost(unit: string): number {
  if (COMMON.test(unit)) return 100;
  const capital = CAPITALS.indexOf(unit);
  return capital === -1 ? 0 : 74 - capital;
}

/** An unanchored alternative, parsed when it could be. */
interface Floating {
  readonly slot: number;
  readonly alt: string;
  readonly seq: readonly Atom[] | undefined;
}

/** The literal character of a top-level atom matched exactly once, or undefined. */
function unitOf(atom: Atom): string | undefined {
  if (atom.min !== 1 || atom.max !== 1) return undefined;
  if (atom.kind === 'char') return atom.unit;
  return atom.kind === 'set' && atom.units?.length === 1 ? atom.units[0] : undefined;
}

/**
 * The unanchored alternatives as one bucket whose union starts each alternative at a literal
 * character K it requires, with what precedes K as a lookbehind: `\.go:\d` becomes
 * `:(?<=\.go:)\d` — the same lines match, but irregexp now only stops at the few K's of a
 * line (`:`, shared by most triggers) instead of trying every alternative at every position.
 * K is the uncommon character most alternatives share, then each remaining one's first
 * uncommon (or any) literal; alternatives without a literal stay as they are.
 */
function buildFloatingBucket(alts: readonly Floating[], cache: RegexCache): Bucket | undefined {
  const keyed = new Map<string, { slot: number; inner: string }[]>();
  const plain: { slot: number; source: string }[] = [];
  const bySlot = new Map<number, string[]>();
  let left = [...alts];
  const assign = (entry: Floating, key: string): void => {
    const seq = entry.seq ?? [];
    const at = seq.findIndex((atom) => unitOf(atom) === key);
    const k = seq[at] as Atom;
    const before = sourceOf(seq.slice(0, at));
    const after = sourceOf(seq.slice(at + 1));
    const inner = before === '' ? after : `(?<=${before}${k.source ?? ''})${after}`;
    const list = keyed.get(k.source ?? '') ?? [];
    list.push({ slot: entry.slot, inner });
    keyed.set(k.source ?? '', list);
    addTo(bySlot, entry.slot, `${k.source ?? ''}(?:${inner})`);
  };
  const unitsOf = (entry: Floating): string[] => (entry.seq ?? []).flatMap((atom) => unitOf(atom) ?? []);
  for (;;) {
    const counts = new Map<string, number>();
    for (const entry of left) {
      for (const unit of new Set(unitsOf(entry)))
        if (!COMMON.test(unit)) counts.set(unit, (counts.get(unit) ?? 0) + 1);
    }
    const best = [...counts].sort((x, y) => y[1] - x[1])[0];
    if (best === undefined || best[1] < 2) break;
    for (const entry of left) if (unitsOf(entry).includes(best[0])) assign(entry, best[0]);
    left = left.filter((entry) => !unitsOf(entry).includes(best[0]));
  }
  for (const entry of left) {
    const units = unitsOf(entry);
    const key = [...units].sort((x, y) => keyCost(x) - keyCost(y))[0];
    if (key !== undefined) assign(entry, key);
    else {
      plain.push({ slot: entry.slot, source: entry.alt });
      addTo(bySlot, entry.slot, entry.alt);
    }
  }
  const bucket = buildBucket(bySlot, '', cache);
  if (bucket === undefined) return undefined;
  const union = [
    ...[...keyed].map(([key, list]) => `${key}(?:${[...new Set(list.map((e) => e.inner))].join('|')})`),
    ...plain.map((e) => e.source),
  ].join('|');
  return { ...bucket, union: bucket.slots.length === 1 ? bucket.union : new RegExp(union) };
}

/**
 * Splits a regex source into its top-level alternatives (outside groups and classes).
 * Exported for tests.
 */
export function splitAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(source.slice(from));
  return parts;
}

/**
 * Per-line test built by buildTriggerIndex: marks matching sources in `hits` (which must be
 * all 0 on entry for the count to be right) and returns how many it marked.
 */
export type TriggerIndex = (text: string, hits: Uint8Array) => number;

/**
 * Builds the per-line trigger test the dispatcher runs (see the module comment): `index(text,
 * hits)` sets `hits[i] = 1` for every source `i` whose regex (flagless) matches `text`, exactly
 * as `new RegExp(sources[i]).test(text)` would, and returns whether any did. Undefined without
 * sources.
 */
export function buildTriggerIndex(sources: readonly string[]): TriggerIndex | undefined {
  if (sources.length === 0) return undefined;
  // Building takes milliseconds and every session of a process uses the same triggers; an index
  // keeps no state between calls (its sticky regexes are reset before each use), so it is shared.
  const key = sources.join('\u0000');
  const cached = built.get(key);
  if (cached !== undefined) return cached;
  const index = compileIndex(sources);
  if (built.size >= MAX_BUILT) built.delete(built.keys().next().value as string);
  built.set(key, index);
  return index;
}

const MAX_BUILT = 16;
const built = new Map<string, TriggerIndex>();

function compileIndex(sources: readonly string[]): TriggerIndex {
  // Literal tries: from the start, from the first non-blank character, and from the end.
  const start = newDraft();
  const afterBlank = newDraft();
  const end = newDraft();
  // Class-led `^` alternatives, by the first character of the line…
  const first = newFirstCharDraft();
  // …and `^\s*`/`^\s+` ones by the first non-blank character of a line that starts blank.
  const firstAfterBlank = newFirstCharDraft();
  const floating: Floating[] = [];
  // Token needs of class-led alternatives, by their source (see TokenNeed).
  const needs = new Map<string, ReadonlySet<number>>();

  const addAnchored = (slot: number, body: string): void => {
    let seqs: Atom[][];
    try {
      seqs = distributeLeading(parseSequence(body));
    } catch {
      addTo(first.any, slot, `(?:${body})`);
      return;
    }
    for (const seq of seqs) {
      // Each distributed branch is tested on its own: cheaper than the whole alternative.
      const alt = `(?:${sourceOf(seq)})`;
      const lead = leadingBlank(seq);
      // Matched from the line's first non-blank character in either table (see tokenNeedOf).
      const need = lead === undefined ? undefined : tokenNeedOf(lead.rest);
      if (need !== undefined) needs.set(alt, need);
      if (lead === undefined) {
        addTo(first.any, slot, alt);
        continue;
      }
      const keyed = literalsOf(seq);
      if (keyed !== undefined) {
        for (const literal of keyed.literals) {
          if (lead.blank !== 'plus') addLiteral(start, literal.text, slot, literal.complete, alt);
          if (lead.blank !== 'none') addLiteral(afterBlank, literal.text, slot, literal.complete, alt);
        }
        continue;
      }
      // The first character, then: a class, or a group repeated.
      const heads = expandLiterals(lead.rest, 512, 2048, 1);
      if (heads === undefined || heads.some((h) => h.text === '')) {
        if (lead.blank === 'none' && startsNonBlank(lead.rest)) addTo(first.nonBlank, slot, alt);
        else addTo(first.any, slot, alt);
        continue;
      }
      const codes = heads.map((h) => h.text.charCodeAt(0));
      if (lead.blank !== 'none' && codes.some(isSpace)) {
        addTo(first.any, slot, alt);
        continue;
      }
      for (const code of codes) {
        const byCode = (table: FirstCharDraft) => {
          const bySlot = table.byCode.get(code) ?? new Map<number, string[]>();
          addTo(bySlot, slot, alt);
          table.byCode.set(code, bySlot);
        };
        if (lead.blank !== 'plus') byCode(first);
        if (lead.blank !== 'none') byCode(firstAfterBlank);
      }
    }
  };

  const addFloating = (slot: number, body: string): void => {
    const alt = `(?:${body})`;
    let seq: Atom[];
    try {
      seq = parseSequence(body);
    } catch {
      floating.push({ slot, alt, seq: undefined });
      return;
    }
    const last = seq[seq.length - 1];
    if (last?.kind === 'end') {
      const literals = expandLiterals(reversed(seq.slice(0, -1)), 10, 64);
      if (literals !== undefined && literals.every((l) => l.text !== '')) {
        for (const literal of literals) addLiteral(end, literal.text, slot, literal.complete, alt);
        return;
      }
    }
    floating.push({ slot, alt, seq });
  };

  sources.forEach((source, slot) => {
    for (const alt of splitAlternatives(source)) {
      if (alt.startsWith('^')) addAnchored(slot, alt.slice(1));
      else addFloating(slot, alt);
    }
  });

  const cache: RegexCache = new Map();
  const startTrie = compileTrie(start, 'y', cache);
  const blankTrie = compileTrie(afterBlank, 'y', cache);
  const endTrie = compileTrie(end, '', cache);
  const firstTable = compileFirstChars(first, cache, needs);
  const blankTable = compileFirstChars(firstAfterBlank, cache, needs);
  const blankEmpty = blankTrie.empty && firstAfterBlank.byCode.size === 0;
  const floatingBucket = buildFloatingBucket(floating, cache);

  return (text, hits) => {
    const length = text.length;
    let found = 0;
    if (length === 0) {
      // Only alternatives that can match an empty line: tested the slow way, rarely reached.
      const b = firstTable.otherBlank;
      if (b !== undefined) found += testBucket(b, text, hits);
    } else {
      const c = text.charCodeAt(0);
      const start = rootStep(startTrie, c);
      if (start !== 0) found += walk(startTrie, text, 0, start, 1, hits);
      const b = lookupFirst(firstTable, c);
      if (b !== undefined && (b.token === undefined || tokenHas(b.token, text, 0)))
        found += testBucket(b, text, hits);
      if (!blankEmpty && (c === 32 || c === 9 || (c >= 10 && c <= 13) || (c >= 0xa0 && isSpace(c)))) {
        let i = 1;
        let d = text.charCodeAt(1);
        while (d === 32 || d === 9 || (d >= 10 && d <= 13) || (d >= 0xa0 && isSpace(d)))
          d = text.charCodeAt(++i);
        if (i < length) {
          const afterBlank = rootStep(blankTrie, d);
          if (afterBlank !== 0) found += walk(blankTrie, text, i, afterBlank, 1, hits);
          const after = lookupFirst(blankTable, d);
          if (after !== undefined && (after.token === undefined || tokenHas(after.token, text, i)))
            found += testBucket(after, text, hits);
        }
      }
      const end = rootStep(endTrie, text.charCodeAt(length - 1));
      if (end !== 0) found += walk(endTrie, text, length - 1, end, -1, hits);
    }
    if (floatingBucket !== undefined) found += testBucket(floatingBucket, text, hits);
    return found;
  };
}
