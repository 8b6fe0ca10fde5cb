/**
 * Maps a manifest path (a zod issue path, or a semantic check's path) back to the YAML node it
 * came from, so every error points at the exact line and column the author wrote.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, Pair } from 'yaml';

/** A position in the source, 1-based. */
export interface SourceLocation {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** True when the path itself was not found and this is the nearest ancestor that exists. */
  approximate: boolean;
}

/**
 * Finds source locations in one parsed YAML document.
 * `target: 'value'` points at the value node (the usual case); `'key'` at the key of the last
 * path segment (used for unknown keys and for "this key must not be here").
 */
export interface ManifestLocator {
  locate(path: readonly PropertyKey[], target?: 'key' | 'value'): SourceLocation;
  /** True when the path exists in the document (aliases followed). */
  has(path: readonly PropertyKey[]): boolean;
}

// Bounded so that a path through aliases that point back at themselves cannot loop.
const MAX_ALIAS_HOPS = 64;

/** Builds a locator; never throws, falls back to the start of the document. */
export function buildManifestLocator(doc: Document, lineCounter: LineCounter): ManifestLocator {
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(Math.max(0, offset));
    return { line, column: col };
  };
  const span = (range: readonly [number, number, number] | null | undefined, approximate: boolean) => {
    const [start, end] = range ?? [0, 0, 0];
    const from = position(start);
    const to = position(Math.max(start, end));
    return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column, approximate };
  };

  const resolve = (node: unknown): unknown => {
    let current = node;
    for (let hop = 0; hop < MAX_ALIAS_HOPS && isAlias(current); hop += 1) {
      try {
        current = current.resolve(doc);
      } catch {
        return undefined;
      }
    }
    return current;
  };

  // Indexed per mapping on first use: a file with thousands of unknown keys must not cost O(n²).
  const indexes = new WeakMap<object, Map<string, Pair>>();
  const findPair = (map: unknown, key: PropertyKey): Pair | undefined => {
    if (!isMap(map)) return undefined;
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (k !== null && k !== undefined && !index.has(String(k))) index.set(String(k), pair);
      }
      indexes.set(map, index);
    }
    return index.get(String(key));
  };

  /** An empty value (`key:` with nothing after it) has a zero-width range at the line end; the key reads better. */
  const isEmptyValue = (node: unknown): boolean =>
    isScalar(node) && node.value === null && (node.range ? node.range[0] === node.range[1] : true);

  const walk = (path: readonly PropertyKey[]) => {
    // `node` is the deepest node reached, `keyNode` the key that led to it.
    let node: unknown = doc.contents;
    let keyNode: unknown = undefined;
    let depth = 0;
    for (const segment of path) {
      const container = resolve(node);
      let next: unknown;
      let nextKey: unknown;
      if (isSeq(container) && typeof segment === 'number') {
        next = container.items[segment];
        nextKey = undefined;
      } else {
        const pair = findPair(container, segment);
        next = pair?.value ?? (pair ? null : undefined);
        nextKey = pair?.key;
        if (pair && next === null) next = pair.key; // `key:` with no value node at all
      }
      if (next === undefined) break;
      node = next;
      keyNode = nextKey;
      depth += 1;
    }
    return { node, keyNode, found: depth === path.length };
  };

  const rangeOf = (node: unknown) =>
    node && typeof node === 'object' && 'range' in node ? (node as Node).range : undefined;

  return {
    locate(path, target = 'value') {
      const { node, keyNode, found } = walk(path);
      if (found && keyNode && (target === 'key' || isEmptyValue(node))) return span(rangeOf(keyNode), false);
      const located = span(rangeOf(node) ?? rangeOf(doc.contents), !found);
      // A missing key points at where its parent mapping starts, not across the whole mapping.
      return found ? located : { ...located, endLine: located.line, endColumn: located.column };
    },
    has(path) {
      return walk(path).found;
    },
  };
}
