import { describe, expect, it } from 'vitest';
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import {
  buildDiffStat,
  renderDiffStat,
  renderPrBody,
  renderPrTemplate,
  updatePrBody,
} from '../../src/core/pr-body.ts';
import { buildTarget } from '../../src/core/target/target.ts';

const T0 = new Date('2026-11-21T12:00:00.000Z');
const target = {
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'r1', repo: 'acme/api', now: T0 }),
  state: 'awaiting-ci' as const,
  iteration: 1,
};
const values = {
  migration: {
    id: 'use-fetch',
    title: 'Replace request with fetch',
    description: 'The `request` package is deprecated.',
  },
  repo: { owner: 'acme', name: 'api', defaultBranch: 'main' },
};
const diff = [
  'diff --git a/src/http.ts b/src/http.ts',
  '--- a/src/http.ts',
  '+++ b/src/http.ts',
  '@@ -1,3 +1,3 @@',
  "-import request from 'request';",
  "+import { fetch } from 'undici';",
  ' export {}',
  'diff --git a/old.js b/old.js',
  '--- a/old.js',
  '+++ /dev/null',
  '@@ -1,2 +0,0 @@',
  '-a',
  '-b',
  '',
].join('\n');

describe('core/pr-body', () => {
  it('expands known placeholders and leaves unknown ones visible', () => {
    expect(
      renderPrTemplate(
        '{{migration.title}} in {{ repo.fullName }} ({{repo.defaultBranch}}) {{nope}}',
        values,
      ),
    ).toBe('Replace request with fetch in acme/api (main) {{nope}}');
  });

  it('computes a diff stat', () => {
    expect(buildDiffStat(diff)).toEqual([
      { path: 'src/http.ts', added: 1, removed: 1 },
      { path: 'old.js', added: 0, removed: 2 },
    ]);
    expect(renderDiffStat(buildDiffStat(diff))).toContain('2 files changed, 1 insertions(+), 3 deletions(-)');
  });

  it('renders the body: template, what changed, how to steer, and the marker', () => {
    const body = renderPrBody({
      template: '{{migration.description}}',
      values,
      target,
      stat: renderDiffStat(buildDiffStat(diff)),
    });

    expect(body).toMatch(/^The `request` package is deprecated\./);
    expect(body).toContain('src/http.ts');
    expect(body).toContain('/migrate stop');
    expect(body).toContain('**State:** `awaiting-ci`');
    expect(parseStateMarker(body)).toEqual({ status: 'ok', target });
  });

  it('updates status and marker in place, keeping human edits and the diff stat', () => {
    const body = renderPrBody({
      template: 'Intro',
      values,
      target,
      stat: renderDiffStat(buildDiffStat(diff)),
    });
    const edited = body.replace('Intro', 'Intro, edited by a human');

    const updated = updatePrBody(edited, { ...target, state: 'judging' }, values);

    expect(updated).toContain('Intro, edited by a human');
    expect(updated).toContain('**State:** `judging`');
    expect(updated).toContain('src/http.ts');
    expect(parseStateMarker(updated)).toMatchObject({ status: 'ok', target: { state: 'judging' } });
    expect(updatePrBody('a body with <!-- fleetwright:state v1 {oops -->', target, values)).toBeUndefined();
  });

  it("stays under GitHub's body limit with a huge template and stat", () => {
    const stat = renderDiffStat(
      Array.from({ length: 5000 }, (_, index) => ({
        path: `src/${'x'.repeat(200)}${index}.ts`,
        added: 1,
        removed: 1,
      })),
    );
    const body = renderPrBody({ template: 'y'.repeat(100_000), values, target, stat });

    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(parseStateMarker(body).status).toBe('ok');
  });
});
