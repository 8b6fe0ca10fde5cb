import { describe, expect, it } from 'vitest';
import { ccCondenserFactory } from '../../src/condense/cc.ts';
import { brief, condenseLines, condenseLog } from '../helpers/condense-lines.ts';

const cc = ccCondenserFactory;

describe('condense/cc on real gcc 12, GNU make and CMake 3.25 output (recorded by scripts/record-lang-fixtures.sh)', () => {
  it('reports gcc errors with their notes, drops warnings, and does not report make as a cause', () => {
    const output = condenseLog(cc, 'c/compile-error.log');

    expect(output.detected).toBe(true);
    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'cc',
        file: 'main.c',
        line: 10,
        column: 21,
        message: '‘struct point’ has no member named ‘z’',
      },
      {
        kind: 'compile-error',
        tool: 'cc',
        file: 'main.c',
        line: 11,
        column: 12,
        message: '‘missing_value’ undeclared (first use in this function)',
      },
    ]);
    expect(output.findings[1]?.excerpt).toBe(
      'note: each undeclared identifier is reported only once for each function it appears in',
    );
  });

  it('reports an undefined reference from the linker, not collect2 or make', () => {
    const output = condenseLog(cc, 'c/link-error.log');

    expect(output.findings.map(brief)).toEqual([
      { kind: 'build-error', tool: 'ld', file: 'main.c', message: "undefined reference to `compute_total'" },
    ]);
  });

  it('reports a missing CMake package with its name and version', () => {
    const output = condenseLog(cc, 'cmake/missing-package.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'dependency-error',
        tool: 'cmake',
        file: 'CMakeLists.txt',
        line: 4,
        code: 'find_package',
        message: 'could not find package "FooBarLib" (requested version 2.1)',
        packages: ['FooBarLib@2.1'],
      },
    ]);
  });

  it('reports the compiler error of a CMake-generated build, not the gmake chain', () => {
    const output = condenseLog(cc, 'cmake/compile-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'cc',
        file: '/home/runner/work/demo/demo/src/main.c',
        line: 5,
        column: 20,
        message: '‘nme’ undeclared (first use in this function); did you mean ‘name’?',
      },
    ]);
  });

  it('reports nothing for a passing build', () => {
    expect(condenseLog(cc, 'c/passing.log').findings).toEqual([]);
  });
});

describe('condense/cc sample lines', () => {
  it.each([
    [
      'clang with a -Werror flag',
      "src/util.c:7:9: error: unused variable 'tmp' [-Werror,-Wunused-variable]",
      {
        kind: 'compile-error',
        tool: 'cc',
        file: 'src/util.c',
        line: 7,
        column: 9,
        code: '-Werror,-Wunused-variable',
        message: "unused variable 'tmp'",
      },
    ],
    [
      'a missing header',
      'src/net.c:2:10: fatal error: openssl/ssl.h: No such file or directory',
      {
        kind: 'dependency-error',
        tool: 'cc',
        file: 'src/net.c',
        line: 2,
        column: 10,
        message: 'openssl/ssl.h: No such file or directory',
        packages: ['openssl/ssl.h'],
      },
    ],
    [
      'MSVC',
      "D:\\a\\app\\app\\src\\main.cpp(14,5): error C2065: 'count': undeclared identifier",
      {
        kind: 'compile-error',
        tool: 'msvc',
        file: 'D:\\a\\app\\app\\src\\main.cpp',
        line: 14,
        column: 5,
        code: 'C2065',
        message: "'count': undeclared identifier",
      },
    ],
    [
      'a linker error with debug info',
      "/usr/bin/ld: /home/runner/work/x/x/src/app.c:31:(.text+0x1a): undefined reference to `parse_config'",
      {
        kind: 'build-error',
        tool: 'ld',
        file: '/home/runner/work/x/x/src/app.c',
        line: 31,
        message: "undefined reference to `parse_config'",
      },
    ],
    [
      'a missing library',
      '/usr/bin/ld: cannot find -lssl: No such file or directory',
      {
        kind: 'dependency-error',
        tool: 'ld',
        message: 'cannot find -lssl: No such file or directory',
        packages: ['ssl'],
      },
    ],
    [
      'a make syntax error',
      'Makefile:5: *** missing separator.  Stop.',
      { kind: 'build-error', tool: 'make', file: 'Makefile', line: 5, message: 'missing separator' },
    ],
    [
      'a missing make target',
      "make: *** No rule to make target 'install-deps', needed by 'all'.  Stop.",
      {
        kind: 'build-error',
        tool: 'make',
        message: "No rule to make target 'install-deps', needed by 'all'",
      },
    ],
  ])('reads %s', (_name, line, expected) => {
    expect(condenseLines(cc, `${line}\n`).findings.map(brief)).toEqual([expected]);
  });

  it('reports a make failure as the cause only when nothing explains it', () => {
    const alone = condenseLines(
      cc,
      'make[2]: *** [CMakeFiles/app.dir/build.make:76: app] Error 1\nmake: *** [Makefile:91: all] Error 2\n',
    );

    expect(alone.findings.map(brief)).toEqual([
      {
        kind: 'build-error',
        tool: 'make',
        file: 'CMakeFiles/app.dir/build.make',
        line: 76,
        message: 'make: target app failed (Error 1)',
      },
    ]);
  });

  it('reads Apple ld undefined symbols', () => {
    const output = condenseLines(
      cc,
      [
        'Undefined symbols for architecture arm64:',
        '  "_compute_total", referenced from:',
        '      _main in main.o',
        'ld: symbol(s) not found for architecture arm64',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      { kind: 'build-error', tool: 'ld', message: 'undefined symbol _compute_total' },
    ]);
  });

  it('points a CMake error raised in a system module at the project caller', () => {
    const output = condenseLines(
      cc,
      [
        'CMake Error at /usr/share/cmake-3.25/Modules/FindPackageHandleStandardArgs.cmake:230 (message):',
        '  Could NOT find OpenSSL, try to set the path to OpenSSL root folder in the',
        '  system variable OPENSSL_ROOT_DIR (missing: OPENSSL_CRYPTO_LIBRARY',
        '  OPENSSL_INCLUDE_DIR)',
        'Call Stack (most recent call first):',
        '  /usr/share/cmake-3.25/Modules/FindOpenSSL.cmake:670 (find_package_handle_standard_args)',
        '  CMakeLists.txt:7 (find_package)',
        '',
        '',
        '-- Configuring incomplete, errors occurred!',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'dependency-error',
        tool: 'cmake',
        file: 'CMakeLists.txt',
        line: 7,
        code: 'message',
        message:
          'Could NOT find OpenSSL, try to set the path to OpenSSL root folder in the system variable OPENSSL_ROOT_DIR (missing: OPENSSL_CRYPTO_LIBRARY OPENSSL_INCLUDE_DIR)',
        packages: ['OpenSSL'],
      },
    ]);
  });

  it('ignores Swift and unrelated colon lines', () => {
    const output = condenseLines(
      cc,
      [
        "Sources/App/main.swift:3:5: error: cannot find 'x' in scope",
        'Note: see docs at http://example.com:8080/a: b',
        'time: 12:30:01: error: nope',
      ].join('\n'),
    );

    expect(output.findings).toEqual([]);
  });
});
