import { describe, expect, it } from 'vitest';
import { swiftCondenserFactory } from '../../src/condense/swift.ts';
import { brief, condenseLog } from '../helpers/condense-lines.ts';

const swift = swiftCondenserFactory;

// Swift is not installed here: these logs are hand-written in the formats of Swift 6 SwiftPM
// (`swift build`, `swift test` on Linux), xcodebuild on macOS and Swift Testing.
describe('condense/swift on hand-written Swift 6 / Xcode logs', () => {
  it('reports swiftc errors and drops warnings and the emit-module consequence', () => {
    const output = condenseLog(swift, 'swift/build-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'swift',
        file: '/home/runner/work/demo/demo/Sources/Demo/Parser.swift',
        line: 10,
        column: 9,
        message: "cannot find 'tokenz' in scope",
      },
      {
        kind: 'compile-error',
        tool: 'swift',
        file: '/home/runner/work/demo/demo/Sources/Demo/Store.swift',
        line: 22,
        column: 16,
        message: "cannot convert return expression of type 'String' to return type 'Int'",
      },
    ]);
  });

  it('reports XCTest failures on Linux, a failed test without an assertion line, and counts', () => {
    const output = condenseLog(swift, 'swift/xctest-linux.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'xctest',
        testName: 'ParserTests.testParsesNumber',
        file: '/home/runner/work/demo/demo/Tests/DemoTests/ParserTests.swift',
        line: 12,
        message: 'XCTAssertEqual failed: ("41") is not equal to ("42") - parsed value',
        actual: '41',
        expected: '42',
      },
      {
        kind: 'test-failure',
        tool: 'xctest',
        testName: 'ParserTests.testCrashes',
        message: 'ParserTests.testCrashes failed',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 2, skipped: 1, total: 4 });
  });

  it('reports xcodebuild XCTest failures once, with Objective-C style names normalised', () => {
    const output = condenseLog(swift, 'swift/xcodebuild-test.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'xctest',
        testName: 'DemoTests.StoreTests.testCountsItems',
        file: '/Users/runner/work/demo/demo/Tests/DemoTests/StoreTests.swift',
        line: 18,
        message: 'XCTAssertEqual failed: ("3") is not equal to ("2")',
        actual: '3',
        expected: '2',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 1, skipped: 0, total: 2 });
  });

  it('reports Swift Testing issues with the evaluated value and counts', () => {
    const output = condenseLog(swift, 'swift/swift-testing.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'swift-testing',
        testName: 'parsesNumber()',
        file: 'ParserTests.swift',
        line: 14,
        column: 5,
        message: 'Expectation failed: (parser.parse("42") → 41) == 42',
        actual: '41',
        expected: '42',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 2, failed: 1, skipped: 0, total: 3 });
  });

  it('reports SwiftPM resolution errors with the package requirement', () => {
    const output = condenseLog(swift, 'swift/resolve-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'dependency-error',
        tool: 'swift',
        message:
          "Dependencies could not be resolved because root depends on 'swift-argument-parser' 9.0.0..<10.0.0.",
        packages: ['swift-argument-parser@9.0.0..<10.0.0'],
      },
    ]);
  });

  it('reports only counts for a passing run', () => {
    expect(condenseLog(swift, 'swift/passing.log')).toEqual({
      detected: true,
      findings: [],
      testCounts: { passed: 1, failed: 0, skipped: 0, total: 1 },
    });
  });
});
