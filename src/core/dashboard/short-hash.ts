/**
 * A short, stable, dependency-free hash for ids people type (`/migrate retry --group 3fa2c1`).
 * FNV-1a over UTF-16 code units in two 32-bit lanes with different primes. Not a security hash:
 * it only has to be stable across processes and versions and spread well over a few hundred keys.
 */

/** 16 lowercase hex digits for `text`; the same text always gives the same digits. */
export function shortHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ text.length;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x5bd1e995) >>> 0;
    b = (b ^ (b >>> 15)) >>> 0;
  }
  return `${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}
