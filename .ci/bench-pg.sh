#!/usr/bin/env bash
# Real PostgreSQL throughput through the SqlStore seam beside pgbench, same server, same script:
# both run read-committed transactions of BEGIN; SELECT by key; INSERT .. ON CONFLICT DO UPDATE;
# COMMIT over 1,000 keys with 4 connections for SECONDS seconds. Prints both and the ratio.
# Usage: bash .ci/bench-pg.sh [SECONDS]   (after .ci/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
dir=$(mktemp -d /tmp/fl-bench-pg.XXXXXX)
trap 'bash real/servers/stop.sh "$dir"' EXIT
bash real/servers/start.sh "$dir" > /dev/null
source "$dir/env"
psql -qc "create table if not exists bench_kv (k bigint primary key, v bigint not null)"
cat > "$dir/tx.sql" <<'SQL'
\set k random(1, 1000)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT k, v FROM bench_kv WHERE k = :k;
INSERT INTO bench_kv (k, v) VALUES (:k, :k) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
COMMIT;
SQL
pg=$(pgbench -n -c4 -j2 -T "$secs" -f "$dir/tx.sql" postgres 2>/dev/null \
  | awk '/^tps/ {print $3; exit}')
ours=$(build/faultline bench pg --clients 4 --seconds "$secs" \
  --conninfo "host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres" \
  | awk '/^faultline-seam tps/ {print $3}')
echo "pgbench -c4 -j2 tps:        $pg"
echo "faultline seam (4 fibers):  $ours"
awk -v a="$ours" -v b="$pg" 'BEGIN { printf "ratio seam/pgbench:         %.2f\n", a / b }'
