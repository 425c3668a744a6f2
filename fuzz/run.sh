#!/usr/bin/env bash
# Fuzzes one target for SECONDS, starting from a copy of its seed corpus (the repository's corpus
# is never written), and fails on any finding (crash, leak, timeout, out-of-memory). The inputs
# libFuzzer found new coverage with stay in WORK (default: a temporary directory).
#   fuzz/run.sh build-fuzz/fuzz/fuzz_edn fuzz/corpus/edn 600 [WORK]
set -euo pipefail
target=$1 corpus=$2 seconds=$3
work=${4:-$(mktemp -d)}
mkdir -p "$work/corpus" "$work/findings"
cp -n "$corpus"/* "$work/corpus/" 2>/dev/null || true
start=$(date +%s)
set +e
"$target" "$work/corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/findings/" \
  >"$work/log.txt" 2>&1
rc=$?
set -e
end=$(date +%s)
tail -n 25 "$work/log.txt"
echo "fuzz: $(basename "$target") ran $((end - start)) s, exit $rc, log $work/log.txt"
if [ "$rc" -ne 0 ] || ls "$work/findings"/* >/dev/null 2>&1; then
  echo "fuzz: FINDING in $work/findings"
  exit 1
fi
