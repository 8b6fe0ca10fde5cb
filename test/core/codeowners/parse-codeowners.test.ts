import { describe, expect, it } from 'vitest';
import {
  collectCodeowners,
  findCodeownersRule,
  parseCodeowners,
} from '../../../src/core/codeowners/parse-codeowners.ts';

/** The example file of GitHub's "About code owners" page. */
const GITHUB_EXAMPLE = `# This is a comment.
# Each line is a file pattern followed by one or more owners.

# These owners will be the default owners for everything in
# the repo. Unless a later match takes precedence,
# @global-owner1 and @global-owner2 will be requested for
# review when someone opens a pull request.
*       @global-owner1 @global-owner2

# Order is important; the last matching pattern takes the most
# precedence. When someone opens a pull request that only
# modifies JS files, only @js-owner and not the global
# owner(s) will be requested for a review.
*.js    @js-owner #This is an inline comment.

# You can also use email addresses if you prefer. They'll be
# used to look up users just like we do for commit author
# emails.
*.go docs@example.com

# Teams can be specified as code owners as well. Teams should
# be identified in the format @org/team-name.
*.txt @octo-org/octocats

# In this example, @doctocat owns any files in the build/logs
# directory at the root of the repository and any of its
# subdirectories.
/build/logs/ @doctocat

# The \`docs/*\` pattern will match files like
# \`docs/getting-started.md\` but not further nested files like
# \`docs/build-app/troubleshooting.md\`.
docs/* docs@example.com

# In this example, @octocat owns any file in an apps directory
# anywhere in your repository.
apps/ @octocat

# In this example, @doctocat owns any file in the \`/docs\`
# directory in the root of your repository and any of its
# subdirectories.
/docs/ @doctocat

# In this example, any change inside the \`/scripts\` directory
# will require approval from @doctocat or @octocat.
/scripts/ @doctocat @octocat

# In this example, @octocat owns any file in a \`/logs\` directory such as
# \`/build/logs\`, \`/scripts/logs\`, and \`/deeply/nested/logs\`. Any changes
# in a \`/logs\` directory will require approval from @octocat.
**/logs @octocat

# In this example, @octocat owns any file in the \`/apps\`
# directory in the root of your repository except for the \`/apps/github\`
# subdirectory, as its owners are left empty. Without an owner, changes
# to \`apps/github\` can be made with the approval of any user who has
# write access to the repository.
/apps/ @octocat
/apps/github
`;

describe('core/codeowners/parseCodeowners', () => {
  const codeowners = parseCodeowners(GITHUB_EXAMPLE, '.github/CODEOWNERS@main');

  it('parses every rule of GitHub’s example without problems', () => {
    expect(codeowners.problems).toEqual([]);
    expect(codeowners.rules.map((r) => [r.line, r.pattern, r.owners])).toEqual([
      [8, '*', ['@global-owner1', '@global-owner2']],
      [14, '*.js', ['@js-owner']],
      [19, '*.go', ['docs@example.com']],
      [23, '*.txt', ['@octo-org/octocats']],
      [28, '/build/logs/', ['@doctocat']],
      [33, 'docs/*', ['docs@example.com']],
      [37, 'apps/', ['@octocat']],
      [42, '/docs/', ['@doctocat']],
      [46, '/scripts/', ['@doctocat', '@octocat']],
      [51, '**/logs', ['@octocat']],
      [58, '/apps/', ['@octocat']],
      [59, '/apps/github', []],
    ]);
  });

  it.each([
    ['README.md', ['@global-owner1', '@global-owner2']],
    ['some/deeply/nested/file.rb', ['@global-owner1', '@global-owner2']],
    ['src/index.js', ['@js-owner']],
    ['cmd/main.go', ['docs@example.com']],
    ['notes/todo.txt', ['@octo-org/octocats']],
    ['build/logs/today.log', ['@octocat']], // **/logs (line 51) comes after /build/logs/
    ['build/output.bin', ['@global-owner1', '@global-owner2']],
    ['docs/getting-started.md', ['@doctocat']], // /docs/ (line 42) comes after docs/*
    ['docs/build-app/troubleshooting.md', ['@doctocat']],
    ['web/apps/main.ts', ['@octocat']], // apps/ matches at any depth; *.js does not match .ts
    ['scripts/deploy.sh', ['@doctocat', '@octocat']],
    ['deeply/nested/logs/x.txt', ['@octocat']],
    ['apps/web/index.html', ['@octocat']],
    ['apps/github/index.html', []],
  ])('owners of %s', (path, owners) => {
    const rule = findCodeownersRule(codeowners, path);

    expect(rule?.owners).toEqual(owners);
  });

  it.each([
    ['docs/* matches direct children only', 'docs/*', 'docs/a.md', true],
    ['docs/* does not match nested files', 'docs/*', 'docs/a/b.md', false],
    ['docs/* is anchored at the root', 'docs/*', 'src/docs/a.md', false],
    ['a bare name matches at any depth', 'Makefile', 'tools/Makefile', true],
    ['a bare name matches a directory and its contents', 'vendor', 'lib/vendor/x/y.go', true],
    ['a trailing slash matches directories only', 'build/', 'build', false],
    ['a leading slash anchors', '/Makefile', 'tools/Makefile', false],
    ['a middle slash anchors', 'src/lib', 'app/src/lib/x.ts', false],
    ['** in the middle spans directories', 'src/**/test', 'src/a/b/test/x.ts', true],
    ['** in the middle matches zero directories', 'src/**/test', 'src/test/x.ts', true],
    ['/** at the end matches everything below', 'src/**', 'src/a/b.ts', true],
    ['? matches one character', 'v?.md', 'v1.md', true],
    ['? does not match a slash', 'a?b', 'a/b', false],
    ['* does not cross directories in an anchored pattern', '/src/*.ts', 'src/a/b.ts', false],
    ['dots are literal', '*.md', 'READMEmd', false],
    ['an escaped leading hash is a pattern', '\\#notes', '#notes', true],
    ['paths may start with ./ or /', '/src/', './src/a.ts', true],
  ])('%s', (_name, pattern, path, matches) => {
    const parsed = parseCodeowners(`${pattern} @owner`);

    expect(parsed.problems).toEqual([]);
    expect(findCodeownersRule(parsed, path) !== undefined).toBe(matches);
  });

  it('skips and reports lines GitHub rejects, keeping the rest', () => {
    const parsed = parseCodeowners(
      [
        '* @everyone',
        '!vendor/ @nobody',
        'src/[ab].ts @x',
        'lib/ owner-without-at',
        'docs/ @org/docs-team',
        '',
      ].join('\n'),
    );

    expect(parsed.rules.map((r) => r.pattern)).toEqual(['*', 'docs/']);
    expect(parsed.problems).toEqual([
      {
        line: 2,
        message: 'Negated patterns ("!") are not supported in CODEOWNERS',
        text: '!vendor/ @nobody',
      },
      {
        line: 3,
        message: 'Character ranges ("[ ]") are not supported in CODEOWNERS',
        text: 'src/[ab].ts @x',
      },
      {
        line: 4,
        message: 'Invalid owner "owner-without-at": use @user, @org/team or an e-mail address',
        text: 'lib/ owner-without-at',
      },
    ]);
  });

  it('accepts CRLF files and tabs between columns', () => {
    const parsed = parseCodeowners('*.ts\t@ts-team\r\n/docs/\t\t@docs\r\n');

    expect(parsed.rules.map((r) => [r.pattern, r.owners])).toEqual([
      ['*.ts', ['@ts-team']],
      ['/docs/', ['@docs']],
    ]);
  });

  it('ignores a file larger than 3 MB, as GitHub does', () => {
    const parsed = parseCodeowners(`* @a\n${'#'.repeat(3 * 1024 * 1024)}`);

    expect(parsed.rules).toEqual([]);
    expect(parsed.problems[0]?.message).toBe('The file is larger than 3 MB; GitHub ignores it');
  });
});

describe('core/codeowners/collectCodeowners', () => {
  it('collects unique owners in first-seen order and lists unowned paths', () => {
    const parsed = parseCodeowners(
      ['*.ts @Alice @acme/web', 'src/api/ @alice @bob', '/generated/'].join('\n'),
    );

    const result = collectCodeowners(parsed, [
      'src/ui/app.ts',
      'src/api/routes.ts',
      'generated/client.ts',
      'README.md',
    ]);

    expect(result).toEqual({
      owners: ['@Alice', '@acme/web', '@bob'],
      unowned: ['generated/client.ts', 'README.md'],
    });
  });
});
