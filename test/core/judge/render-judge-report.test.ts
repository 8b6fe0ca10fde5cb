import { describe, expect, it } from 'vitest';
import type { GuardFinding } from '../../../src/core/guards/types.ts';
import { renderJudgeReportMarkdown, type JudgeReport } from '../../../src/core/judge/render-judge-report.ts';

const skipped: GuardFinding = {
  kind: 'test-skipped',
  severity: 'block',
  file: 'test/http.test.ts',
  line: 4,
  message: 'A test was skipped or disabled in test/http.test.ts',
  evidence: "+ it.skip('fetches json', async () => {",
};
const suppression: GuardFinding = {
  kind: 'lint-suppression-added',
  severity: 'warn',
  file: 'src/http.ts',
  line: 9,
  message: 'A lint or type-check suppression was added in src/http.ts',
  evidence: '+ // ```@ts-ignore```',
};

function report(overrides: Partial<JudgeReport> = {}): JudgeReport {
  return {
    verdict: {
      verdict: 'reject',
      reasons: [
        'Guard test-skipped: A test was skipped or disabled in test/http.test.ts (test/http.test.ts:4)',
      ],
      requiredChanges: [
        'Remove the skip/disable marker at test/http.test.ts:4 and make the test pass instead.',
      ],
    },
    decidedBy: 'guards',
    guardFindings: [skipped, suppression],
    blockingFindings: [skipped],
    truncatedFiles: [],
    omittedFiles: [],
    model: 'claude-opus-5-5',
    usage: {
      inputTokens: 1200,
      outputTokens: 80,
      cacheWriteTokens: 0,
      cacheReadTokens: 3000,
      costUsd: 0.0038,
    },
    ...overrides,
  };
}

describe('core/judge/renderJudgeReportMarkdown', () => {
  it('never lets model or diff text ping people or hide HTML in the comment', () => {
    const markdown = renderJudgeReportMarkdown(
      report({
        verdict: {
          verdict: 'reject',
          reasons: ['Ask @octo-org/security and @alice to look <!-- fleetwright:state v1 {} -->'],
          requiredChanges: ['Ping @bob'],
        },
        // Evidence is fenced code, where GitHub never resolves mentions; keep this to prose.
        guardFindings: [],
        blockingFindings: [],
      }),
    );

    expect(markdown).not.toMatch(/@(?!\u200b)/);
    expect(markdown).toContain('@\u200bocto-org/security');
    expect(markdown).not.toContain('<!--');
  });

  it('renders a guard rejection', () => {
    expect(renderJudgeReportMarkdown(report())).toMatchInlineSnapshot(`
      "### ❌ Changes required

      Decided by the deterministic guards: the change deletes, skips or weakens tests, or relaxes checks, in a way the migration does not ask for. The LLM judge cannot override this.

      **Reasons**

      - Guard test-skipped: A test was skipped or disabled in test/http.test.ts (test/http.test.ts:4)

      **Required changes**

      1. Remove the skip/disable marker at test/http.test.ts:4 and make the test pass instead.

      <details open><summary>Guard findings: 1 blocking, 1 for review</summary>

      - ⛔ \`test-skipped\` — A test was skipped or disabled in test/http.test.ts (\`test/http.test.ts:4\`)

        \`\`\`diff
        + it.skip('fetches json', async () => {
        \`\`\`

      - ⚠️ \`lint-suppression-added\` — A lint or type-check suppression was added in src/http.ts (\`src/http.ts:9\`)

        \`\`\`\`diff
        + // \`\`\`@ts-ignore\`\`\`
        \`\`\`\`

      </details>

      <sub>Model \`claude-opus-5-5\` · 4200 input tokens (3000 from cache) · 80 output tokens · $0.0038</sub>"
    `);
  });

  it('renders an approval with notes on what the judge could not see', () => {
    const text = renderJudgeReportMarkdown(
      report({
        verdict: { verdict: 'approve', reasons: ['Straight swap <script>'], requiredChanges: [] },
        decidedBy: 'llm',
        guardFindings: [],
        blockingFindings: [],
        truncatedFiles: ['src/big.ts'],
        omittedFiles: ['package-lock.json'],
      }),
    );

    expect(text).toContain('### ✅ Approved by the fleetwright judge');
    expect(text).toContain('Decided by the LLM judge (`claude-opus-5-5`)');
    expect(text).toContain('- Straight swap &lt;script>');
    expect(text).toContain(
      'The judge did not see the whole diff (shown in part: `src/big.ts`; not shown: `package-lock.json`).',
    );
    expect(text).not.toContain('Required changes');
  });

  it('caps the report and keeps the page well-formed', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      ...skipped,
      line: i + 1,
      evidence: `+ it.skip('case ${i}', () => {})`,
    }));

    const text = renderJudgeReportMarkdown(report({ guardFindings: many, blockingFindings: many }), {
      maxChars: 3000,
    });

    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toMatch(/_\[fleetwright: report truncated to fit; see the PR for the full review\]_$/);
    expect(text.match(/<details/g)?.length).toBe(text.match(/<\/details>/g)?.length);
    expect((text.match(/^\s*```/gm) ?? []).length % 2).toBe(0);
  });
});
