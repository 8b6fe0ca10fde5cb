#!/usr/bin/env bash
# Records the real output of the non-JavaScript tools on the fixture projects under
# test/fixtures/projects/ into test/fixtures/logs/<tool>/<case>.log, which the condenser
# tests assert on. CI machines are fresh and lack most of these tools, so the logs are
# committed; re-run this script (on a machine with the tools) only to refresh them.
#
#   scripts/record-lang-fixtures.sh [tool...]     tools: cargo c cmake javac maven python go rspec phpunit
#
# Each project is copied to a scratch directory first (builds never touch the repo) and the
# scratch path is rewritten to a GitHub-hosted runner checkout path, /home/runner/work/demo/demo,
# and $HOME to /home/runner, so the logs look like CI logs and contain no local paths.
# Tools that are missing are reported and skipped.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROJECTS="$ROOT/test/fixtures/projects"
LOGS="$ROOT/test/fixtures/logs"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
RUNNER_CHECKOUT=/home/runner/work/demo/demo

# record <tool> <case> <project dir relative to projects/> <command...>
record() {
  local tool=$1 name=$2 project=$3
  shift 3
  local out="$LOGS/$tool/$name.log" run="$SCRATCH/run"
  mkdir -p "$LOGS/$tool"
  rm -rf "$run"
  cp -r "$PROJECTS/$project" "$run"
  (cd "$run" && bash -c "$*") >"$out" 2>&1
  local code=$?
  sed -i -e "s#$run#$RUNNER_CHECKOUT#g" -e "s#$HOME/#/home/runner/#g" "$out"
  printf '%-8s %-28s exit %3d  %s\n' "$tool" "$name" "$code" "$*"
}

have() {
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  echo "skip: $1 is not installed" >&2
  return 1
}

record_cargo() {
  have cargo || return
  export CARGO_TERM_COLOR=never
  record cargo build-error cargo/build-error cargo build
  # One test thread: libtest then runs and reports tests in name order, so re-recording is stable.
  RUST_BACKTRACE=0 record cargo test-failure cargo/test-failure cargo test -- --test-threads=1
  RUST_BACKTRACE=1 record cargo test-failure-backtrace cargo/test-failure cargo test -- --test-threads=1
  record cargo clippy cargo/clippy cargo clippy
  record cargo passing cargo/passing cargo test
}

record_c() {
  have make && have cc || return
  record c compile-error c/compile-error make
  record c link-error c/link-error make
  record c passing c/passing make
}

record_cmake() {
  have cmake || return
  record cmake missing-package cmake/missing-package cmake -S . -B build
  record cmake compile-error cmake/compile-error 'cmake -S . -B build >/dev/null && cmake --build build'
}

record_javac() {
  have javac || return
  record javac compile-error javac 'javac -d out src/com/example/Greeter.java'
  record javac werror javac-werror 'javac -Werror -Xlint:all -d out src/com/example/Legacy.java'
}

record_maven() {
  have mvn || return
  # -o: offline, from the local repository (this machine has the plugins cached).
  local mvn='mvn -o -B -Dstyle.color=never --no-transfer-progress'
  record maven compile-error maven/compile-error "$mvn test"
  record maven test-failure maven/test-failure "$mvn test"
  record maven dependency-error maven/dependency-error "$mvn test"
}

record_python() {
  have python3 || return
  record python pytest-failure python/pytest 'python3 -m pytest -p no:cacheprovider -p no:benchmark -p no:hypothesispytest'
  record python pytest-passing python/pytest-passing 'python3 -m pytest -p no:cacheprovider -p no:benchmark -p no:hypothesispytest'
  record python unittest-failure python/unittest 'python3 -m unittest -v'
  record python traceback python/traceback 'python3 main.py'
  if have mypy; then record python mypy python/lint 'mypy --no-incremental service.py'; fi
  if have flake8; then record python flake8 python/lint 'flake8 service.py'; fi
  if have black; then record python black python/lint 'black --check service.py'; fi
}

record_go() {
  have go || return
  export GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$SCRATCH/gocache" GOTOOLCHAIN=local
  record go build-error go/build-error go build ./...
  record go vet go/vet go vet ./...
  record go test-failure go/test-failure go test ./...
  record go test-failure-verbose go/test-failure go test -v ./...
  record go panic go/panic go test ./...
  record go timeout go/timeout go test -timeout 1s ./...
  record go passing go/passing go test ./...
}

record_rspec() {
  have rspec || return
  record rspec failure rspec 'rspec --no-color'
}

record_phpunit() {
  have phpunit || return
  record phpunit failure phpunit 'phpunit --colors=never tests'
}

tools=("$@")
if [ ${#tools[@]} -eq 0 ]; then tools=(cargo c cmake javac maven python go rspec phpunit); fi
for tool in "${tools[@]}"; do
  "record_$tool"
done
