#!/usr/bin/env bash
# Starts throwaway servers for the real-mode tests on free loopback ports (never 5432/6379):
# a PostgreSQL 15 primary, a streaming replica of it, and a Redis 7 (appendonly no).
# Usage: start.sh DIR   — everything lives under DIR; DIR/env gets the connection settings:
#   PGHOST PGPORT PGUSER PGDATABASE FL_PG_REPLICA_PORT REDIS_URL FL_REDIS_PORT FL_SERVERS_DIR
# Stop with stop.sh DIR. Crash/restart helpers: pg.sh and redis.sh in this folder.
# FL_REDIS_APPENDONLY=yes starts Redis with appendonly yes (default no).
set -euo pipefail
dir=$(realpath -m "${1:?usage: start.sh DIR}")
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
chown postgres "$dir" 2>/dev/null || true
chmod 755 "$dir"

# 20000..25999: below the kernel's ephemeral range (where connect() and bind(0), e.g. our fault
# proxies, take ports: a port probed free there may be taken before the server binds it), and
# apart from the harness' service processes (26000 and up, real/fault/service_process.h) and the
# shell tests' serve processes (10000..19999), so that one never takes another's port.
span=6000
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + (RANDOM % span) ))
    if [ "$p" != 5432 ] && [ "$p" != 6379 ] && port_free "$p"; then echo "$p"; return 0; fi
  done
  echo "no free port" >&2; return 1
}

pg_port=$(pick_port)
replica_port=$(pick_port)
while [ "$replica_port" = "$pg_port" ]; do replica_port=$(pick_port); done
redis_port=$(pick_port)
while [ "$redis_port" = "$pg_port" ] || [ "$redis_port" = "$replica_port" ]; do
  redis_port=$(pick_port)
done

cat > "$dir/env" <<ENV
export PGHOST=127.0.0.1
export PGPORT=$pg_port
export PGUSER=postgres
export PGDATABASE=postgres
export FL_PG_REPLICA_PORT=$replica_port
export FL_REDIS_PORT=$redis_port
export REDIS_URL=redis://127.0.0.1:$redis_port
export FL_SERVERS_DIR=$dir
ENV

bash "$here/pg.sh" init "$dir" "$pg_port" "$replica_port"
# Another process may take the probed port first: try a few ports.
for attempt in 1 2 3; do
  bash "$here/redis.sh" start "$dir" "$redis_port" "${FL_REDIS_APPENDONLY:-no}" && break
  [ "$attempt" = 3 ] && exit 1
  redis_port=$(pick_port)
  sed -i "s/^export FL_REDIS_PORT=.*/export FL_REDIS_PORT=$redis_port/; \
    s|^export REDIS_URL=.*|export REDIS_URL=redis://127.0.0.1:$redis_port|" "$dir/env"
done
echo "servers: postgres 127.0.0.1:$pg_port (replica :$replica_port), redis :$redis_port ($dir/env)"
