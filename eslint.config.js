// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Layers that must stay pure: no network, no clock, no SDKs (shared/STYLE.md §2). */
const pureLayerRestrictions = {
  patterns: [
    {
      group: [
        'probot',
        '@octokit/*',
        '@anthropic-ai/*',
        '@actions/*',
        'nock',
        'node:fs',
        'node:fs/*',
        'node:child_process',
        'node:net',
        'node:http',
        'node:https',
      ],
      message: 'core/, condense/ and contracts/ are pure: do I/O through ports/ and adapters/.',
    },
    {
      group: ['**/adapters/**', '**/workflows/**', '**/handlers/**'],
      message: 'The dependency rule: core/ must not import outer layers.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'action/dist/**',
      'coverage/**',
      'test/fixtures/**',
      'bench/**/corpus/**',
      'bench/**/out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/core/**', 'src/condense/**', 'src/contracts/**', 'src/shared/**'],
    rules: { 'no-restricted-imports': ['error', pureLayerRestrictions] },
  },
  {
    files: ['src/workflows/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**', 'probot', '@octokit/*', '@anthropic-ai/*'],
              message: 'workflows/ use ports/, never adapters or SDKs.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['action/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // `regex`, not `group`: gitignore-style groups treat a leading `#` as a comment,
          // so '#src/core/*' would silently match nothing.
          patterns: [
            {
              regex: '^#src/(?!(contracts|condense|shared)/)',
              message: 'action/src may import only #src/contracts, #src/condense and #src/shared.',
            },
            {
              regex: '^(\\.\\./)+(src|test|scripts|bench)(/|$)',
              message:
                'action/src reaches the app through #src/contracts, #src/condense or #src/shared only.',
            },
            {
              regex: '^(probot|@octokit/|@anthropic-ai/)',
              message: 'The Action talks to GitHub with fetch and never loads the app’s SDKs.',
            },
          ],
        },
      ],
    },
  },
  {
    // CLIs, scripts and benchmarks talk to the terminal.
    files: ['src/cli.ts', 'src/cli/**', 'scripts/**', 'bench/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
