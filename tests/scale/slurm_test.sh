#!/usr/bin/env bash
# Proves packaging/slurm/faultline-sweep.sbatch on a throwaway single-node Slurm cluster started
# and stopped here (its own munge key and socket, slurm.conf, ports and spool in a temporary
# directory; nothing under /etc is used): a 4-task job array sweeps a range, and after
# `faultline merge` of its parts the verdicts and trace hashes equal one local sweep of the same
# range, each part's shard index having come from SLURM_ARRAY_TASK_ID. Skips (exit 77, with the
# reason) when slurm-wlm or munge is not installed or the cluster cannot start here.
# Usage: slurm_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$(realpath "${1:?usage: slurm_test.sh BUILD_DIR SOURCE_DIR}")
src=$(realpath "${2:?usage: slurm_test.sh BUILD_DIR SOURCE_DIR}")
fail() { echo "slurm_test: FAIL: $*" >&2; exit 1; }
skip() { echo "slurm_test: SKIP: $*"; exit 77; }
for tool in slurmctld slurmd munged mungekey sbatch squeue scontrol jq; do
  command -v "$tool" > /dev/null || [ -x "/usr/sbin/$tool" ] ||
    skip "$tool is not installed (Debian: slurm-wlm, munge, jq)"
done
[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd runs the tasks as their user)"
scenario=selftest-bug-stale-reply seeds=1..16
# Shorter, slower runs of the broken echo: about half the seeds reach the stale reply and fail.
sets="--set duration_s=2 --set workload.0.rate=200"
tmp=$(mktemp -d /tmp/fl-slurm-test.XXXXXX)
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/store"
stop() {
  for f in slurmctld slurmd munged; do
    [ -f "$tmp/$f.pid" ] && kill "$(cat "$tmp/$f.pid")" 2> /dev/null
  done
  sleep 1
  rm -rf "$tmp"
}
trap stop EXIT
port=$(( 20000 + $$ % 20000 ))
host=$(hostname -s)
mungekey -c -k "$tmp/munge.key" > /dev/null 2>&1 || fail "mungekey failed"
munged --force --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" \
  --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munge.seed" ||
  skip "munged cannot start here (log: $(tail -n 3 "$tmp/munged.log" 2> /dev/null))"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=faultline-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$(( port + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=faultline Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -f "$SLURM_CONF" || skip "slurmctld cannot start here (see its log)"
slurmd -f "$SLURM_CONF" -N "$host" || skip "slurmd cannot start here (see its log)"
for _ in $(seq 100); do
  scontrol show node "$host" 2> /dev/null | grep -qE "State=(IDLE|MIXED)" && break
  sleep 0.2
done
scontrol show node "$host" 2> /dev/null | grep -qE "State=(IDLE|MIXED)" ||
  skip "the node did not come up: $(tail -n 3 "$tmp/slurmd.log" "$tmp/slurmctld.log" 2> /dev/null)"

job=$(cd "$tmp" && FAULTLINE="$build/faultline" FAULTLINE_SCENARIOS="$src/scenarios" \
  sbatch --parsable --array=0-3 "$src/packaging/slurm/faultline-sweep.sbatch" \
  "$scenario" "$seeds" "$tmp/store" $sets) || fail "sbatch refused the job"
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$job" 2> /dev/null)" ] && break
  sleep 0.5
done
[ -z "$(squeue -h -j "$job")" ] || fail "the array did not finish in 300 s"
parts=("$tmp/store/$scenario-$job"/part-*)
[ ${#parts[@]} -eq 4 ] || { cat "$tmp"/faultline-sweep-*.log; fail "expected 4 parts: ${parts[*]}"; }
"$build/faultline" merge "${parts[@]}" --out "$tmp/merged" > "$tmp/merge.log" 2>&1
[ $? -le 1 ] || { cat "$tmp/merge.log"; fail "merge failed"; }
FAULTLINE_SCENARIOS="$src/scenarios" nice "$build/faultline" sweep $scenario $sets --seeds $seeds \
  --jobs 2 --out "$tmp/local" > "$tmp/local.log" 2>&1
[ $? -le 1 ] || { tail "$tmp/local.log"; fail "the local sweep did not finish"; }
verdicts() { jq -c '[.seeds[] | [.seed, .result, .trace_hash]] | sort' "$1/sweep.json"; }
[ "$(verdicts "$tmp/merged")" = "$(verdicts "$tmp/local")" ] ||
  fail "merged verdicts differ from one local sweep:
merged: $(verdicts "$tmp/merged")
local:  $(verdicts "$tmp/local")"
sources=$(jq -r '.shard.source' "${parts[@]/%//sweep.json}" | sort -u)
[ "$sources" = "SLURM_ARRAY_TASK_ID" ] || fail "shard index not from SLURM_ARRAY_TASK_ID: $sources"
echo "slurm_test: ok: a 4-task array, merged = one local sweep ($(verdicts "$tmp/merged" | jq length) seeds)"
