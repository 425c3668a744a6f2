#!/usr/bin/env bash
# Measures a sweep's throughput spread by GNU parallel over the two namespaced ssh "hosts" of
# hosts_lib.sh with 1, 2 and 4 parts (each part one sweep with --jobs 1, parts placed round-robin
# on the hosts), and prints seeds/hour per part count and the ratio to 1 part: the figure in
# docs/running-at-scale.md. Not a test (no pass/fail): run by hand, as root.
# Usage: parallel_ssh_bench.sh BUILD_DIR SOURCE_DIR [SCENARIO] [SEEDS]   (default selftest 1..48)
set -euo pipefail
build=$(realpath "${1:?usage: parallel_ssh_bench.sh BUILD_DIR SOURCE_DIR [SCENARIO] [SEEDS]}")
src=$(realpath "${2:?usage: parallel_ssh_bench.sh BUILD_DIR SOURCE_DIR [SCENARIO] [SEEDS]}")
scenario=${3:-selftest} seeds=${4:-1..48}
here=$(dirname "$(realpath "$0")")
source "$here/hosts_lib.sh"
reason=$(hosts_skip_reason)
[ -z "$reason" ] || { echo "parallel_ssh_bench: cannot run: $reason" >&2; exit 2; }
tmp=$(mktemp -d /tmp/fl-parallel-bench.XXXXXX)
trap 'hosts_teardown "$tmp"; rm -rf "$tmp"' EXIT
hosts_setup "$tmp" "$build" "$src"
count=$(( ${seeds#*..} - ${seeds%..*} + 1 ))
base=""
echo "parts  wall_s  seeds/hour  ratio   ($scenario seeds $seeds, $(nproc) cores on this machine)"
for parts in 1 2 4; do
  per_host=$(( (parts + 1) / 2 ))
  start=$(date +%s.%N)
  parallel -N0 --jobs "$per_host" --sshlogin "root@${HOSTS[0]},root@${HOSTS[1]}" --ssh "$SSH_CMD" \
    "cd $HOST_DIR && FAULTLINE_SCENARIOS=\$PWD/scenarios nice ./faultline sweep $scenario \
     --seeds $seeds --shard auto/$parts --out store/b$parts-\$PARALLEL_SEQ > /dev/null 2>&1; \
     test \$? -le 1" ::: $(seq "$parts")
  wall=$(echo "$(date +%s.%N) - $start" | bc -l)
  rate=$(echo "$count * 3600 / $wall" | bc -l)
  [ -n "$base" ] || base=$rate
  printf "%5d  %6.1f  %10.0f  %5.2f\n" "$parts" "$wall" "$rate" "$(echo "$rate / $base" | bc -l)"
done
