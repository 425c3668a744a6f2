#!/usr/bin/env bash
# The first saga after a cold start (issue 19): `faultline serve all` on throwaway PostgreSQL and
# Redis and the in-process Kafka mock cluster; once every service's /health/ready says 200 (its
# stores answer and its consumer groups hold their partitions), one order of a stocked item must
# complete within 1 s of its POST, with its three steps done. Repeated over ROUNDS cold starts
# (default 3); prints every time measured and fails if any is 1 s or more.
# Usage: first_saga_test.sh FAULTLINE_BINARY [ROUNDS]. Needs curl and jq.
set -euo pipefail
NAME=first_saga_test
source "$(dirname "$0")/lib.sh"
rounds=${2:-3}
limit_ms=1000

# A base port with four free ports after it (10000..19999, see lib.sh's pick_port).
start_all() {
  pick_port
  base=$PORT
  for i in 1 2 3; do port_free $((base + i)) || return 1; done
  "$faultline" serve all --port-base "$base" --kafka mock --log-level info 2>> "$dir/serve.log" &
  pid=$!
  for port in $base $((base + 1)) $((base + 2)) $((base + 3)); do
    for _ in $(seq 1 1500); do  # 30 s at most
      if ! kill -0 "$pid" 2> /dev/null; then
        pid=""
        grep -q '"msg":"cannot listen"' "$dir/serve.log" && return 1
        fail "faultline serve exited early"
      fi
      [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/health/ready" \
        2> /dev/null)" = 200 ] && continue 2
      sleep 0.02
    done
    fail "port $port never became ready"
  done
}

worst=0
for round in $(seq 1 "$rounds"); do
  retry_start start_all "faultline serve all"
  call POST "http://localhost:$((base + 1))/api/v1/items" \
    "{\"sku\": \"FIRST$round\", \"name\": \"first\", \"quantity\": 5}"
  [ "$code" = 201 ] || [ "$code" = 200 ] || fail "item: $code $body"
  began=$(date +%s%N)
  call POST "http://localhost:$base/api/v1/sagas" \
    "{\"type\": \"order_processing\", \"data\": {\"order_id\": \"first-$round\", \"user_id\": \"u1\",
      \"sku\": \"FIRST$round\", \"quantity\": 1, \"amount_cents\": 500}}"
  expect 201 '.saga_id != null'
  id=$(jq -r .saga_id <<< "$body")
  status=""
  for _ in $(seq 1 500); do  # 10 s at most, polled every 20 ms
    call GET "http://localhost:$base/api/v1/sagas/$id"
    status=$(jq -r .status <<< "$body")
    case "$status" in completed | compensated | failed) break ;; esac
    sleep 0.02
  done
  took_ms=$((($(date +%s%N) - began) / 1000000))
  [ "$status" = completed ] || fail "first saga ended '$status' after $took_ms ms: $body"
  echo "round $round: the first saga completed ${took_ms} ms after its POST"
  [ "$took_ms" -gt "$worst" ] && worst=$took_ms
  stop_serve 1
  ok
done
echo "slowest first saga: ${worst} ms (goal: < ${limit_ms} ms)"
[ "$worst" -lt "$limit_ms" ] || fail "the first saga took ${worst} ms"
echo "PASS: $NAME ($passed checks)"
