#!/usr/bin/env bash
# Proves the throwaway-server scripts work end to end: a primary and a streaming replica that
# receives a committed row, a PostgreSQL crash (-m immediate) that keeps the acknowledged row,
# a Redis kill -9 with appendonly no that loses its keys, and a clean stop.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servers=$(cd "$here/../../real/servers" && pwd)
dir=$(mktemp -d /tmp/fl-servers-smoke.XXXXXX)
trap 'bash "$servers/stop.sh" "$dir"' EXIT
bash "$servers/start.sh" "$dir" > /dev/null
source "$dir/env"
psql -qAtc "create table t (k int primary key); insert into t values (1)"
for _ in $(seq 1 100); do
  n=$(psql -p "$FL_PG_REPLICA_PORT" -qAtc "select count(*) from t" 2>/dev/null || echo 0)
  [ "$n" = 1 ] && break
  sleep 0.05
done
[ "$n" = 1 ] || { echo "FAIL: replica did not receive the row"; exit 1; }
bash "$servers/pg.sh" crash "$dir" primary
bash "$servers/pg.sh" start "$dir" primary
[ "$(psql -qAtc 'select count(*) from t')" = 1 ] || { echo "FAIL: row lost in crash"; exit 1; }
redis-cli -p "$FL_REDIS_PORT" set a 1 > /dev/null
bash "$servers/redis.sh" crash "$dir"
bash "$servers/redis.sh" restart "$dir"
[ -z "$(redis-cli -p "$FL_REDIS_PORT" get a)" ] || { echo "FAIL: redis kept a key"; exit 1; }
echo "1 passed, 0 failed"
