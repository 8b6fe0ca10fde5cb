import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  getPullRequestDiff,
  listRequestedReviewers,
} from '../../../src/adapters/github/pull-request-review.ts';
import { GitHostError } from '../../../src/shared/errors.ts';
import { buildTestOctokit } from '../../helpers/octokit.ts';

const API = 'https://api.github.com';
const ref = { owner: 'acme', repo: 'shop' };
const DIFF = 'diff --git a/x.js b/x.js\nindex 1..2 100644\n--- a/x.js\n+++ b/x.js\n@@ -1 +1 @@\n-a\n+b\n';

describe('adapters/github/pull-request-review', () => {
  it('reads the diff with the diff media type', async () => {
    nock(API)
      .get('/repos/acme/shop/pulls/7')
      .matchHeader('accept', 'application/vnd.github.diff')
      .reply(200, DIFF, { 'content-type': 'text/plain; charset=utf-8' });
    await expect(getPullRequestDiff(buildTestOctokit(), ref, 7)).resolves.toEqual({
      type: 'diff',
      text: DIFF,
      bytes: DIFF.length,
    });
  });

  it('turns GitHub’s "diff too large" (406) and an over-cap diff into too-large', async () => {
    nock(API)
      .get('/repos/acme/shop/pulls/7')
      .reply(406, { message: 'Sorry, the diff exceeded the maximum number of lines (20000)' });
    await expect(getPullRequestDiff(buildTestOctokit(), ref, 7)).resolves.toMatchObject({
      type: 'too-large',
      reason: expect.stringContaining('HTTP 406'),
    });
    nock(API).get('/repos/acme/shop/pulls/7').reply(200, DIFF, { 'content-type': 'text/plain' });
    await expect(getPullRequestDiff(buildTestOctokit(), ref, 7, { maxBytes: 10 })).resolves.toMatchObject({
      type: 'too-large',
      bytes: DIFF.length,
    });
  });

  it('maps other failures to GitHostError', async () => {
    nock(API).get('/repos/acme/shop/pulls/7').reply(404, { message: 'Not Found' });
    await expect(getPullRequestDiff(buildTestOctokit(), ref, 7)).rejects.toBeInstanceOf(GitHostError);
  });

  it('lists pending review requests as logins and team slugs', async () => {
    nock(API)
      .get('/repos/acme/shop/pulls/7/requested_reviewers')
      .reply(200, { users: [{ login: 'alice' }], teams: [{ slug: 'http', name: 'HTTP' }] });
    await expect(listRequestedReviewers(buildTestOctokit(), ref, 7)).resolves.toEqual({
      users: ['alice'],
      teams: ['http'],
    });
  });
});
