import { describe, expect, it } from 'vitest';
import { phpunitCondenserFactory } from '../../src/condense/phpunit.ts';
import { rspecCondenserFactory } from '../../src/condense/rspec.ts';
import { brief, condenseLines, condenseLog } from '../helpers/condense-lines.ts';

describe('condense/rspec on real RSpec 3.12 output (recorded by scripts/record-lang-fixtures.sh)', () => {
  it('reports failing examples with expected/got and their spec line, ignores pending ones, counts', () => {
    const output = condenseLog(rspecCondenserFactory, 'rspec/failure.log');

    expect(output.detected).toBe(true);
    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'rspec',
        testName: 'Cart sums prices',
        file: 'spec/cart_spec.rb',
        line: 9,
        message: 'Failure/Error: expect(cart.total).to eq(5)',
        expected: '5',
        actual: '6',
      },
      {
        kind: 'test-failure',
        tool: 'rspec',
        testName: 'Cart lists names',
        file: 'spec/cart_spec.rb',
        line: 14,
        message: 'Failure/Error: expect(cart.names).to eq(%w[apple pear])',
        expected: '["apple", "pear"]',
        actual: '["apple"]',
      },
      {
        kind: 'test-failure',
        tool: 'rspec',
        testName: 'Cart raises for a missing method',
        file: 'spec/cart_spec.rb',
        line: 22,
        message: expect.stringMatching(
          /^Failure\/Error: cart\.checkout — NoMethodError: undefined method `checkout' for #<Cart:0x[0-9a-f]+ @items=\[\]>$/,
        ),
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 3, skipped: 1, total: 5 });
  });

  it('uses the rerun list for a failure without a block, and reports load errors', () => {
    const output = condenseLines(
      rspecCondenserFactory,
      [
        'An error occurred while loading ./spec/api_spec.rb.',
        'Failure/Error: require "faraday"',
        '',
        'LoadError:',
        '  cannot load such file -- faraday',
        "# ./spec/api_spec.rb:1:in `<top (required)>'",
        '',
        'Finished in 0.00003 seconds (files took 0.1 seconds to load)',
        '0 examples, 0 failures, 1 error occurred outside of examples',
        '',
        'Failed examples:',
        '',
        'rspec ./spec/user_spec.rb:30 # User validates the email',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'runtime-error',
        tool: 'rspec',
        file: 'spec/api_spec.rb',
        line: 1,
        message: 'Failure/Error: require "faraday" — LoadError: cannot load such file -- faraday',
      },
      {
        kind: 'test-failure',
        tool: 'rspec',
        testName: 'User validates the email',
        file: 'spec/user_spec.rb',
        line: 30,
        message: 'User validates the email failed',
      },
    ]);
  });

  it('reports only counts for a green suite', () => {
    const output = condenseLines(
      rspecCondenserFactory,
      'Finished in 0.2 seconds (files took 0.3 seconds to load)\n12 examples, 0 failures, 2 pending\n',
    );

    expect(output).toEqual({
      detected: true,
      findings: [],
      testCounts: { passed: 10, failed: 0, skipped: 2, total: 12 },
    });
  });
});

describe('condense/phpunit on real PHPUnit 9.6 output (recorded by scripts/record-lang-fixtures.sh)', () => {
  it('reports errors and failures with the first non-vendor frame, expected/actual and counts', () => {
    const output = condenseLog(phpunitCondenserFactory, 'phpunit/failure.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'phpunit',
        testName: 'Tests\\CalculatorTest::testDivideByZero',
        file: '/home/runner/work/demo/demo/src/Calculator.php',
        line: 14,
        message: 'DivisionByZeroError: Division by zero',
      },
      {
        kind: 'test-failure',
        tool: 'phpunit',
        testName: 'Tests\\CalculatorTest::testAdd',
        file: '/home/runner/work/demo/demo/tests/CalculatorTest.php',
        line: 14,
        message: 'Failed asserting that 4 is identical to 3.',
        expected: '3',
        actual: '4',
      },
      {
        kind: 'test-failure',
        tool: 'phpunit',
        testName: 'Tests\\CalculatorTest::testNames',
        file: '/home/runner/work/demo/demo/tests/CalculatorTest.php',
        line: 24,
        message: 'Failed asserting that two arrays are equal.',
        expected: "1 => 'b'",
        actual: "1 => 'c'",
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 3, skipped: 1, total: 5 });
  });

  it('reports only counts for a green run and skips vendor frames', () => {
    const green = condenseLines(
      phpunitCondenserFactory,
      'PHPUnit 10.5.1 by Sebastian Bergmann and contributors.\n\nOK (12 tests, 30 assertions)\n',
    );
    const vendor = condenseLines(
      phpunitCondenserFactory,
      [
        'There was 1 failure:',
        '',
        '1) Tests\\ApiTest::testFetch',
        'Failed asserting that false is true.',
        '',
        '/home/runner/work/x/x/vendor/guzzlehttp/guzzle/src/Client.php:120',
        '/home/runner/work/x/x/tests/ApiTest.php:33',
        '',
        'FAILURES!',
        'Tests: 3, Assertions: 3, Failures: 1.',
      ].join('\n'),
    );

    expect(green).toEqual({
      detected: true,
      findings: [],
      testCounts: { passed: 12, failed: 0, skipped: 0, total: 12 },
    });
    expect(vendor.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'phpunit',
        testName: 'Tests\\ApiTest::testFetch',
        file: '/home/runner/work/x/x/tests/ApiTest.php',
        line: 33,
        message: 'Failed asserting that false is true.',
      },
    ]);
    expect(vendor.testCounts).toEqual({ passed: 2, failed: 1, skipped: 0, total: 3 });
  });
});

describe('condense/phpunit PHP errors', () => {
  it.each([
    [
      'PHP Parse error:  syntax error, unexpected token "}" in /home/runner/work/x/x/src/Cart.php on line 12',
      {
        kind: 'compile-error',
        tool: 'php',
        file: '/home/runner/work/x/x/src/Cart.php',
        line: 12,
        message: 'Parse error: syntax error, unexpected token "}"',
      },
    ],
    [
      'PHP Fatal error:  Uncaught Error: Class "App\\Cart" not found in /home/runner/work/x/x/tests/CartTest.php:9',
      {
        kind: 'runtime-error',
        tool: 'php',
        file: '/home/runner/work/x/x/tests/CartTest.php',
        line: 9,
        message: 'Fatal error: Uncaught Error: Class "App\\Cart" not found',
      },
    ],
  ])('reads %s', (line, expected) => {
    expect(condenseLines(phpunitCondenserFactory, `${line}\n`).findings.map(brief)).toEqual([expected]);
  });
});
