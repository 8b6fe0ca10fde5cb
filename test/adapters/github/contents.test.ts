import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { OctokitGitHost } from '../../../src/adapters/github/octokit-git-host.ts';
import { GitHostError } from '../../../src/shared/errors.ts';
import { buildTestOctokit } from '../../helpers/octokit.ts';

const API = 'https://api.github.com';
const REPO = '/repos/acme/config';
const ref = { owner: 'acme', repo: 'config' };
const host = () => new OctokitGitHost(buildTestOctokit(), undefined);
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

describe('adapters/github/contents', () => {
  it('reads a text file at a commit', async () => {
    nock(API)
      .get(`${REPO}/contents/migrations%2Fa.yml`)
      .query({ ref: 'abc' })
      .reply(200, {
        type: 'file',
        path: 'migrations/a.yml',
        sha: 's1',
        encoding: 'base64',
        content: `${b64('id: ä\n').slice(0, 4)}\n${b64('id: ä\n').slice(4)}`,
      });

    await expect(host().findFile(ref, 'migrations/a.yml', 'abc')).resolves.toEqual({
      path: 'migrations/a.yml',
      text: 'id: ä\n',
      sha: 's1',
    });
  });

  it('falls back to the blob API for files over 1 MB', async () => {
    nock(API)
      .get(`${REPO}/contents/big.md`)
      .reply(200, { type: 'file', path: 'big.md', sha: 's2', encoding: 'none', content: '' });
    nock(API)
      .get(`${REPO}/git/blobs/s2`)
      .reply(200, { sha: 's2', encoding: 'base64', content: b64('large text') });

    await expect(host().findFile(ref, 'big.md')).resolves.toEqual({
      path: 'big.md',
      text: 'large text',
      sha: 's2',
    });
  });

  it.each([
    ['missing', 404, { message: 'Not Found' }],
    ['a directory', 200, [{ type: 'file', name: 'x', path: 'd/x' }]],
    [
      'binary',
      200,
      {
        type: 'file',
        path: 'logo.png',
        sha: 's',
        encoding: 'base64',
        content: b64(Buffer.from([0x89, 0x50, 0x00, 0x01])),
      },
    ],
    [
      'invalid UTF-8',
      200,
      {
        type: 'file',
        path: 'x',
        sha: 's',
        encoding: 'base64',
        content: b64(Buffer.from([0xff, 0xfe, 0x41])),
      },
    ],
  ])('returns undefined for a file that is %s', async (_name, status, body) => {
    nock(API).get(`${REPO}/contents/x`).reply(status, body);

    await expect(host().findFile(ref, 'x')).resolves.toBeUndefined();
  });

  it('wraps other failures in GitHostError with the status', async () => {
    nock(API).get(`${REPO}/contents/x`).reply(502, { message: 'Bad Gateway' });

    const error = await host()
      .findFile(ref, 'x')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHostError);
    expect(error).toMatchObject({
      status: 502,
      message: expect.stringContaining('reading acme/config:x failed (HTTP 502)'),
    });
  });

  it('lists a directory with sizes, and a missing directory as empty', async () => {
    nock(API)
      .get(`${REPO}/contents/migrations`)
      .query({ ref: 'abc' })
      .reply(200, [
        { type: 'file', name: 'a.yml', path: 'migrations/a.yml', size: 120 },
        { type: 'dir', name: 'old', path: 'migrations/old', size: 0 },
      ]);
    nock(API).get(`${REPO}/contents/nope`).reply(404, { message: 'Not Found' });

    await expect(host().listDirectory(ref, 'migrations', 'abc')).resolves.toEqual([
      { type: 'file', name: 'a.yml', path: 'migrations/a.yml', size: 120 },
      { type: 'dir', name: 'old', path: 'migrations/old', size: 0 },
    ]);
    await expect(host().listDirectory(ref, 'nope')).resolves.toEqual([]);
  });

  it('lists changed files with renames', async () => {
    nock(API)
      .get(`${REPO}/compare/b1...h1`)
      .reply(200, {
        files: [
          { filename: 'migrations/a.yml', status: 'modified' },
          { filename: 'migrations/b.yml', status: 'renamed', previous_filename: 'migrations/old-b.yml' },
        ],
      });

    await expect(host().listChangedFiles(ref, 'b1', 'h1')).resolves.toEqual([
      { path: 'migrations/a.yml', status: 'modified' },
      { path: 'migrations/b.yml', status: 'renamed', previousPath: 'migrations/old-b.yml' },
    ]);
  });
});
