#!/usr/bin/env bash
# Proves a sweep spread by GNU parallel over two ssh "hosts" (hosts_lib.sh: network namespaces
# on this machine, each with its own copy of faultline and its own store directory) gives, after
# its parts are gathered back over ssh and merged, exactly the verdicts and trace hashes of one
# local sweep of the same range: 4 parts, --shard auto/4 read from GNU parallel's PARALLEL_SEQ on
# the remote side, a scenario whose seeds both pass and fail. Also checks both hosts ran parts.
# Skips (exit 77, with the reason) without root, namespaces, sshd, ssh or parallel.
# Usage: parallel_ssh_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$(realpath "${1:?usage: parallel_ssh_test.sh BUILD_DIR SOURCE_DIR}")
src=$(realpath "${2:?usage: parallel_ssh_test.sh BUILD_DIR SOURCE_DIR}")
here=$(dirname "$(realpath "$0")")
source "$here/hosts_lib.sh"
fail() { echo "parallel_ssh_test: FAIL: $*" >&2; exit 1; }
reason=$(hosts_skip_reason)
if [ -n "$reason" ]; then echo "parallel_ssh_test: SKIP: $reason"; exit 77; fi
scenario=selftest-bug-stale-reply seeds=1..16
# Shorter, slower runs of the broken echo: about half the seeds reach the stale reply and fail.
sets="--set duration_s=2 --set workload.0.rate=200"
tmp=$(mktemp -d /tmp/fl-parallel-test.XXXXXX)
trap 'hosts_teardown "$tmp"; rm -rf "$tmp"' EXIT
hosts_setup "$tmp" "$build" "$src" || fail "could not start the two hosts"

# The engine: 4 parts over 2 hosts, 2 at a time on each (docs/running-at-scale.md's command).
parallel -N0 --jobs 2 --sshlogin "root@${HOSTS[0]},root@${HOSTS[1]}" --ssh "$SSH_CMD" \
  "cd $HOST_DIR && FAULTLINE_SCENARIOS=\$PWD/scenarios nice ./faultline sweep $scenario $sets \
   --seeds $seeds --shard auto/4 --out store/part-\$PARALLEL_SEQ > store/part-\$PARALLEL_SEQ.log 2>&1; \
   test \$? -le 1" ::: 1 2 3 4 || fail "a part did not finish with 0 or 1"
hosts_gather "$tmp" "$tmp/gathered"
parts=("$tmp"/gathered/h*/store/part-?)
[ ${#parts[@]} -eq 4 ] || fail "expected 4 parts gathered, found ${#parts[@]}: ${parts[*]}"
for n in 1 2; do
  ls -d "$tmp/gathered/h$n/store/part-"? > /dev/null 2>&1 || fail "host $n ran no part"
done
"$build/faultline" merge "${parts[@]}" --out "$tmp/merged" > "$tmp/merge.log" 2>&1
code=$?
[ $code -le 1 ] || { cat "$tmp/merge.log"; fail "merge exited $code"; }
FAULTLINE_SCENARIOS="$src/scenarios" nice "$build/faultline" sweep $scenario $sets --seeds $seeds \
  --jobs 2 --out "$tmp/local" > "$tmp/local.log" 2>&1
[ $? -le 1 ] || { tail "$tmp/local.log"; fail "the local sweep did not finish"; }
verdicts() { jq -c '[.seeds[] | [.seed, .result, .trace_hash]] | sort' "$1/sweep.json"; }
[ "$(verdicts "$tmp/merged")" = "$(verdicts "$tmp/local")" ] ||
  fail "merged verdicts differ from one local sweep:
merged: $(verdicts "$tmp/merged")
local:  $(verdicts "$tmp/local")"
[ "$(jq '.seeds | length' "$tmp/merged/sweep.json")" -eq 16 ] || fail "merged sweep lacks seeds"
jq -e '[.seeds[].result] | (index("fail") != null) and (index("pass") != null)' \
  "$tmp/merged/sweep.json" > /dev/null || fail "the range should hold both passing and failing seeds"
sources=$(jq -r '.shard.source' "$tmp"/gathered/h*/store/part-?/sweep.json | sort -u)
[ "$sources" = "PARALLEL_SEQ" ] || fail "the shard index did not come from PARALLEL_SEQ: $sources"
grep -q "merge $scenario seeds 1..16" "$tmp/merge.log" || fail "no merge summary"
echo "parallel_ssh_test: ok: 4 parts on 2 hosts merged = one local sweep ($(verdicts "$tmp/merged" | jq length) seeds)"
