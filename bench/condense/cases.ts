/**
 * The benchmark corpus, as recipes: a small project with an injected error, the real tool
 * command that fails on it, and the facts a fix needs (file, line, a message substring).
 * `node bench/condense/record.ts` runs each recipe with the tools installed on this machine and
 * writes the real output to corpus/<tool>/<name>.log beside a <name>.facts.json sidecar.
 *
 * The projects here are deliberately different from the condensers' own test fixtures
 * (test/fixtures/), so the benchmark measures generalisation, not memorisation.
 */

/** One thing the coder must learn from the report to fix the failure. */
export interface Fact {
  /** Repo-relative path (suffix match), when the fix is at a location. */
  readonly file?: string;
  readonly line?: number;
  /** A substring of the error message or failing test's assertion that identifies the problem. */
  readonly message: string;
}

export interface Case {
  /** `<tool>/<name>`; also the corpus path. */
  readonly id: string;
  /** Files of the project, relative to its root. */
  readonly files: Readonly<Record<string, string>>;
  /** Commands run first, not recorded (e.g. a build whose output is not the point). */
  readonly setup?: readonly string[];
  /** The recorded command (stdout and stderr interleaved as a CI log shows them). */
  readonly command: string;
  /** Extra environment, e.g. FORCE_COLOR for coloured output as many CI setups force it. */
  readonly env?: Readonly<Record<string, string>>;
  readonly expect: 'fail' | 'pass';
  readonly facts: readonly Fact[];
  /** Link the repository's node_modules into the project (JS tools). */
  readonly nodeModules?: boolean;
}

const tsconfig = JSON.stringify({
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'es2022',
    module: 'nodenext',
    skipLibCheck: true,
    types: [],
  },
  include: ['src'],
});

const lines = (...text: string[]) => `${text.join('\n')}\n`;

export const cases: readonly Case[] = [
  // ---------------------------------------------------------------- tsc
  {
    id: 'tsc/assignability',
    files: {
      'tsconfig.json': tsconfig,
      'src/invoice.ts': lines(
        'export interface Invoice { total: number; currency: string }',
        '',
        'export function parseInvoice(raw: Record<string, string>): Invoice {',
        '  return { total: raw.total ?? "0", currency: raw.currency ?? "EUR" };',
        '}',
      ),
    },
    command: 'tsc -p .',
    expect: 'fail',
    facts: [{ file: 'src/invoice.ts', line: 4, message: "Type 'string' is not assignable to type 'number'" }],
  },
  {
    id: 'tsc/three-files',
    files: {
      'tsconfig.json': tsconfig,
      'src/cart.ts': lines(
        'export function addItem(items: string[], item: string) {',
        '  items.push(item);',
        '  return itmes.length;',
        '}',
      ),
      'src/user.ts': lines(
        'export interface User { name: string }',
        'export function greet(user: User) {',
        '  return `hi ${user.nmae}`;',
        '}',
      ),
      'src/math.ts': lines(
        'export function square(n: number) { return n * n; }',
        'export const four = square("2");',
      ),
    },
    command: 'tsc -p .',
    expect: 'fail',
    facts: [
      { file: 'src/cart.ts', line: 3, message: "Cannot find name 'itmes'" },
      {
        file: 'src/math.ts',
        line: 2,
        message: "Argument of type 'string' is not assignable to parameter of type 'number'",
      },
      { file: 'src/user.ts', line: 3, message: "Property 'nmae' does not exist on type 'User'" },
    ],
  },
  {
    id: 'tsc/pretty-colour',
    files: {
      'tsconfig.json': tsconfig,
      'src/config.ts': lines(
        'type Mode = "dev" | "prod";',
        'export const settings: { mode: Mode; port: number } = {',
        '  mode: "staging",',
        '  port: 8080,',
        '};',
      ),
    },
    command: 'tsc -p . --pretty true',
    expect: 'fail',
    facts: [{ file: 'src/config.ts', line: 3, message: `Type '"staging"' is not assignable to type 'Mode'` }],
  },
  {
    id: 'tsc/renamed-export-cascade',
    files: {
      'tsconfig.json': tsconfig,
      'src/api.ts': lines('export function fetchUserById(id: string) { return { id }; }'),
      ...Object.fromEntries(
        Array.from({ length: 14 }, (_, i) => [
          `src/feature${i}.ts`,
          lines(`import { fetchUser } from "./api.js";`, `export const user${i} = fetchUser("${i}");`),
        ]),
      ),
    },
    command: 'tsc -p .',
    expect: 'fail',
    facts: [
      { file: 'src/feature0.ts', line: 1, message: "has no exported member 'fetchUser'" },
      { file: 'src/feature1.ts', line: 1, message: "has no exported member 'fetchUser'" },
    ],
  },
  {
    id: 'tsc/passing',
    files: { 'tsconfig.json': tsconfig, 'src/ok.ts': lines('export const ok: number = 1;') },
    command: 'tsc -p . && echo "typecheck ok"',
    expect: 'pass',
    facts: [],
  },

  // ---------------------------------------------------------------- eslint
  {
    id: 'eslint/stylish',
    files: {
      'eslint.config.mjs': lines(
        'export default [{ files: ["**/*.js"], languageOptions: { sourceType: "module" },',
        '  rules: { "no-unused-vars": "error", eqeqeq: "error", "no-undef": "error" } }];',
      ),
      'src/orders.js': lines(
        'import { readFileSync } from "node:fs";',
        '',
        'export function total(orders) {',
        '  let sum = 0;',
        '  for (const order of orders) {',
        '    if (order.status == "paid") sum += order.amount;',
        '  }',
        '  return summ;',
        '}',
      ),
    },
    command: 'eslint src',
    expect: 'fail',
    facts: [
      { file: 'src/orders.js', line: 1, message: "'readFileSync' is defined but never used" },
      { file: 'src/orders.js', line: 6, message: "Expected '===' and instead saw '=='" },
      { file: 'src/orders.js', line: 8, message: "'summ' is not defined" },
    ],
  },
  {
    id: 'eslint/colour-two-files',
    env: { FORCE_COLOR: '1' },
    files: {
      'eslint.config.mjs': lines(
        'export default [{ files: ["**/*.js"], languageOptions: { sourceType: "module" },',
        '  rules: { "no-console": "warn", "prefer-const": "error", "no-dupe-keys": "error" } }];',
      ),
      'lib/a.js': lines('export function f() {', '  let x = 1;', '  console.log(x);', '  return x;', '}'),
      'lib/b.js': lines('export const config = {', '  port: 1,', '  host: "h",', '  port: 2,', '};'),
    },
    command: 'eslint lib',
    expect: 'fail',
    facts: [
      { file: 'lib/a.js', line: 2, message: "'x' is never reassigned. Use 'const' instead" },
      { file: 'lib/b.js', line: 4, message: "Duplicate key 'port'" },
    ],
  },
  {
    id: 'eslint/passing',
    files: {
      'eslint.config.mjs': lines('export default [{ files: ["**/*.js"], rules: { eqeqeq: "error" } }];'),
      'src/ok.js': lines('export const ok = 1 === 1;'),
    },
    command: 'eslint src && echo "lint ok"',
    expect: 'pass',
    facts: [],
  },

  // ---------------------------------------------------------------- vitest
  {
    id: 'vitest/assertion',
    nodeModules: true,
    files: {
      'package.json': JSON.stringify({ type: 'module', private: true }),
      'src/price.js': lines('export function withVat(net) {', '  return Math.round(net * 1.19);', '}'),
      'test/price.test.js': lines(
        'import { describe, expect, it } from "vitest";',
        'import { withVat } from "../src/price.js";',
        '',
        'describe("withVat", () => {',
        '  it("adds 20% VAT", () => {',
        '    expect(withVat(100)).toBe(120);',
        '  });',
        '  it("keeps zero", () => {',
        '    expect(withVat(0)).toBe(0);',
        '  });',
        '});',
      ),
    },
    command: 'vitest run',
    expect: 'fail',
    facts: [{ file: 'test/price.test.js', line: 6, message: 'expected 119 to be 120' }],
  },
  {
    id: 'vitest/thrown-error',
    nodeModules: true,
    files: {
      'package.json': JSON.stringify({ type: 'module', private: true }),
      'src/parse.js': lines(
        'export function parseDate(text) {',
        '  const [y, m, d] = text.split("-").map(Number);',
        '  if (!d) throw new RangeError(`invalid date: ${text}`);',
        '  return new Date(Date.UTC(y, m - 1, d));',
        '}',
      ),
      'test/parse.test.js': lines(
        'import { expect, test } from "vitest";',
        'import { parseDate } from "../src/parse.js";',
        '',
        'test("parses month dates", () => {',
        '  expect(parseDate("2026-11").getUTCMonth()).toBe(10);',
        '});',
      ),
    },
    command: 'vitest run',
    expect: 'fail',
    facts: [{ file: 'src/parse.js', line: 3, message: 'invalid date: 2026-11' }],
  },
  {
    id: 'vitest/object-diff-colour',
    nodeModules: true,
    env: { FORCE_COLOR: '1' },
    files: {
      'package.json': JSON.stringify({ type: 'module', private: true }),
      'src/user.js': lines(
        'export function toUser(row) {',
        '  return { id: row.id, name: row.name, admin: row.role === "admin" };',
        '}',
      ),
      'test/user.test.js': lines(
        'import { expect, it } from "vitest";',
        'import { toUser } from "../src/user.js";',
        '',
        'it("maps an admin row", () => {',
        '  expect(toUser({ id: 1, name: "Ada", role: "owner" })).toEqual({ id: 1, name: "Ada", admin: true });',
        '});',
      ),
    },
    command: 'vitest run',
    expect: 'fail',
    facts: [
      {
        file: 'test/user.test.js',
        line: 5,
        message: "expected { id: 1, name: 'Ada', admin: false } to deeply equal",
      },
    ],
  },
  {
    id: 'vitest/passing',
    nodeModules: true,
    files: {
      'package.json': JSON.stringify({ type: 'module', private: true }),
      'test/ok.test.js': lines(
        'import { expect, it } from "vitest";',
        'it("works", () => expect(1 + 1).toBe(2));',
        'it("also", () => expect([1]).toHaveLength(1));',
      ),
    },
    command: 'vitest run',
    expect: 'pass',
    facts: [],
  },

  // ---------------------------------------------------------------- node:test
  {
    id: 'node-test/spec-strict-equal',
    files: {
      'package.json': JSON.stringify({ type: 'module', private: true }),
      'src/slug.js': lines(
        'export function slugify(title) {',
        '  return title.toLowerCase().replace(/ /g, "_");',
        '}',
      ),
      'test/slug.test.js': lines(
        'import assert from "node:assert/strict";',
        'import { test } from "node:test";',
        'import { slugify } from "../src/slug.js";',
        '',
        'test("slugify uses dashes", () => {',
        '  assert.equal(slugify("Hello World"), "hello-world");',
        '});',
        '',
        'test("slugify lowercases", () => {',
        '  assert.equal(slugify("ABC"), "abc");',
        '});',
      ),
    },
    command: "node --test --test-reporter=spec 'test/**/*.test.js'",
    expect: 'fail',
    facts: [{ file: 'test/slug.test.js', line: 6, message: 'Expected values to be strictly equal' }],
  },
  {
    id: 'node-test/tap-rejects',
    files: {
      'package.json': JSON.stringify({ type: 'module', private: true }),
      'src/fetcher.js': lines(
        'export async function load(id) {',
        '  if (id < 0) throw new TypeError("id must be positive");',
        '  return { id };',
        '}',
      ),
      'test/fetcher.test.js': lines(
        'import assert from "node:assert/strict";',
        'import { describe, it } from "node:test";',
        'import { load } from "../src/fetcher.js";',
        '',
        'describe("load", () => {',
        '  it("loads by id", async () => {',
        '    assert.deepEqual(await load(-1), { id: -1 });',
        '  });',
        '});',
      ),
    },
    command: "node --test --test-reporter=tap 'test/**/*.test.js'",
    expect: 'fail',
    facts: [{ file: 'src/fetcher.js', line: 2, message: 'id must be positive' }],
  },
  {
    id: 'node-test/passing',
    files: {
      'test/ok.test.mjs': lines(
        'import { test } from "node:test";',
        'test("one", () => {});',
        'test("two", () => {});',
      ),
    },
    command: "node --test 'test/**/*.test.mjs'",
    expect: 'pass',
    facts: [],
  },

  // ---------------------------------------------------------------- bundlers
  {
    id: 'vite/parse-error',
    nodeModules: true,
    files: {
      'index.html': lines('<script type="module" src="/src/main.js"></script>'),
      'src/main.js': lines('import { total } from "./cart.js";', 'console.log(total([1, 2]));'),
      'src/cart.js': lines(
        'export function total(items) {',
        '  return items.reduce((a, b) => a + b, 0;',
        '}',
      ),
    },
    command: 'vite build',
    expect: 'fail',
    facts: [{ file: 'src/cart.js', line: 2, message: 'Expected `,` or `)` but found `;`' }],
  },
  {
    id: 'vite/missing-import',
    nodeModules: true,
    files: {
      'index.html': lines('<script type="module" src="/src/main.js"></script>'),
      'src/main.js': lines('import { formatPrice } from "./format.js";', 'document.title = formatPrice(3);'),
    },
    command: 'vite build',
    expect: 'fail',
    facts: [{ file: 'src/main.js', line: 1, message: "Could not resolve './format.js'" }],
  },
  {
    id: 'esbuild/bundle-errors',
    files: {
      'src/app.ts': lines(
        'import { api } from "./client";',
        'import { debounce } from "lodash-es";',
        'const port: number = 8080;',
        'export const url = debounce(() => `http://localhost:${port}/${api}`, 10);',
      ),
    },
    command: 'esbuild src/app.ts --bundle --outfile=out.js',
    expect: 'fail',
    facts: [
      { file: 'src/app.ts', line: 1, message: 'Could not resolve "./client"' },
      { file: 'src/app.ts', line: 2, message: 'Could not resolve "lodash-es"' },
    ],
  },

  // ---------------------------------------------------------------- npm
  {
    id: 'npm/ci-out-of-sync',
    files: {
      'package.json': JSON.stringify(
        { name: 'demo', version: '1.0.0', dependencies: { 'left-pad': '^1.3.0' } },
        null,
        2,
      ),
      'package-lock.json': JSON.stringify(
        {
          name: 'demo',
          version: '1.0.0',
          lockfileVersion: 3,
          requires: true,
          packages: { '': { name: 'demo', version: '1.0.0' } },
        },
        null,
        2,
      ),
    },
    command: 'npm ci --no-audit --no-fund',
    expect: 'fail',
    facts: [{ message: 'package-lock.json' }, { message: 'left-pad@1.3.0' }],
  },
  {
    id: 'npm/missing-script',
    files: {
      'package.json': JSON.stringify(
        { name: 'demo', version: '1.0.0', scripts: { test: 'node --test' } },
        null,
        2,
      ),
    },
    command: 'npm run lint',
    expect: 'fail',
    facts: [{ message: 'Missing script: "lint"' }],
  },

  // ---------------------------------------------------------------- gcc / make
  {
    id: 'gcc/make-undeclared',
    files: {
      Makefile: lines(
        'CFLAGS = -Wall -O2',
        'app: main.o queue.o',
        '\t$(CC) -o app main.o queue.o',
        '%.o: %.c',
        '\t$(CC) $(CFLAGS) -c $< -o $@',
      ),
      'main.c': lines(
        '#include "queue.h"',
        'int main(void) {',
        '  struct queue q = {0};',
        '  push(&q, 1);',
        '  return 0;',
        '}',
      ),
      'queue.h': lines('struct queue { int items[16]; int len; };', 'void push(struct queue *q, int v);'),
      'queue.c': lines(
        '#include "queue.h"',
        'void push(struct queue *q, int v) {',
        '  q->items[lenght] = v;',
        '  q->len++;',
        '}',
      ),
    },
    command: 'make',
    expect: 'fail',
    facts: [{ file: 'queue.c', line: 3, message: 'lenght’ undeclared' }],
  },
  {
    id: 'gcc/undefined-reference',
    files: {
      'main.c': lines(
        'int checksum(const char *s);',
        'int main(void) {',
        '  return checksum("abc") == 0;',
        '}',
      ),
    },
    command: 'gcc -Wall -o app main.c',
    expect: 'fail',
    facts: [{ message: "undefined reference to `checksum'" }],
  },
  {
    id: 'gcc/cpp-type-error',
    files: {
      'shapes.cpp': lines(
        '#include <string>',
        '#include <vector>',
        'struct Shape { std::string name; double area; };',
        'double total(const std::vector<Shape>& shapes) {',
        '  double sum = 0;',
        '  for (const auto& s : shapes) sum += s.name;',
        '  return sum;',
        '}',
      ),
    },
    command: 'g++ -std=c++17 -Wall -c shapes.cpp',
    expect: 'fail',
    facts: [{ file: 'shapes.cpp', line: 6, message: 'no match for ‘operator+=’' }],
  },
  {
    // `make -k` keeps compiling after the first error, so the error is followed by many lines.
    id: 'gcc/make-keep-going',
    files: {
      Makefile: lines(
        'SRCS = $(wildcard src/*.c)',
        'OBJS = $(SRCS:.c=.o)',
        'all: $(OBJS)',
        '%.o: %.c',
        '\t$(CC) -Wall -c $< -o $@',
      ),
      'src/a000_parser.c': lines(
        'struct token { int kind; };',
        'int parse(struct token *t) {',
        '  return t->knid;',
        '}',
      ),
      ...Object.fromEntries(
        Array.from({ length: 260 }, (_, i) => [
          `src/m${String(i).padStart(3, '0')}.c`,
          lines(`int f${i}(int x) { return x + ${i}; }`),
        ]),
      ),
    },
    command: 'make -k',
    expect: 'fail',
    facts: [{ file: 'src/a000_parser.c', line: 3, message: 'has no member named ‘knid’' }],
  },
  {
    id: 'gcc/passing',
    files: { 'main.c': lines('int main(void) { return 0; }') },
    command: 'gcc -Wall -o app main.c && ./app && echo built',
    expect: 'pass',
    facts: [],
  },

  // ---------------------------------------------------------------- javac / java
  {
    id: 'javac/incompatible-types',
    files: {
      'src/com/acme/Billing.java': lines(
        'package com.acme;',
        '',
        'public class Billing {',
        '    public static int cents(String amount) {',
        '        int value = amount.trim();',
        '        return value * 100;',
        '    }',
        '}',
      ),
    },
    command: 'javac -d out src/com/acme/Billing.java',
    expect: 'fail',
    facts: [
      {
        file: 'src/com/acme/Billing.java',
        line: 5,
        message: 'incompatible types: String cannot be converted to int',
      },
    ],
  },
  {
    id: 'javac/missing-symbol',
    files: {
      'src/Inventory.java': lines(
        'import java.util.List;',
        '',
        'public class Inventory {',
        '    private final List<String> items = new ArrayList<>();',
        '    public int count() { return items.size(); }',
        '}',
      ),
    },
    command: 'javac -d out src/Inventory.java',
    expect: 'fail',
    facts: [{ file: 'src/Inventory.java', line: 4, message: 'cannot find symbol' }],
  },
  {
    id: 'java/runtime-exception',
    files: {
      'src/Main.java': lines(
        'import java.util.Map;',
        '',
        'public class Main {',
        '    static int port(Map<String, String> env) {',
        '        return Integer.parseInt(env.get("PORT"));',
        '    }',
        '    public static void main(String[] args) {',
        '        System.out.println(port(Map.of("HOST", "x")));',
        '    }',
        '}',
      ),
    },
    setup: ['javac -d out src/Main.java'],
    command: 'java -cp out Main',
    expect: 'fail',
    facts: [{ file: 'Main.java', line: 5, message: 'NumberFormatException' }],
  },

  // ---------------------------------------------------------------- cargo
  {
    id: 'cargo/mismatched-types',
    files: {
      'Cargo.toml': lines('[package]', 'name = "ledger"', 'version = "0.1.0"', 'edition = "2021"'),
      'src/main.rs': lines(
        'fn balance(entries: &[i64]) -> i64 {',
        '    entries.iter().sum()',
        '}',
        '',
        'fn main() {',
        '    let total: String = balance(&[1, 2, 3]);',
        '    println!("{total}");',
        '}',
      ),
    },
    command: 'cargo build --offline',
    expect: 'fail',
    facts: [{ file: 'src/main.rs', line: 6, message: 'mismatched types' }],
  },
  {
    id: 'cargo/test-panic',
    files: {
      'Cargo.toml': lines('[package]', 'name = "scores"', 'version = "0.1.0"', 'edition = "2021"'),
      'src/lib.rs': lines(
        'pub fn average(xs: &[u32]) -> u32 {',
        '    xs.iter().sum::<u32>() / xs.len() as u32',
        '}',
        '',
        '#[cfg(test)]',
        'mod tests {',
        '    use super::*;',
        '    #[test]',
        '    fn average_of_two() {',
        '        assert_eq!(average(&[3, 4]), 4);',
        '    }',
        '    #[test]',
        '    fn average_of_one() {',
        '        assert_eq!(average(&[5]), 5);',
        '    }',
        '}',
      ),
    },
    command: 'cargo test --offline',
    expect: 'fail',
    facts: [{ file: 'src/lib.rs', line: 10, message: 'assertion `left == right` failed' }],
  },
  {
    id: 'cargo/borrow-error',
    files: {
      'Cargo.toml': lines('[package]', 'name = "queue"', 'version = "0.1.0"', 'edition = "2021"'),
      'src/main.rs': lines(
        'fn main() {',
        '    let mut jobs = vec![String::from("a")];',
        '    let first = &jobs[0];',
        '    jobs.push(String::from("b"));',
        '    println!("{first}");',
        '}',
      ),
    },
    command: 'cargo build --offline',
    expect: 'fail',
    facts: [
      {
        file: 'src/main.rs',
        line: 4,
        message: 'cannot borrow `jobs` as mutable because it is also borrowed as immutable',
      },
    ],
  },
  {
    id: 'cargo/passing',
    files: {
      'Cargo.toml': lines('[package]', 'name = "ok"', 'version = "0.1.0"', 'edition = "2021"'),
      'src/lib.rs': lines(
        'pub fn one() -> u8 { 1 }',
        '#[cfg(test)]',
        'mod tests {',
        '    #[test]',
        '    fn it_works() { assert_eq!(super::one(), 1); }',
        '}',
      ),
    },
    command: 'cargo test --offline',
    expect: 'pass',
    facts: [],
  },

  // ---------------------------------------------------------------- go
  {
    id: 'go/undefined',
    files: {
      'go.mod': lines('module example.com/shop', '', 'go 1.19'),
      'cart.go': lines(
        'package main',
        '',
        'import "fmt"',
        '',
        'func main() {',
        '\titems := []int{1, 2}',
        '\tfmt.Println(sumItems(items))',
        '}',
      ),
    },
    command: 'go build ./...',
    expect: 'fail',
    facts: [{ file: 'cart.go', line: 7, message: 'undefined: sumItems' }],
  },
  {
    id: 'go/test-failure',
    files: {
      'go.mod': lines('module example.com/tax', '', 'go 1.19'),
      'tax.go': lines('package tax', '', 'func Net(gross int) int { return gross * 80 / 100 }'),
      'tax_test.go': lines(
        'package tax',
        '',
        'import "testing"',
        '',
        'func TestNet(t *testing.T) {',
        '\tif got := Net(100); got != 75 {',
        '\t\tt.Errorf("Net(100) = %d; want 75", got)',
        '\t}',
        '}',
      ),
    },
    command: 'go test ./...',
    expect: 'fail',
    facts: [{ file: 'tax_test.go', line: 7, message: 'Net(100) = 80; want 75' }],
  },
  {
    id: 'go/vet-printf',
    files: {
      'go.mod': lines('module example.com/log', '', 'go 1.19'),
      'log.go': lines(
        'package main',
        '',
        'import "fmt"',
        '',
        'func main() {',
        '\tname := "x"',
        '\tfmt.Printf("%d items\\n", name)',
        '}',
      ),
    },
    command: 'go vet ./...',
    expect: 'fail',
    facts: [{ file: 'log.go', line: 7, message: 'Printf format %d has arg name of wrong type string' }],
  },
  {
    id: 'go/test-panic',
    files: {
      'go.mod': lines('module example.com/ring', '', 'go 1.19'),
      'ring.go': lines('package ring', '', 'func Last(xs []int) int { return xs[len(xs)] }'),
      'ring_test.go': lines(
        'package ring',
        '',
        'import "testing"',
        '',
        'func TestLast(t *testing.T) {',
        '\tif Last([]int{1, 2, 3}) != 3 {',
        '\t\tt.Fatal("bad")',
        '\t}',
        '}',
      ),
    },
    command: 'go test ./...',
    expect: 'fail',
    facts: [{ file: 'ring.go', line: 3, message: 'index out of range [3] with length 3' }],
  },
  {
    id: 'go/passing',
    files: {
      'go.mod': lines('module example.com/ok', '', 'go 1.19'),
      'ok_test.go': lines('package ok', '', 'import "testing"', '', 'func TestOK(t *testing.T) {}'),
    },
    command: 'go test ./...',
    expect: 'pass',
    facts: [],
  },

  {
    // `go test -v` prints each test as it runs: the failure scrolls far up before the summary.
    id: 'go/verbose-many-tests',
    files: {
      'go.mod': lines('module example.com/many', '', 'go 1.19'),
      'rate.go': lines('package many', '', 'func Rate(n int) int { return n * 3 }'),
      'rate_test.go': lines(
        'package many',
        '',
        'import "testing"',
        '',
        'func TestRateEarly(t *testing.T) {',
        '\tif got := Rate(2); got != 5 {',
        '\t\tt.Fatalf("Rate(2) = %d, want 5", got)',
        '\t}',
        '}',
        '',
        'func TestRateMany(t *testing.T) {',
        '\tfor i := 0; i < 300; i++ {',
        '\t\tt.Run("case", func(t *testing.T) { _ = Rate(i) })',
        '\t}',
        '}',
      ),
    },
    command: 'go test -v ./...',
    expect: 'fail',
    facts: [{ file: 'rate_test.go', line: 7, message: 'Rate(2) = 6, want 5' }],
  },
  // ---------------------------------------------------------------- python
  {
    id: 'python/traceback',
    files: {
      'app/config.py': lines(
        'import os',
        '',
        'def load():',
        '    settings = {"host": os.environ.get("HOST", "localhost")}',
        '    return settings["port"]',
      ),
      'app/__init__.py': '',
      'main.py': lines('from app.config import load', '', 'print(load())'),
    },
    command: 'python3 main.py',
    expect: 'fail',
    facts: [{ file: 'app/config.py', line: 5, message: "KeyError: 'port'" }],
  },
  {
    id: 'python/pytest-assert',
    files: {
      'shipping.py': lines('def cost(weight_kg):', '    return 5 + weight_kg * 2'),
      'tests/test_shipping.py': lines(
        'from shipping import cost',
        '',
        'def test_light_parcel():',
        '    assert cost(1) == 7',
        '',
        'def test_heavy_parcel():',
        '    assert cost(10) == 20',
      ),
      'tests/conftest.py': lines(
        'import sys, pathlib',
        'sys.path.insert(0, str(pathlib.Path(__file__).parent.parent))',
      ),
    },
    command: 'python3 -m pytest -p no:cacheprovider',
    expect: 'fail',
    facts: [{ file: 'tests/test_shipping.py', line: 7, message: 'assert 25 == 20' }],
  },
  {
    id: 'python/pytest-import-error',
    files: {
      'tests/test_report.py': lines(
        'from reports.render import render_pdf',
        '',
        'def test_render():',
        '    assert render_pdf("x")',
      ),
    },
    command: 'python3 -m pytest -p no:cacheprovider',
    expect: 'fail',
    facts: [{ file: 'tests/test_report.py', line: 1, message: "No module named 'reports'" }],
  },
  {
    id: 'python/unittest',
    files: {
      'words.py': lines('def title(s):', '    return s.capitalize()'),
      'test_words.py': lines(
        'import unittest',
        'from words import title',
        '',
        'class TitleTest(unittest.TestCase):',
        '    def test_two_words(self):',
        '        self.assertEqual(title("hello world"), "Hello World")',
        '',
        'if __name__ == "__main__":',
        '    unittest.main()',
      ),
    },
    command: 'python3 -m unittest -v',
    expect: 'fail',
    facts: [{ file: 'test_words.py', line: 6, message: "AssertionError: 'Hello world' != 'Hello World'" }],
  },
  {
    id: 'python/mypy',
    files: {
      'billing.py': lines(
        'def cents(amount: str) -> int:',
        '    return amount.strip()',
        '',
        'def label(n: int) -> str:',
        '    return n + " items"',
      ),
    },
    command: 'mypy --no-incremental --cache-dir=/dev/null billing.py',
    expect: 'fail',
    facts: [
      { file: 'billing.py', line: 2, message: 'Incompatible return value type (got "str", expected "int")' },
      { file: 'billing.py', line: 5, message: 'Unsupported operand types for + ("int" and "str")' },
    ],
  },
  {
    id: 'python/flake8',
    files: {
      'tool.py': lines('import os', 'import sys', '', 'def run(x):', '    return undefined_name + x'),
    },
    command: 'flake8 tool.py',
    expect: 'fail',
    facts: [
      { file: 'tool.py', line: 1, message: "'os' imported but unused" },
      { file: 'tool.py', line: 5, message: "undefined name 'undefined_name'" },
    ],
  },
  {
    id: 'python/black',
    files: { 'fmt.py': lines('def f( a,b ):', '  return {"a":a,"b":b}') },
    command: 'black --check fmt.py',
    expect: 'fail',
    facts: [{ file: 'fmt.py', message: 'would reformat' }],
  },
  {
    id: 'python/pytest-passing',
    files: {
      'tests/test_ok.py': lines(
        'def test_ok():',
        '    assert 1 + 1 == 2',
        '',
        'def test_also():',
        '    assert "a".upper() == "A"',
      ),
    },
    command: 'python3 -m pytest -p no:cacheprovider',
    expect: 'pass',
    facts: [],
  },
];

/**
 * CI job logs composed from recorded logs, wrapped the way a GitHub-hosted runner writes a job
 * log: a timestamp on every line, `##[group]Run …` / `##[endgroup]` around each step and
 * `##[error]Process completed with exit code N.` after the failing one. Facts are those of the
 * failing part.
 */
export interface Composite {
  readonly id: string;
  /** Recorded case ids, in step order; the job stops after the first failing one. */
  readonly parts: readonly string[];
}

export const composites: readonly Composite[] = [
  { id: 'ci/node-lint-then-types', parts: ['eslint/passing', 'tsc/three-files', 'vitest/passing'] },
  { id: 'ci/node-tests', parts: ['tsc/passing', 'eslint/passing', 'vitest/thrown-error'] },
  { id: 'ci/node-install', parts: ['npm/ci-out-of-sync', 'vitest/passing'] },
  { id: 'ci/rust', parts: ['cargo/passing', 'cargo/borrow-error'] },
  { id: 'ci/go', parts: ['go/passing', 'go/test-panic'] },
  { id: 'ci/python', parts: ['python/pytest-passing', 'python/flake8'] },
  { id: 'ci/java', parts: ['gcc/passing', 'javac/missing-symbol'] },
  { id: 'ci/all-green', parts: ['tsc/passing', 'vitest/passing', 'node-test/passing', 'go/passing'] },
];
