#!/usr/bin/env bash
# CI's short fuzz run: builds the fuzz targets with clang++ and libFuzzer in build-fuzz/ (beside
# build/) and fuzzes each reader SECONDS (default 20). Exits 77 (skipped) when clang++ or
# libFuzzer is missing, 1 on any finding.
set -euo pipefail
seconds=${1:-20}
root="$(cd "$(dirname "$0")/.." && pwd)"
cxx=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$cxx" ] || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
    >/dev/null 2>&1; then
  echo "fuzz_short: SKIPPED (clang++ and libFuzzer not installed: apt-get install clang-14 \
libfuzzer-14-dev)"
  exit 77
fi
tree="$root/build-fuzz"
mkdir -p "$tree"
cmake -S "$root" -B "$tree" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >"$tree/fuzz-configure.log" 2>&1 || { tail -n 30 "$tree/fuzz-configure.log"; exit 1; }
# The readers this tree has targets for (the TOML one follows the scenario reader's file).
targets=$(cmake --build "$tree" --target help | sed -n 's/^\.\.\. fuzz_\([a-z_]*\)$/\1/p' |
  grep -v '^replay_' | grep -v '^sut$' | sort)
[ -n "$targets" ] || { echo "fuzz_short: no fuzz targets configured"; exit 1; }
for t in $targets; do
  cmake --build "$tree" -j2 --target "fuzz_$t" >"$tree/fuzz-build.log" 2>&1 ||
    { tail -n 30 "$tree/fuzz-build.log"; exit 1; }
done
for t in $targets; do
  bash "$root/fuzz/run.sh" "$tree/fuzz/fuzz_$t" "$root/fuzz/corpus/$t" "$seconds"
done
echo "fuzz_short: every reader fuzzed ${seconds} s, no finding"
