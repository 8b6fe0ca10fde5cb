import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseStateMarker,
  renderStateMarker,
  replaceStateMarker,
} from '../../../src/core/markers/state-marker.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';

const T0 = new Date('2026-11-21T12:00:00.000Z');
const sample: Target = {
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'abc123', repo: 'acme/api', now: T0 }),
  state: 'awaiting-ci',
  iteration: 2,
  baseSha: 'a'.repeat(40),
  lastPushedSha: 'b'.repeat(40),
  prOpenedAt: T0.toISOString(),
  detail: 'tricky --> text <!-- with --- comment >> syntax',
  history: [
    {
      iteration: 1,
      mode: 'initial',
      outcome: 'changed',
      summary: 'Replaced `request` --> fetch',
      files: ['src/a.ts'],
      costUsd: 0.42,
      at: T0.toISOString(),
      result: 'CI red: TS2345',
    },
  ],
  failure: { class: 'ci-failure', signature: "TS2345: Argument of type '<id>'", example: 'x -- y' },
};

describe('core/markers/state-marker', () => {
  it('round-trips a target, even with comment-breaking text inside', () => {
    const marker = renderStateMarker(sample);

    expect(marker.startsWith('<!-- fleetwright:state v1 {')).toBe(true);
    expect(marker.slice(4, -4)).not.toContain('--');
    expect(marker.slice(0, -3)).not.toContain('>');
    expect(parseStateMarker(`Intro text\n\n${marker}\n`)).toEqual({ status: 'ok', target: sample });
  });

  it('round-trips arbitrary free text in every string field', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 300 }), (detail, summary) => {
        const target: Target = {
          ...sample,
          detail: detail.slice(0, 500),
          history: [{ ...sample.history[0]!, summary }],
        };
        const parsed = parseStateMarker(`before\n${renderStateMarker(target)}\nafter`);
        expect(parsed).toEqual({ status: 'ok', target });
      }),
    );
  });

  it.each([
    ['no marker', 'Just a PR body', 'missing'],
    ['empty body', '', 'missing'],
    ['another version', '<!-- fleetwright:state v9 {"x":1} -->', 'foreign'],
    ['bad JSON', '<!-- fleetwright:state v1 {"state": -->', 'damaged'],
    ['invalid state', '<!-- fleetwright:state v1 {"state":"flying"} -->', 'damaged'],
    ['unterminated', '<!-- fleetwright:state v1 {"a":1}', 'damaged'],
  ])('%s → %s', (_name, body, status) => {
    expect(parseStateMarker(body).status).toBe(status);
  });

  it('treats two markers as damaged (ambiguous) rather than picking one', () => {
    const marker = renderStateMarker(sample);

    expect(parseStateMarker(`${marker}\n${marker}`).status).toBe('damaged');
  });

  it('never parses a damaged marker as ok (fuzzed truncation and corruption)', () => {
    const marker = renderStateMarker(sample);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: marker.length - 1 }),
        fc.integer({ min: 1, max: 20 }),
        fc.string({ maxLength: 5 }),
        (at, length, junk) => {
          const damaged = marker.slice(0, at) + junk + marker.slice(at + length);
          const parsed = parseStateMarker(damaged);
          if (parsed.status === 'ok') {
            // The only way to stay ok is a corruption that still yields a valid target.
            expect(() => renderStateMarker(parsed.target)).not.toThrow();
          } else {
            expect(['missing', 'damaged', 'foreign']).toContain(parsed.status);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('replaces only a readable marker and refuses to overwrite a damaged one', () => {
    const body = `Intro\n\n${renderStateMarker(sample)}\n\nFooter`;
    const updated = replaceStateMarker(body, { ...sample, state: 'judging' });

    expect(updated).toMatch(/^Intro\n\n<!-- fleetwright:state v1 /);
    expect(updated).toMatch(/\n\nFooter$/);
    expect(parseStateMarker(updated)).toMatchObject({ status: 'ok', target: { state: 'judging' } });
    expect(replaceStateMarker('<!-- fleetwright:state v1 {broken -->', sample)).toBeUndefined();
    expect(replaceStateMarker('<!-- fleetwright:state v2 {} -->', sample)).toBeUndefined();
    expect(replaceStateMarker('no marker', sample)).toBeUndefined();
  });

  it('refuses to render an invalid target', () => {
    expect(() => renderStateMarker({ ...sample, state: 'nope' as Target['state'] })).toThrow();
  });
});
