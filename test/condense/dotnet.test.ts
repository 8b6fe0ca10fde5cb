import { describe, expect, it } from 'vitest';
import { dotnetCondenserFactory } from '../../src/condense/dotnet.ts';
import { brief, condenseLines, condenseLog } from '../helpers/condense-lines.ts';

const dotnet = dotnetCondenserFactory;

// dotnet is not installed here: these logs are hand-written in the formats of .NET 8 MSBuild,
// NuGet restore and the vstest console logger (xUnit and NUnit messages).
describe('condense/dotnet on hand-written .NET 8 logs', () => {
  it('reports CS errors once although MSBuild repeats them after "Build FAILED.", and drops warnings', () => {
    const output = condenseLog(dotnet, 'dotnet/build-error.log');

    expect(output.detected).toBe(true);
    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'dotnet',
        file: '/home/runner/work/demo/demo/src/Demo/Program.cs',
        line: 12,
        column: 5,
        code: 'CS0103',
        message: "The name 'totl' does not exist in the current context",
      },
      {
        kind: 'compile-error',
        tool: 'dotnet',
        file: '/home/runner/work/demo/demo/src/Demo/Services/PriceService.cs',
        line: 27,
        column: 20,
        code: 'CS0029',
        message: "Cannot implicitly convert type 'string' to 'int'",
      },
    ]);
    expect(output.findings.every((finding) => finding.occurrences === 1)).toBe(true);
  });

  it('reports NuGet restore errors with the package and version', () => {
    const output = condenseLog(dotnet, 'dotnet/restore-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'dependency-error',
        tool: 'dotnet',
        file: '/home/runner/work/demo/demo/src/Demo/Demo.csproj',
        code: 'NU1101',
        message:
          'Unable to find package Contoso.Payments.Client. No packages exist with this id in source(s): nuget.org',
        packages: ['Contoso.Payments.Client'],
      },
      {
        kind: 'dependency-error',
        tool: 'dotnet',
        file: '/home/runner/work/demo/demo/tests/Demo.Tests/Demo.Tests.csproj',
        code: 'NU1102',
        message: 'Unable to find package Newtonsoft.Json with version (>= 99.0.0)',
        packages: ['Newtonsoft.Json@>= 99.0.0'],
      },
    ]);
  });

  it('reports xUnit failures with Expected/Actual and the first repo frame, and the totals', () => {
    const output = condenseLog(dotnet, 'dotnet/test-failure.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'dotnet',
        testName: 'Demo.Tests.CalculatorTests.Add_ReturnsSum',
        file: '/home/runner/work/demo/demo/tests/Demo.Tests/CalculatorTests.cs',
        line: 12,
        message: 'Assert.Equal() Failure: Values differ',
        expected: '3',
        actual: '4',
      },
      {
        kind: 'test-failure',
        tool: 'dotnet',
        testName: 'Demo.Tests.PriceServiceTests.Parse_RejectsEmpty',
        file: '/home/runner/work/demo/demo/src/Demo/Services/PriceService.cs',
        line: 31,
        message: "System.FormatException : The input string '' was not in a correct format.",
      },
    ]);
    expect(output.findings[1]?.frames).toEqual([
      'Demo.Services.PriceService.Parse(String text) (/home/runner/work/demo/demo/src/Demo/Services/PriceService.cs:31)',
      'Demo.Tests.PriceServiceTests.Parse_RejectsEmpty() (/home/runner/work/demo/demo/tests/Demo.Tests/PriceServiceTests.cs:18)',
    ]);
    expect(output.testCounts).toEqual({ passed: 5, failed: 2, skipped: 1, total: 8 });
  });

  it('reads NUnit Expected/But was on Windows paths and sums the totals of several assemblies', () => {
    const output = condenseLog(dotnet, 'dotnet/nunit-failure.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'dotnet',
        testName: 'Greeter_UsesName',
        file: 'D:\\a\\demo\\demo\\tests\\Demo.Tests\\GreeterTests.cs',
        line: 21,
        message: 'expected "Hello, Ada" but was "Hello, "',
        expected: '"Hello, Ada"',
        actual: '"Hello, "',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 15, failed: 1, skipped: 2, total: 18 });
  });

  it('reports only counts for a passing run with warnings', () => {
    expect(condenseLog(dotnet, 'dotnet/passing.log')).toEqual({
      detected: true,
      findings: [],
      testCounts: { passed: 8, failed: 0, skipped: 0, total: 8 },
    });
  });
});

describe('condense/dotnet sample lines', () => {
  it('reads MSTest messages, the terminal logger summary and analyzer codes', () => {
    const output = condenseLines(
      dotnet,
      [
        '  Failed Totals_AreSummed [7 ms]',
        '  Error Message:',
        '   Assert.AreEqual failed. Expected:<10>. Actual:<9>.',
        '  Stack Trace:',
        '     at Shop.Tests.CartTests.Totals_AreSummed() in /home/runner/work/shop/shop/tests/CartTests.cs:line 40',
        '',
        'src/Shop/Cart.cs(8,13): error IDE0005: Using directive is unnecessary. [/home/runner/work/shop/shop/src/Shop/Shop.csproj]',
        '  Test summary: total: 4, failed: 1, succeeded: 3, skipped: 0, duration: 1.2s',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'dotnet',
        testName: 'Totals_AreSummed',
        file: '/home/runner/work/shop/shop/tests/CartTests.cs',
        line: 40,
        message: 'Assert.AreEqual failed. Expected:<10>. Actual:<9>.',
        expected: '10',
        actual: '9',
      },
      {
        kind: 'lint-error',
        tool: 'dotnet',
        file: 'src/Shop/Cart.cs',
        line: 8,
        column: 13,
        code: 'IDE0005',
        message: 'Using directive is unnecessary.',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 3, failed: 1, skipped: 0, total: 4 });
  });

  it('leaves MSVC C++ diagnostics to the cc condenser', () => {
    expect(
      condenseLines(dotnet, "src\\main.cpp(3,5): error C2065: 'x': undeclared identifier\n").findings,
    ).toEqual([]);
  });
});

describe('condense/dotnet .NET 9 terminal logger', () => {
  it('reads TESTERROR blocks and drops the MSB6006 consequence', () => {
    const output = condenseLines(
      dotnetCondenserFactory,
      [
        '  Demo.Tests test failed with 2 error(s) (1.2s)',
        '    /home/runner/work/demo/demo/tests/Demo.Tests/CalculatorTests.cs(12): error TESTERROR:',
        '      Add_ReturnsSum (4ms): Error Message: Assert.Equal() Failure: Values differ',
        '      Expected: 3',
        '      Actual:   4',
        '      Stack Trace:',
        '         at Demo.Tests.CalculatorTests.Add_ReturnsSum() in /home/runner/work/demo/demo/tests/Demo.Tests/CalculatorTests.cs:line 12',
        '         at System.RuntimeMethodHandle.InvokeMethod(Object target, Void** arguments, Signature sig, Boolean isConstructor)',
        '    /usr/share/dotnet/sdk/9.0.100/Microsoft.TestPlatform.targets(48,5): error MSB6006: "dotnet" exited with code 1.',
        '',
        'Test summary: total: 6, failed: 1, succeeded: 5, skipped: 0, duration: 1.1s',
        'Build failed with 2 error(s) in 3.4s',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'dotnet',
        testName: 'Add_ReturnsSum',
        file: '/home/runner/work/demo/demo/tests/Demo.Tests/CalculatorTests.cs',
        line: 12,
        message: 'Assert.Equal() Failure: Values differ',
        expected: '3',
        actual: '4',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 5, failed: 1, skipped: 0, total: 6 });
  });
});
