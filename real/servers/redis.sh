#!/usr/bin/env bash
# Redis control for tests.
#   redis.sh start DIR PORT [appendonly yes|no]   start (default appendonly no) and wait for PING
#   redis.sh crash DIR                            kill -9
#   redis.sh stop DIR                             kill -9 (nothing to keep)
set -euo pipefail
cmd=${1:?}; dir=${2:?}
case "$cmd" in
  start)
    port=${3:?}; aof=${4:-no}
    mkdir -p "$dir/redis"
    echo "$port $aof" > "$dir/redis/args"
    log="$dir/redis/redis.log"
    seen=0; [ -f "$log" ] && seen=$(wc -l < "$log")
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir/redis" \
      --pidfile "$dir/redis/redis.pid" --save "" --appendonly "$aof" \
      --logfile "$log" > /dev/null
    for _ in $(seq 1 400); do  # up to 8 s: a loaded 2-core machine is slow to fork
      timeout 2 redis-cli -p "$port" ping > /dev/null 2>&1 && exit 0
      if tail -n +$((seen + 1)) "$log" 2>/dev/null | grep -q "Could not create server TCP"; then
        echo "redis.sh: port $port is taken" >&2; exit 1
      fi
      sleep 0.02
    done
    echo "redis.sh: redis did not answer on $port" >&2; exit 1
    ;;
  crash|stop)
    if [ -f "$dir/redis/redis.pid" ]; then
      kill -9 "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true
      rm -f "$dir/redis/redis.pid"
    fi
    ;;
  restart)
    read -r port aof < "$dir/redis/args"
    exec bash "$0" start "$dir" "$port" "$aof"
    ;;
  *) echo "redis.sh: unknown command $cmd" >&2; exit 2 ;;
esac
