/**
 * Text ↔ compact base64 (raw DEFLATE), for hidden markers that must fit GitHub's 65,536-character
 * issue bodies (the migration ledger, src/core/markers/ledger.ts). Synchronous and deterministic
 * for a given zlib build; no I/O. Base64 never contains `--` or `>`, so the result can sit inside
 * an HTML comment as it is.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** `text` as UTF-8, deflated at the best compression, in base64. */
export function compressText(text: string): string {
  return deflateRawSync(Buffer.from(text, 'utf8'), { level: 9 }).toString('base64');
}

/**
 * The text `compressText` produced, or `undefined` when `base64` is not valid compressed data or
 * would inflate beyond `maxBytes` (a hostile body cannot make the app inflate a bomb).
 */
export function decompressText(base64: string, maxBytes: number): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return undefined;
  try {
    return inflateRawSync(Buffer.from(base64, 'base64'), { maxOutputLength: maxBytes }).toString('utf8');
  } catch {
    return undefined;
  }
}
