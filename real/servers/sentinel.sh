#!/usr/bin/env bash
# Keeps the throwaway servers under DIR from outliving the process that started them: waits
# while OWNER_PID lives, then thaws anything left frozen (SIGSTOP by a pause fault) and runs
# stop.sh DIR. A faultline run that ends normally stops the servers itself and then this
# sentinel (SIGTERM: exits at once); one that is interrupted or killed (even with SIGKILL)
# leaves the cleanup to the sentinel, within about half a second.
# Usage: sentinel.sh DIR OWNER_PID   (started detached, in its own session, by the owner)
set -uo pipefail
dir=${1:?usage: sentinel.sh DIR OWNER_PID}
owner=${2:?usage: sentinel.sh DIR OWNER_PID}
here=$(cd "$(dirname "$0")" && pwd)
trap 'exit 0' TERM
while kill -0 "$owner" 2>/dev/null && [ -d "$dir" ]; do sleep 0.5 & wait $!; done
[ -d "$dir" ] || exit 0
for pidfile in "$dir"/primary/postmaster.pid "$dir"/replica/postmaster.pid "$dir"/redis/redis.pid; do
  pid=$(head -n 1 "$pidfile" 2>/dev/null) || continue
  [ -n "$pid" ] || continue
  kill -CONT "$pid" 2>/dev/null
  pkill -CONT -P "$pid" 2>/dev/null
done
bash "$here/stop.sh" "$dir" > /dev/null 2>&1
