/**
 * Global test setup: no real network, and every nock interceptor must be used.
 * Unmocked requests and unused mocks both fail the test (shared/STYLE.md §10).
 */
import nock from 'nock';
import { afterEach, beforeAll, expect } from 'vitest';

beforeAll(() => {
  nock.disableNetConnect();
  // Local fake servers (the GitHub simulator, the fake Messages API) listen on loopback.
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'unused nock interceptors').toEqual([]);
});
