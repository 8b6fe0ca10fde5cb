import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVendorPath } from '../../src/condense/lang-support.ts';

/** The definition the one-regex version replaced, kept as the reference. */
function isVendorPathReference(path: string): boolean {
  return (
    [
      '/site-packages/',
      '/dist-packages/',
      '\\site-packages\\',
      '/node_modules/',
      '/pkg/mod/',
      '/.cargo/registry/',
      '/.cargo/git/',
      '/rustc/',
      '/.rustup/',
      '/vendor/',
      '/gems/',
      '/usr/lib/',
      '/usr/local/lib/',
      '/usr/share/',
      '/hostedtoolcache/',
      '/.pyenv/',
    ].some((part) => path.includes(part)) || path.startsWith('<')
  );
}

describe('condense/lang-support isVendorPath', () => {
  it('tells dependency and toolchain paths from the repository’s', () => {
    expect(isVendorPath('/home/runner/.local/lib/python3.12/site-packages/requests/api.py')).toBe(true);
    expect(isVendorPath('C:\\Python312\\Lib\\site-packages\\x.py')).toBe(true);
    expect(isVendorPath('/root/go/pkg/mod/github.com/x/y@v1.2.3/z.go')).toBe(true);
    expect(isVendorPath('/rustc/abc123/library/core/src/panicking.rs')).toBe(true);
    expect(isVendorPath('<frozen importlib._bootstrap>')).toBe(true);
    expect(isVendorPath('src/vendored/a.ts')).toBe(false);
    expect(isVendorPath('app/models/gem.rb')).toBe(false);
    expect(isVendorPath('tests/test_site_packages.py')).toBe(false);
  });

  it('agrees with the reference on any path made of path-like pieces', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '/',
        '\\',
        '.',
        '<',
        'site-packages',
        'dist-packages',
        'node_modules',
        'pkg',
        'mod',
        '.cargo',
        'registry',
        'git',
        'rustc',
        '.rustup',
        'vendor',
        'gems',
        'usr',
        'lib',
        'local',
        'share',
        'hostedtoolcache',
        '.pyenv',
      ),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const path = pieces.join('');
        expect(isVendorPath(path), path).toBe(isVendorPathReference(path));
      }),
      { numRuns: 5000 },
    );
  });
});
