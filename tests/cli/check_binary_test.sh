#!/usr/bin/env bash
# Proves that faultline-check (cli/check_main.cc) is `faultline check`: for one valid, one
# invalid and one unreadable history, several files and a directory, --help and a bad flag,
# both print the same bytes on stdout and stderr and exit with the same code; and that
# faultline-check loads no shared library (the point of it: start-up, docs/benchmarks.md).
# Usage: check_binary_test.sh FAULTLINE FAULTLINE_CHECK SOURCE_DIR
set -uo pipefail
full="$1" small="$2" src="$3"
knossos="$src/tests/data/knossos"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

same() {  # same ARGS...: both binaries, same output and exit code
  "$full" check "$@" >"$work/full.out" 2>"$work/full.err"
  local full_code=$?
  "$small" "$@" >"$work/small.out" 2>"$work/small.err"
  local small_code=$?
  if [[ $full_code != "$small_code" ]] || ! cmp -s "$work/full.out" "$work/small.out" ||
    ! cmp -s "$work/full.err" "$work/small.err"; then
    echo "FAIL: check $*: exit $full_code vs $small_code"
    diff "$work/full.out" "$work/small.out" | head -5
    diff "$work/full.err" "$work/small.err" | head -5
    failures=$((failures + 1))
  else
    echo "ok: check $* (exit $full_code)"
  fi
}

same "$knossos/cas-register/good/cas-register-bug.edn"
same "$knossos/cas-register/bad/rethink-fail-minimal.edn"
same "$knossos/cas-register/bad/bad-analysis.edn" --failed-cas evidence
same "$work/no-such-file.edn"
same "$knossos/cas-register/good/cas-register-bug.edn" "$knossos/cas-register/bad/bad-analysis.edn"
same "$knossos"
same --help
same "$knossos" --format nonsense

if ldd "$small" 2>&1 | grep -q '=>'; then
  echo "FAIL: $small loads shared libraries:"
  ldd "$small"
  failures=$((failures + 1))
fi
exit $((failures > 0))
