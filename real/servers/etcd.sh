#!/usr/bin/env bash
# etcd control for tests: a throwaway single-member etcd on loopback (Debian's etcd-server).
#   etcd.sh start DIR [CLIENT_PORT PEER_PORT] start and wait until it answers a range request;
#                                             ports picked free in 20000..25999 (as start.sh
#                                             does) when not given; DIR/etcd/args gets them
#   etcd.sh crash DIR                         kill -9 (its data directory stays)
#   etcd.sh restart DIR                       start again on the same ports and data
#   etcd.sh stop DIR                          kill -9 and remove its data
set -euo pipefail
cmd=${1:?}; dir=${2:?}
case "$cmd" in
  start)
    port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
    pick_port() {
      local p
      for _ in $(seq 1 200); do
        p=$(( 20000 + (RANDOM % 6000) ))
        if port_free "$p"; then echo "$p"; return 0; fi
      done
      echo "no free port" >&2; return 1
    }
    client=${3:-$(pick_port)}; peer=${4:-$(pick_port)}
    while [ "$peer" = "$client" ]; do peer=$(pick_port); done
    mkdir -p "$dir/etcd"
    echo "$client $peer" > "$dir/etcd/args"
    log="$dir/etcd/etcd.log"
    setsid etcd --name fl \
      --data-dir "$dir/etcd/data" \
      --listen-client-urls "http://127.0.0.1:$client" \
      --advertise-client-urls "http://127.0.0.1:$client" \
      --listen-peer-urls "http://127.0.0.1:$peer" \
      --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
      --initial-cluster "fl=http://127.0.0.1:$peer" >> "$log" 2>&1 < /dev/null &
    echo $! > "$dir/etcd/etcd.pid"
    for _ in $(seq 1 400); do  # up to 20 s on a loaded machine
      if curl -s -m 1 -X POST "http://127.0.0.1:$client/v3/kv/range" -d '{"key":"AA=="}' \
          | grep -q '"revision"'; then
        exit 0
      fi
      if ! kill -0 "$(cat "$dir/etcd/etcd.pid")" 2>/dev/null; then
        echo "etcd.sh: etcd exited (see $log)" >&2; tail -5 "$log" >&2; exit 1
      fi
      sleep 0.05
    done
    echo "etcd.sh: etcd did not answer on $client" >&2; exit 1
    ;;
  crash)
    if [ -f "$dir/etcd/etcd.pid" ]; then
      kill -9 "$(cat "$dir/etcd/etcd.pid")" 2>/dev/null || true
      rm -f "$dir/etcd/etcd.pid"
    fi
    ;;
  stop)
    bash "$0" crash "$dir"
    rm -rf "$dir/etcd/data"
    ;;
  restart)
    read -r client peer < "$dir/etcd/args"
    exec bash "$0" start "$dir" "$client" "$peer"
    ;;
  *) echo "etcd.sh: unknown command $cmd" >&2; exit 2 ;;
esac
