#!/usr/bin/env bash
# PostgreSQL control for tests (runs the server as user postgres; initdb refuses root).
#   pg.sh init DIR PORT REPLICA_PORT   create and start a primary and a streaming replica
#   pg.sh crash DIR primary|replica    pg_ctl stop -m immediate (acknowledged commits survive)
#   pg.sh start DIR primary|replica    start again (crash recovery runs)
#   pg.sh promote DIR                  promote the replica (pg_ctl promote, waits)
#   pg.sh stop DIR                     stop both (fast)
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
[ -n "$bin" ] || { echo "pg.sh: PostgreSQL 15 binaries not found" >&2; exit 1; }
as_pg() { runuser -u postgres -- "$@"; }
cmd=${1:?}; dir=${2:?}

configure() {  # DATA PORT
  cat >> "$1/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $2
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
synchronous_commit = on
wal_level = replica
max_wal_senders = 4
hot_standby = on
wal_retrieve_retry_interval = '100ms'
max_connections = 100
CONF
}

case "$cmd" in
  init)
    port=${3:?}; rport=${4:?}
    as_pg "$bin/initdb" -N -A trust -U postgres -D "$dir/primary" > "$dir/initdb.log" 2>&1
    configure "$dir/primary" "$port"
    as_pg "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start > /dev/null
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$dir/replica" -R \
      -X stream -c fast > "$dir/basebackup.log" 2>&1
    sed -i "s/^port = $port$/port = $rport/" "$dir/replica/postgresql.conf"
    as_pg "$bin/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w start > /dev/null
    ;;
  crash) as_pg "$bin/pg_ctl" -D "$dir/${3:?}" -m immediate -w stop > /dev/null ;;
  start) as_pg "$bin/pg_ctl" -D "$dir/${3:?}" -l "$dir/${3}.log" -w start > /dev/null ;;
  promote) as_pg "$bin/pg_ctl" -D "$dir/replica" -w promote > /dev/null ;;
  stop)
    for d in replica primary; do
      [ -f "$dir/$d/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/$d" -m fast -w stop \
        > /dev/null 2>&1 || true
    done
    ;;
  *) echo "pg.sh: unknown command $cmd" >&2; exit 2 ;;
esac
