#!/usr/bin/env bash
# Completed sagas per second through `faultline serve all` (real PostgreSQL and Redis, Kafka's
# librdkafka mock cluster) beside the raw transactions per second the same PostgreSQL sustains
# with pgbench for the same statements: pg_stat_statements counts the statements and commits
# the sagas cost, and pgbench then runs one "saga equivalent" per pgbench transaction (the same
# number of transactions, each BEGIN + single-row upserts by key + COMMIT). The ratio is the
# figure. Usage: serve_bench.sh FAULTLINE_BINARY [SAGAS] [PARALLEL_CLIENTS]. Needs curl, jq.
# WARMUP_SAGAS=N (default 0) first runs N sagas to completion, outside the measurement, so that
# the Kafka consumer groups have joined (the first saga after start-up takes several seconds).
set -euo pipefail
faultline=$(realpath "${1:?usage: serve_bench.sh FAULTLINE_BINARY [SAGAS] [CLIENTS]}")
sagas=${2:-300}
clients=${3:-4}
here=$(cd "$(dirname "$0")" && pwd)
servers=$(cd "$here/../../real/servers" && pwd)
dir=$(mktemp -d /tmp/fl-serve-bench.XXXXXX)
chmod 755 "$dir"  # PostgreSQL runs as user postgres under it
pid=""
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2> /dev/null || true
  bash "$servers/stop.sh" "$dir/servers" > /dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
bash "$servers/start.sh" "$dir/servers" > /dev/null
source "$dir/servers/env"
# pg_stat_statements needs a restart with the library preloaded.
psql -qc "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
bash "$servers/pg.sh" crash "$dir/servers" primary
bash "$servers/pg.sh" start "$dir/servers" primary
psql -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
base=$((10000 + (RANDOM % 9996)))  # below the ephemeral range, apart from service processes (20000+)
"$faultline" serve all --port-base "$base" --kafka mock --log-level warn 2> "$dir/serve.log" &
pid=$!
for port in $base $((base + 1)) $((base + 2)) $((base + 3)); do
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health")" = 200 ] && break
    sleep 0.1
  done
done
curl -sf -X POST "http://127.0.0.1:$((base + 1))/api/v1/items" \
  -d '{"sku": "BENCH", "name": "bench", "quantity": 1000000}' > /dev/null
count_status() {  # count_status 'completed' | "'completed','compensated','failed'"
  psql -qAtc "/* fl-bench */ SELECT count(*) FROM saga_instances WHERE status IN ($1)"
}
finished() { count_status "'completed','compensated','failed'"; }
warmup=${WARMUP_SAGAS:-0}
if [ "$warmup" -gt 0 ]; then
  seq 1 "$warmup" | xargs -P "$clients" -I{} curl -sf -o /dev/null -X POST \
    "http://127.0.0.1:$base/api/v1/sagas" -d '{"type": "order_processing", "data":
    {"order_id": "w-{}", "user_id": "u", "sku": "BENCH", "quantity": 1, "amount_cents": 100}}'
  for _ in $(seq 1 600); do  # 60 s at most
    [ "$(finished)" -ge "$warmup" ] && break
    sleep 0.1
  done
fi
warm_finished=$(finished)
warm_completed=$(count_status "'completed'")
psql -qAtc "SELECT pg_stat_statements_reset()" > /dev/null
xacts() {
  psql -qAtc "SELECT xact_commit || ' ' || xact_rollback FROM pg_stat_database
    WHERE datname = current_database()"
}
read -r commits0 rollbacks0 <<< "$(xacts)"
start=$(date +%s.%N)
seq 1 "$sagas" | xargs -P "$clients" -I{} curl -sf -o /dev/null -X POST \
  "http://127.0.0.1:$base/api/v1/sagas" -d '{"type": "order_processing", "data":
  {"order_id": "b-{}", "user_id": "u", "sku": "BENCH", "quantity": 1, "amount_cents": 100}}'
for _ in $(seq 1 1200); do  # 120 s at most
  [ "$(finished)" -ge $((sagas + warm_finished)) ] && break
  sleep 0.1
done
end=$(date +%s.%N)
done_count=$(($(count_status "'completed'") - warm_completed))
final_count=$(($(finished) - warm_finished))
[ "$final_count" -ge "$sagas" ] || { echo "only $final_count of $sagas sagas finished" >&2; exit 1; }
# Sagas that timed out under load compensate (correctly); the rate counts completed ones only.
read -r commits1 rollbacks1 <<< "$(xacts)"
statements=$(psql -qAtc "SELECT sum(calls) FROM pg_stat_statements
  WHERE query NOT LIKE '%fl-bench%' AND query NOT LIKE '%pg_stat%'")
kill -TERM "$pid"; wait "$pid" || true; pid=""
# Per saga: committed transactions (xact_commit; the psql polls are subtracted) and the
# statements of committed work: the rolled-back transactions are (nearly all) the outbox
# relays' read-only scans, BEGIN + SELECT + ROLLBACK, polled every 10 ms per service even when
# idle; pgbench's side has no counterpart, so 3 statements per rollback are left out (and
# reported).
polls=$(psql -qAtc "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
  WHERE query LIKE '%fl-bench%'")
awk -v s="$statements" -v n="$sagas" -v c0="$commits0" -v c1="$commits1" -v p="$polls" \
  -v r0="$rollbacks0" -v r1="$rollbacks1" 'BEGIN {
  printf "%d %d %d\n", (c1 - c0 - p) / n + 0.5, (s - 3 * (r1 - r0)) / n + 0.5, (r1 - r0) / n + 0.5
}' > "$dir/per_saga"
read -r tx_per_saga st_per_saga scans_per_saga < "$dir/per_saga"
per_tx=$(( (st_per_saga - 2 * tx_per_saga + tx_per_saga / 2) / tx_per_saga ))  # rounded
[ "$per_tx" -ge 1 ] || per_tx=1
psql -qc "CREATE TABLE IF NOT EXISTS bench_kv (k bigint PRIMARY KEY, v bigint NOT NULL)"
{
  for t in $(seq 1 "$tx_per_saga"); do
    echo "BEGIN ISOLATION LEVEL READ COMMITTED;"
    for s in $(seq 1 "$per_tx"); do
      echo "\\set k$t$s random(1, 100000)"
      echo "INSERT INTO bench_kv (k, v) VALUES (:k$t$s, 1) ON CONFLICT (k) DO UPDATE SET v = bench_kv.v + 1;"
    done
    echo "COMMIT;"
  done
} > "$dir/saga_equivalent.sql"
secs=10
pg_tps=$(pgbench -n -c "$clients" -j 2 -T "$secs" -f "$dir/saga_equivalent.sql" postgres \
  2> /dev/null | awk '/^tps/ {print $3; exit}')
awk -v n="$done_count" -v all="$sagas" -v s="$start" -v e="$end" -v pg="$pg_tps" -v tx="$tx_per_saga" \
  -v st="$st_per_saga" -v per="$per_tx" -v c="$clients" -v scans="$scans_per_saga" 'BEGIN {
  rate = n / (e - s)
  printf "sagas: %d of %d completed (the rest compensated) in %.2f s with %d HTTP clients\n", n, all, e - s, c
  printf "per saga: %d committed transactions, %d statements in them (BEGIN/COMMIT included),\n", tx, st
  printf "          plus %d idle outbox scans rolled back (left out of the comparison)\n", scans
  printf "faultline serve completed sagas/s:         %.1f\n", rate
  printf "pgbench saga-equivalents/s (%d tx x (%d upserts), -c%d -j2): %.1f\n", tx, per, c, pg
  printf "ratio sagas/s / pgbench saga-equivalents/s: %.2f\n", rate / pg
}'
