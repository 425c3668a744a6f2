#!/usr/bin/env bash
# PostgreSQL control for tests (runs the server as user postgres; initdb refuses root).
#   pg.sh init DIR PORT REPLICA_PORT   create and start a primary and a streaming replica
#   pg.sh crash DIR primary|replica    pg_ctl stop -m immediate (acknowledged commits survive)
#   pg.sh start DIR primary|replica    start again (crash recovery runs)
#   pg.sh promote DIR                  promote the replica (pg_ctl promote, waits)
#   pg.sh stop DIR                     stop both (fast)
#   pg.sh upstream DIR PORT            stream the replica from 127.0.0.1:PORT (e.g. a proxy in
#                                      front of the primary); waits until it streams from there
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
    # A freshly initialised cluster is copied from a template made once per machine (initdb
    # takes 0.5 s idle and 5 s on a loaded 2-core machine; the copy ~70 ms). The template is
    # built aside and renamed into place, so concurrent first runs never see half of one.
    shm=/tmp; [ -d /dev/shm ] && [ -w /dev/shm ] && shm=/dev/shm
    tmpl=${FL_PG_TEMPLATE:-$shm/fl-pg15-template}
    if [ ! -f "$tmpl/PG_VERSION" ]; then
      fresh=$(mktemp -d "$tmpl.new.XXXXXX"); chown postgres "$fresh"
      as_pg "$bin/initdb" -N -A trust -U postgres -D "$fresh/data" > "$dir/initdb.log" 2>&1
      mv -T "$fresh/data" "$tmpl" 2>/dev/null || true
      rm -rf "$fresh"
    fi
    cp -a "$tmpl" "$dir/primary"
    configure "$dir/primary" "$port"
    as_pg "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start > /dev/null
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$dir/replica" -R \
      -X stream -c fast --no-sync > "$dir/basebackup.log" 2>&1
    sed -i "s/^port = $port$/port = $rport/" "$dir/replica/postgresql.conf"
    as_pg "$bin/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w start > /dev/null
    ;;
  crash) as_pg "$bin/pg_ctl" -D "$dir/${3:?}" -m immediate -w stop > /dev/null ;;
  start)
    as_pg "$bin/pg_ctl" -D "$dir/${3:?}" -l "$dir/${3}.log" -w start > /dev/null || {
      tail -n 3 "$dir/${3}.log" >&2; exit 1; }
    ;;
  promote) as_pg "$bin/pg_ctl" -D "$dir/replica" -w promote > /dev/null ;;
  stop)
    for d in replica primary; do
      [ -f "$dir/$d/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/$d" -m fast -w stop \
        > /dev/null 2>&1 || true
    done
    ;;
  upstream)
    port=${3:?}
    rport=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$dir/replica/postgresql.conf" | tail -n 1)
    rpsql() { psql -h 127.0.0.1 -p "$rport" -U postgres -d postgres -qAt "$@"; }
    rpsql -c "ALTER SYSTEM SET primary_conninfo = \
      'host=127.0.0.1 port=$port user=postgres application_name=replica'" \
      -c "SELECT pg_reload_conf()" > /dev/null
    for _ in $(seq 1 200); do
      [ "$(rpsql -c 'SELECT sender_port FROM pg_stat_wal_receiver' 2>/dev/null)" = "$port" ] \
        && exit 0
      sleep 0.05
    done
    echo "pg.sh: replica does not stream from port $port" >&2; exit 1
    ;;
  *) echo "pg.sh: unknown command $cmd" >&2; exit 2 ;;
esac
