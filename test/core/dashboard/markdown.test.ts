import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  defuseComments,
  escapeHtmlAndMentions,
  escapeText,
  formatCount,
  formatUsd,
  inlineCode,
} from '../../../src/core/dashboard/markdown.ts';
import { shortHash } from '../../../src/core/dashboard/short-hash.ts';

const show = (text: string) => text.replaceAll('\u200b', '<ZWSP>');

describe('core/dashboard/markdown', () => {
  it.each<[string, { max?: number; inTable?: boolean }, string]>([
    ['plain', {}, '`plain`'],
    ['has `tick` inside', {}, '``has `tick` inside``'],
    ['ends with `tick`', {}, '`` ends with `tick` ``'],
    ['`starts', {}, '`` `starts ``'],
    ['a ``` b', {}, '````a ``` b````'],
    ['multi\nline\ttext', {}, '`multi line text`'],
    ['a | b', { inTable: true }, '`a \\| b`'],
    ['abcdefghij', { max: 5 }, '`abcd…`'],
    ['', {}, '` `'],
    ['<!-- x -->', {}, '`<!<ZWSP>-- x -<ZWSP>->`'],
  ])('inlineCode(%j, %o) = %s', (text, options, expected) => {
    expect(show(inlineCode(text, options))).toBe(expected);
  });

  it('codeBlock uses a fence longer than any run of backticks inside and caps lines', () => {
    const block = codeBlock('\n\nfirst\n````\nlast line is long\n\n', { maxLines: 2, maxLineLength: 6 });

    expect(block).toBe('`````text\nfirst\n````\n… 1 more lines\n`````');
  });

  it.each([
    ['<!-- fleetwright:state v1 {} -->', '<!<ZWSP>-- fleetwright:state v1 {} -<ZWSP>->'],
    ['a-->b', 'a-<ZWSP>->b'],
    ['no comment', 'no comment'],
  ])('defuseComments(%j)', (text, expected) => {
    expect(show(defuseComments(text))).toBe(expected);
  });

  it('escapeText neutralises Markdown, HTML and mentions', () => {
    expect(show(escapeText('*hi* @team <b>|</b> [x](y) `c`'))).toBe(
      '\\*hi\\* @<ZWSP>team \\<b\\>\\|\\</b\\> \\[x\\](y) \\`c\\`',
    );
  });

  it('escapeHtmlAndMentions keeps Markdown but not HTML or pings', () => {
    expect(show(escapeHtmlAndMentions('Use `fetch` & <b>@octocat</b>'))).toBe(
      'Use `fetch` &amp; &lt;b>@<ZWSP>octocat&lt;/b>',
    );
  });

  it.each<[number, string]>([
    [0, '$0.00'],
    [0.004, '$0.004'],
    [1.234, '$1.23'],
    [1234.5, '$1234.50'],
  ])('formatUsd(%d) = %s', (amount, expected) => {
    expect(formatUsd(amount)).toBe(expected);
  });

  it.each<[number, string]>([
    [999, '999'],
    [12_345, '12.3k'],
    [2_500_000, '2.5M'],
  ])('formatCount(%d) = %s', (count, expected) => {
    expect(formatCount(count)).toBe(expected);
  });

  it('shortHash is stable, 16 hex digits, and spreads similar inputs', () => {
    const hashes = new Set(
      Array.from({ length: 2000 }, (_, index) => shortHash(`ci-failure\nsig ${index}`).slice(0, 6)),
    );

    expect(shortHash('abc')).toBe(shortHash('abc'));
    expect(shortHash('abc')).toMatch(/^[0-9a-f]{16}$/);
    expect(shortHash('abc')).not.toBe(shortHash('abd'));
    expect(hashes.size).toBeGreaterThan(1990);
  });
});
