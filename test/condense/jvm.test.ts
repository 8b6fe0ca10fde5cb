import { describe, expect, it } from 'vitest';
import { jvmCondenserFactory } from '../../src/condense/jvm.ts';
import { brief, condenseLines, condenseLog, readLog } from '../helpers/condense-lines.ts';

const jvm = jvmCondenserFactory;
const GREETER = '/home/runner/work/demo/demo/src/main/java/com/example/Greeter.java';

describe('condense/jvm on real Maven 3.8 and javac 17 output (recorded by scripts/record-lang-fixtures.sh)', () => {
  it('reports Maven compiler errors once (not again under "Failed to execute goal"), with the symbol', () => {
    const output = condenseLog(jvm, 'maven/compile-error.log');

    expect(output.detected).toBe(true);
    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'maven',
        file: GREETER,
        line: 7,
        column: 21,
        message: 'incompatible types: java.lang.String cannot be converted to int',
      },
      {
        kind: 'compile-error',
        tool: 'maven',
        file: GREETER,
        line: 8,
        column: 16,
        message: 'cannot find symbol: variable prefix',
      },
      {
        kind: 'compile-error',
        tool: 'maven',
        file: GREETER,
        line: 12,
        column: 23,
        message: 'incompatible types: inference variable E has incompatible bounds',
      },
    ]);
    expect(output.findings.every((finding) => finding.occurrences === 1)).toBe(true);
  });

  it('reports surefire (JUnit 5) failures and errors with repo frames, expected/actual and the totals', () => {
    const output = condenseLog(jvm, 'maven/test-failure.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'maven',
        testName: 'com.example.CalculatorTest.dividesByZero',
        file: 'Calculator.java',
        line: 9,
        message: 'java.lang.ArithmeticException: / by zero',
      },
      {
        kind: 'test-failure',
        tool: 'maven',
        testName: 'com.example.CalculatorTest.addsNumbers',
        file: 'CalculatorTest.java',
        line: 13,
        message: 'org.opentest4j.AssertionFailedError: expected: <3> but was: <4>',
        expected: '3',
        actual: '4',
      },
    ]);
    expect(output.findings[0]?.frames).toEqual([
      'com.example.Calculator.divide(Calculator.java:9)',
      'com.example.CalculatorTest.dividesByZero(CalculatorTest.java:18)',
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 2, skipped: 1, total: 4 });
  });

  it('reports an unresolvable dependency with the missing artifact, not the project itself', () => {
    const output = condenseLog(jvm, 'maven/dependency-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'dependency-error',
        tool: 'maven',
        message:
          'Could not resolve dependencies for project com.example:dependency-error:jar:1.0-SNAPSHOT: Cannot access central (https://repo.maven.apache.org/maven2) in offline mode and the artifact com.example.missing:payments-client:jar:1.2.0 has not been downloaded from it before.',
        packages: ['com.example.missing:payments-client:jar:1.2.0'],
      },
    ]);
  });

  it('reports javac errors with the caret column and the symbol', () => {
    const output = condenseLog(jvm, 'javac/compile-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'javac',
        file: 'src/com/example/Greeter.java',
        line: 7,
        column: 21,
        message: 'incompatible types: String cannot be converted to int',
      },
      {
        kind: 'compile-error',
        tool: 'javac',
        file: 'src/com/example/Greeter.java',
        line: 8,
        column: 16,
        message: 'cannot find symbol: variable prefix',
      },
      {
        kind: 'compile-error',
        tool: 'javac',
        file: 'src/com/example/Greeter.java',
        line: 12,
        column: 23,
        message: 'incompatible types: inference variable E has incompatible bounds',
      },
    ]);
  });
});

describe('condense/jvm on hand-written logs in the formats of Gradle 8, surefire 2 and maven-enforcer', () => {
  it('reports Kotlin compile errors, drops warnings and the "What went wrong" restatement', () => {
    const output = condenseLog(jvm, 'gradle/kotlin-compile-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'kotlinc',
        file: '/home/runner/work/demo/demo/app/src/main/kotlin/com/example/App.kt',
        line: 10,
        column: 5,
        message: 'Unresolved reference: greetz',
      },
      {
        kind: 'compile-error',
        tool: 'kotlinc',
        file: '/home/runner/work/demo/demo/app/src/main/kotlin/com/example/App.kt',
        line: 14,
        column: 20,
        message: 'Type mismatch: inferred type is String but Int was expected',
      },
    ]);
  });

  it('reports Java compile errors inside a Gradle build and drops javac warnings', () => {
    const output = condenseLog(jvm, 'gradle/java-compile-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'javac',
        file: '/home/runner/work/demo/demo/app/src/main/java/com/example/App.java',
        line: 8,
        column: 16,
        message: 'cannot find symbol: variable greetng',
      },
    ]);
  });

  it('reports Gradle test failures in the full and the short exception format, with counts', () => {
    const output = condenseLog(jvm, 'gradle/test-failure.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'gradle',
        testName: 'AppTest.greetsByName',
        file: 'AppTest.java',
        line: 14,
        message: 'org.opentest4j.AssertionFailedError: expected: <Hello, Ada> but was: <Hello, >',
        expected: 'Hello, Ada',
        actual: 'Hello, ',
      },
      {
        kind: 'test-failure',
        tool: 'gradle',
        testName: 'com.example.PortParserTest.rejectsWords',
        file: 'PortParserTest.java',
        line: 20,
        message: 'java.lang.NumberFormatException',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 2, failed: 2, skipped: 1, total: 5 });
  });

  it('reports a Gradle dependency resolution failure from "What went wrong"', () => {
    const output = condenseLog(jvm, 'gradle/dependency-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'dependency-error',
        tool: 'gradle',
        message: ':app:compileJava: Could not find com.example:payments-client:1.2.0.',
        packages: ['com.example:payments-client:1.2.0'],
      },
    ]);
  });

  it('reports surefire 2 / JUnit 4 failures, using the Results list for tests without a block', () => {
    const output = condenseLog(jvm, 'maven/surefire2-junit4.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'maven',
        testName: 'com.example.LegacyTest.testTotal',
        file: 'LegacyTest.java',
        line: 21,
        message: 'java.lang.AssertionError: expected:<10> but was:<9>',
        expected: '10',
        actual: '9',
      },
      {
        kind: 'test-failure',
        tool: 'maven',
        testName: 'LegacyTest.testRounding',
        file: 'LegacyTest.java',
        line: 30,
        message: 'expected:<2.5> but was:<2.0>',
        expected: '2.5',
        actual: '2.0',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 2, skipped: 0, total: 3 });
  });

  it('reports a plugin failure with the reason Maven prints under it', () => {
    const output = condenseLog(jvm, 'maven/plugin-error.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'build-error',
        tool: 'maven',
        code: 'org.apache.maven.plugins:maven-enforcer-plugin:3.4.1:enforce',
        message:
          'Rule 0: org.apache.maven.enforcer.rules.version.RequireJavaVersion failed with message: Detected JDK version 17.0.15 (JAVA_HOME=/usr/lib/jvm/temurin-17-jdk-amd64) is not in the allowed range [21,).',
      },
    ]);
  });

  it('reports nothing for a successful Gradle build', () => {
    expect(condenseLog(jvm, 'gradle/passing.log')).toEqual({ detected: true, findings: [] });
  });
});

describe('condense/jvm sample lines', () => {
  it('reads checkstyle violations reported through Maven as lint errors', () => {
    const output = condenseLines(
      jvm,
      "[ERROR] src/main/java/com/example/App.java:[12,5] (naming) MemberName: Member name 'Foo' must match pattern '^[a-z][a-zA-Z0-9]*$'.\n",
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'lint-error',
        tool: 'maven',
        file: 'src/main/java/com/example/App.java',
        line: 12,
        column: 5,
        code: 'MemberName',
        message: "Member name 'Foo' must match pattern '^[a-z][a-zA-Z0-9]*$'.",
      },
    ]);
  });

  it('reads the Kotlin 1.x compiler location format', () => {
    const output = condenseLines(
      jvm,
      'e: /home/runner/work/x/x/src/main/kotlin/App.kt: (3, 9): Unresolved reference: foo\n',
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'kotlinc',
        file: '/home/runner/work/x/x/src/main/kotlin/App.kt',
        line: 3,
        column: 9,
        message: 'Unresolved reference: foo',
      },
    ]);
  });

  it('reports nothing for a successful Maven build with warnings', () => {
    const output = condenseLines(
      jvm,
      [
        '[INFO] Scanning for projects...',
        '[WARNING] /home/runner/work/x/x/src/main/java/App.java:[3,8] [deprecation] Integer(int) in Integer has been deprecated',
        '[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 1',
        '[INFO] BUILD SUCCESS',
      ].join('\n'),
    );

    expect(output).toEqual({
      detected: true,
      findings: [],
      testCounts: { passed: 11, failed: 0, skipped: 1, total: 12 },
    });
  });
});

describe('condense/jvm surefire 2.12 plain summary', () => {
  it('reads the un-prefixed "Failed tests:" list and totals of old surefire versions', () => {
    const output = condenseLines(
      jvm,
      [
        'Results :',
        '',
        'Failed tests:   testTotal(com.example.LegacyTest): expected:<10> but was:<9>',
        '  testRounding(com.example.LegacyTest): expected:<2.5> but was:<2.0>',
        '',
        'Tests in error: ',
        '  testParse(com.example.ParserTest): For input string: "x"',
        '',
        'Tests run: 7, Failures: 2, Errors: 1, Skipped: 0',
        '',
        '[INFO] BUILD FAILURE',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'maven',
        testName: 'com.example.LegacyTest.testTotal',
        message: 'expected:<10> but was:<9>',
        expected: '10',
        actual: '9',
      },
      {
        kind: 'test-failure',
        tool: 'maven',
        testName: 'com.example.LegacyTest.testRounding',
        message: 'expected:<2.5> but was:<2.0>',
        expected: '2.5',
        actual: '2.0',
      },
      {
        kind: 'test-failure',
        tool: 'maven',
        testName: 'com.example.ParserTest.testParse',
        message: 'For input string: "x"',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 4, failed: 3, skipped: 0, total: 7 });
  });
});

describe('condense/jvm Gradle lint and format tasks', () => {
  it('reads checkstyle errors (not warnings) from the Gradle checkstyle plugin', () => {
    const output = condenseLines(
      jvm,
      [
        '> Task :app:checkstyleMain',
        '[ant:checkstyle] [WARN] /home/runner/work/x/x/app/src/main/java/App.java:3:1: Line is longer than 100 characters. [LineLength]',
        '[ant:checkstyle] [ERROR] /home/runner/work/x/x/app/src/main/java/App.java:12:5: Missing a Javadoc comment. [MissingJavadocMethod]',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'lint-error',
        tool: 'checkstyle',
        file: '/home/runner/work/x/x/app/src/main/java/App.java',
        line: 12,
        column: 5,
        code: 'MissingJavadocMethod',
        message: 'Missing a Javadoc comment.',
      },
    ]);
  });

  it('reads spotless format violations as one format error per file', () => {
    const output = condenseLines(
      jvm,
      [
        'FAILURE: Build failed with an exception.',
        '',
        '* What went wrong:',
        "Execution failed for task ':app:spotlessJavaCheck'.",
        '> The following files had format violations:',
        '      src/main/java/com/example/App.java',
        '          @@ -1,3 +1,3 @@',
        '      src/main/java/com/example/Util.java',
        "  Run './gradlew :app:spotlessApply' to fix these violations.",
        '',
        '* Try:',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'format-error',
        tool: 'gradle',
        file: 'src/main/java/com/example/App.java',
        message: 'format violations (spotless)',
      },
      {
        kind: 'format-error',
        tool: 'gradle',
        file: 'src/main/java/com/example/Util.java',
        message: 'format violations (spotless)',
      },
    ]);
  });
});

describe('condense/jvm Gradle display names', () => {
  it('reads nested classes and display names with spaces', () => {
    const output = condenseLines(
      jvm,
      [
        'Cart tests > Adding items > adds two items FAILED',
        '    org.opentest4j.AssertionFailedError at CartTest.kt:21',
        '',
        '3 tests completed, 1 failed',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'gradle',
        testName: 'Cart tests.Adding items.adds two items',
        file: 'CartTest.kt',
        line: 21,
        message: 'org.opentest4j.AssertionFailedError',
      },
    ]);
  });
});

describe('condense/jvm -Werror (real javac 17 output)', () => {
  it('reports the warnings as the errors when javac fails with -Werror', () => {
    const output = condenseLog(jvm, 'javac/werror.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'javac',
        file: 'src/com/example/Legacy.java',
        line: 11,
        code: 'Werror',
        message: '[removal] Integer(int) in Integer has been deprecated and marked for removal',
      },
      {
        kind: 'compile-error',
        tool: 'javac',
        file: 'src/com/example/Legacy.java',
        line: 15,
        code: 'Werror',
        message: '[rawtypes] found raw type: List',
      },
      {
        kind: 'compile-error',
        tool: 'javac',
        file: 'src/com/example/Legacy.java',
        line: 16,
        code: 'Werror',
        message: '[unchecked] unchecked conversion',
      },
    ]);
  });

  it('keeps javac warnings out of a build that did not use -Werror', () => {
    const log = condenseLog(jvm, 'javac/werror.log');
    const withoutWerror = readLog('javac/werror.log')
      .split('\n')
      .filter((line) => !line.startsWith('error: warnings found'))
      .join('\n');

    expect(log.findings).toHaveLength(3);
    expect(condenseLines(jvm, withoutWerror).findings).toEqual([]);
  });
});

describe('condense/jvm uncaught exceptions', () => {
  it('reports `Exception in thread "main"` at the first frame outside the JDK', () => {
    const output = condenseLines(
      jvm,
      [
        'Exception in thread "main" java.lang.NumberFormatException: Cannot parse null string',
        '\tat java.base/java.lang.Integer.parseInt(Integer.java:630)',
        '\tat java.base/java.lang.Integer.parseInt(Integer.java:786)',
        '\tat Main.port(Main.java:5)',
        '\tat Main.main(Main.java:8)',
        'done',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'runtime-error',
        tool: 'java',
        file: 'Main.java',
        line: 5,
        message: 'java.lang.NumberFormatException: Cannot parse null string',
      },
    ]);
    expect(output.findings[0]?.frames).toEqual(['Main.port(Main.java:5)', 'Main.main(Main.java:8)']);
  });
});
