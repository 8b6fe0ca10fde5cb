import { describe, expect, it } from 'vitest';
import { findPromptPermissions } from '../../../src/core/guards/find-prompt-permissions.ts';

describe('core/guards/findPromptPermissions', () => {
  it.each([
    { prompt: 'Migrate from moment to date-fns.', deleteTests: false, skipTests: false },
    { prompt: 'Do not delete or skip tests.', deleteTests: false, skipTests: false },
    { prompt: "Don't remove any tests; never skip a test either.", deleteTests: false, skipTests: false },
    { prompt: 'Make sure no tests are removed.', deleteTests: false, skipTests: false },
    { prompt: 'Update the tests to use the new client.', deleteTests: false, skipTests: false },
    { prompt: 'Remove the legacy v1 client and delete its tests.', deleteTests: true, skipTests: false },
    {
      prompt: 'Remove all usages of `sinon` from tests and use vi.fn instead.',
      deleteTests: false,
      skipTests: false,
    },
    {
      prompt: 'Skip network calls in the unit tests by mocking fetch.',
      deleteTests: false,
      skipTests: false,
    },
    { prompt: 'Drop the deprecated option from the test fixtures.', deleteTests: false, skipTests: false },
    {
      prompt: 'Delete any test that only exercises the removed v1 API.',
      deleteTests: true,
      skipTests: false,
    },
    { prompt: 'The test files under test/legacy/ should be removed.', deleteTests: true, skipTests: false },
    { prompt: 'Skip the flaky network tests in CI.', deleteTests: false, skipTests: true },
    {
      prompt: 'Mark the integration tests as skipped until the sandbox is back.',
      deleteTests: false,
      skipTests: true,
    },
    { prompt: 'Disable the e2e test suite; it needs a browser.', deleteTests: false, skipTests: true },
    {
      prompt: 'Remove the deprecated flag.\nKeep every test, but skip the tests of the removed flag.',
      deleteTests: false,
      skipTests: true,
    },
    {
      prompt: 'Remove the deprecated `--legacy` flag from the CLI parser and from the documentation pages.',
      deleteTests: false,
      skipTests: false,
    },
  ])('"$prompt" → delete $deleteTests, skip $skipTests', ({ prompt, deleteTests, skipTests }) => {
    expect(findPromptPermissions(prompt)).toEqual({ deleteTests, skipTests });
  });
});
