/**
 * JSON inside an HTML comment: `--` and `>` are written as `\u002d`/`\u003e`, which JSON.parse
 * reads back unchanged, so no string value can ever close the comment early.
 */
export function escapeJsonForComment(json: string): string {
  return json.replace(/-(?=-)/g, '\\u002d').replace(/>/g, '\\u003e');
}
