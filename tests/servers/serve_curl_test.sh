#!/usr/bin/env bash
# Proves `faultline serve all` works end to end as the seeds describe it: throwaway PostgreSQL
# and Redis (start.sh) and librdkafka's in-process mock cluster (--kafka mock), the four services
# on free loopback ports, then the seeds' curl examples for sagas and inventory run exactly as
# the seeds show them (only the port substituted), with their answers checked: status codes and
# JSON fields, a saga created by POST reaching a final state visible by GET (completed for an
# order of a stocked item, compensated for one without), stock moved accordingly, malformed and
# oversized requests refused with a 4xx JSON error and nothing applied, /health reporting
# postgres, redis and kafka (and a killed Redis or PostgreSQL as failed until restarted, after
# which an order completes again), /metrics in Prometheus text, JSON log lines, a clean exit on
# SIGTERM.
# Usage: serve_curl_test.sh FAULTLINE_BINARY. Needs curl and jq.
set -euo pipefail
NAME=serve_curl_test
source "$(dirname "$0")/lib.sh"

# Four consecutive free ports in 10000..19999: below the kernel's ephemeral range (32768 and up
# here), where the outgoing connections of tests running beside this one take their ports, and
# apart from 20000 and up, where real-mode scenarios put their service processes
# (pick_service_port); bounded tries.
pick_base() {
  base=""
  for _ in $(seq 1 100); do
    local b=$((10000 + (RANDOM % 9996)))
    if port_free "$b" && port_free $((b + 1)) && port_free $((b + 2)) && port_free $((b + 3)); then
      base=$b
      return 0
    fi
  done
  fail "no four free ports"
}

# start_serve: starts `faultline serve all` on a fresh base port and waits until every service
# answers /health. Returns 1 if the process exited because a port was taken meanwhile (another
# process bound it between the probe and the listen); fails the test for any other early exit.
start_serve() {
  pick_base
  SAGA=$base INVENTORY=$((base + 1)) PAYMENT=$((base + 2)) NOTIFICATION=$((base + 3))
  # Steps get 5 s (the default 1 s x 3 attempts can compensate an order on a loaded CI machine
  # while PostgreSQL restarts below).
  FL_DRAIN_MS=1500 SAGA_STEP_TIMEOUT_MS=5000 "$faultline" serve all --port-base "$base" --kafka mock \
    --log-level info 2> "$dir/serve.log" &
  pid=$!
  local port up
  for port in $SAGA $INVENTORY $PAYMENT $NOTIFICATION; do
    up=0
    for _ in $(seq 1 300); do  # 30 s at most per service
      if ! kill -0 "$pid" 2> /dev/null; then
        pid=""
        grep -q '"msg":"cannot listen"' "$dir/serve.log" && return 1
        fail "faultline serve exited early"
      fi
      if [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/health" 2> /dev/null)" = 200 ]; then
        up=1
        break
      fi
      sleep 0.1
    done
    [ "$up" = 1 ] || fail "port $port never became healthy"
  done
}
retry_start start_serve "faultline serve"


# --- The seeds' inventory examples, as shown. ---
body=$(curl http://localhost:$INVENTORY/api/v1/items)
[ "$(jq -r '.items | length' <<< "$body")" = 0 ] || fail "items not empty: $body"
ok
body=$(curl -X POST http://localhost:$INVENTORY/api/v1/items \
  -H "Content-Type: application/json" \
  -d '{"sku": "LAPTOP001", "name": "Gaming Laptop", "quantity": 10}')
[ "$(jq -r '.sku + " " + (.quantity|tostring)' <<< "$body")" = "LAPTOP001 10" ] || fail "$body"
ok
body=$(curl -X POST http://localhost:$INVENTORY/api/v1/items/LAPTOP001/reserve \
  -H "Content-Type: application/json" \
  -d '{"quantity": 2, "reservation_id": "res-123"}')
[ "$(jq -r '.state + " " + .reservation_id' <<< "$body")" = "held res-123" ] || fail "$body"
ok
call GET "http://localhost:$INVENTORY/api/v1/items/LAPTOP001"
expect 200 '.available == 8 and .reserved == 2 and .name == "Gaming Laptop"'
# The same reservation again is idempotent; a bigger one than the stock is refused.
call POST "http://localhost:$INVENTORY/api/v1/items/LAPTOP001/reserve" \
  '{"quantity": 2, "reservation_id": "res-123"}'
expect 200 '.state == "held"'
call POST "http://localhost:$INVENTORY/api/v1/items/LAPTOP001/reserve" \
  '{"quantity": 50, "reservation_id": "res-too-big"}'
expect 409 '(.error | length) > 0 and .reservation.state == "rejected"'
call POST "http://localhost:$INVENTORY/api/v1/items" '{"sku": "LAPTOP001", "quantity": 1}'
expect 409 '(.error | contains("exists"))'

# --- The seeds' saga examples, as shown. ---
body=$(curl -X POST http://localhost:$SAGA/api/v1/sagas \
  -H "Content-Type: application/json" \
  -d '{
    "type": "order_processing",
    "data": {"order_id": "123", "user_id": "user1"}
  }')
saga_id=$(jq -r '.saga_id' <<< "$body")
[ -n "$saga_id" ] && [ "$saga_id" != null ] || fail "no saga_id in $body"
[ "$(jq -r '.type' <<< "$body")" = order_processing ] || fail "$body"
ok
body=$(curl -X POST http://localhost:$SAGA/api/v1/sagas \
  -H "Content-Type: application/json" \
  -d '{
    "type": "order_processing",
    "data": {
      "order_id": "test-001",
      "user_id": "user-123"
    }
  }')
second_id=$(jq -r '.saga_id' <<< "$body")
body=$(curl -X POST http://localhost:$SAGA/api/v1/sagas -d '{"type":"order_processing"}')
third_id=$(jq -r '.saga_id' <<< "$body")
[ "$third_id" != null ] && [ "$second_id" != null ] || fail "sagas not created"
ok
# An order of a stocked item, which must complete.
call POST "http://localhost:$SAGA/api/v1/sagas" \
  '{"type": "order_processing", "data": {"order_id": "o-laptop", "user_id": "u1",
    "sku": "LAPTOP001", "quantity": 1, "amount_cents": 129900}, "idempotency_key": "k-1"}'
expect 201 '.status == "running" or .status == "completed"'
laptop_id=$(jq -r '.saga_id' <<< "$body")
call POST "http://localhost:$SAGA/api/v1/sagas" \
  '{"type": "order_processing", "data": {"order_id": "o-laptop", "user_id": "u1",
    "sku": "LAPTOP001", "quantity": 1, "amount_cents": 129900}, "idempotency_key": "k-1"}'
expect 200 ".saga_id == \"$laptop_id\""

wait_final() {  # wait_final ID -> sets $body to the saga once final (30 s at most)
  for _ in $(seq 1 300); do
    body=$(curl http://localhost:$SAGA/api/v1/sagas/$1)
    case "$(jq -r '.status' <<< "$body")" in completed | compensated | failed) return 0 ;; esac
    sleep 0.1
  done
  fail "saga $1 did not finish: $body"
}
wait_final "$saga_id"
[ "$(jq -r '.status' <<< "$body")" = compensated ] || fail "no sku must compensate: $body"
ok
wait_final "$laptop_id"
[ "$(jq -r '.status' <<< "$body")" = completed ] || fail "stocked order must complete: $body"
[ "$(jq -r '[.steps[].state] | join(",")' <<< "$body")" = succeeded,succeeded,succeeded ] ||
  fail "steps: $body"
ok
wait_final "$second_id"
wait_final "$third_id"
body=$(curl http://localhost:$SAGA/api/v1/sagas)
[ "$(jq -r '.count' <<< "$body")" = 4 ] || fail "list: $body"
[ "$(jq -r "[.sagas[].saga_id] | index(\"$laptop_id\") != null" <<< "$body")" = true ] ||
  fail "list lacks $laptop_id"
ok
# Redis holds what the orchestrator caches, written after the commits: the idempotency key's
# saga and request hash, and the finished saga's row. A retried POST with the same key is
# answered from Redis (a cache hit), one with another request under the key still gets 422.
read -r rport _ < "$dir/servers/redis/args"
idem=$(redis-cli -p "$rport" get "saga:idem:k-1")
[ "${idem%% *}" = "$laptop_id" ] || fail "idempotency entry: '$idem'"
[ "$(redis-cli -p "$rport" exists "saga:final:$laptop_id")" = 1 ] || fail "finished saga not cached"
call POST "http://localhost:$SAGA/api/v1/sagas" \
  '{"type": "order_processing", "data": {"order_id": "o-laptop", "user_id": "u1",
    "sku": "LAPTOP001", "quantity": 1, "amount_cents": 129900}, "idempotency_key": "k-1"}'
expect 200 ".saga_id == \"$laptop_id\" and .status == \"completed\""
call POST "http://localhost:$SAGA/api/v1/sagas" \
  '{"type": "order_processing", "data": {"order_id": "o-laptop", "user_id": "u1",
    "sku": "LAPTOP001", "quantity": 2, "amount_cents": 1}, "idempotency_key": "k-1"}'
expect 422 '(.error | contains("different request"))'
grep -q 'faultline_saga_cache{service="saga",event="hit"} [1-9]' \
  <<< "$(curl -s "http://localhost:$SAGA/metrics")" || fail "no cache hits counted"
ok
call GET "http://localhost:$INVENTORY/api/v1/items/LAPTOP001"
expect 200 '.available == 7 and .reserved == 3'
call GET "http://localhost:$PAYMENT/api/v1/ledger"
expect 200 '[.entries[].amount_cents] | add == 129900'
call GET "http://localhost:$NOTIFICATION/api/v1/notifications?order_id=o-laptop"
expect 200 '.count == 1'

# --- Bad requests: 4xx with a JSON error, nothing applied. ---
call POST "http://localhost:$SAGA/api/v1/sagas" '{"type": "order_processing", "data": '
expect 400 '.error == "malformed JSON"'
call POST "http://localhost:$SAGA/api/v1/sagas" '{"type": 42}'
expect 400 '(.error | contains("must be a string"))'
call POST "http://localhost:$SAGA/api/v1/sagas" '{"data": {}}'
expect 400 '(.error | contains("missing field"))'
call POST "http://localhost:$SAGA/api/v1/sagas" '{"type": "no_such_saga"}'
expect 400 '(.error | contains("unknown saga type"))'
call POST "http://localhost:$SAGA/api/v1/sagas" '{"type": "order_processing", "data": []}'
expect 400 '(.error | contains("must be an object"))'
call POST "http://localhost:$INVENTORY/api/v1/items/LAPTOP001/reserve" \
  '{"quantity": "2", "reservation_id": "res-bad"}'
expect 400 '(.error | contains("integer"))'
call POST "http://localhost:$INVENTORY/api/v1/items/LAPTOP001/reserve" '{"quantity": 1}'
expect 400 '(.error | contains("reservation_id"))'
call POST "http://localhost:$INVENTORY/api/v1/items" '{"sku": "X1", "quantity": -5}'
expect 400 '(.error | length) > 0'
post_big "http://localhost:$SAGA/api/v1/sagas"
expect 413 '(.error | length) > 0'
call GET "http://localhost:$SAGA/api/v1/nothing"
expect 404 '(.error | length) > 0'
call DELETE "http://localhost:$SAGA/api/v1/sagas"
expect 405 '(.error | length) > 0'
call GET "http://localhost:$SAGA/api/v1/sagas/no-such-saga"
expect 404 '(.error | length) > 0'
call GET "http://localhost:$SAGA/api/v1/sagas?limit=0"
expect 400 '(.error | contains("limit"))'
body=$(curl -s http://localhost:$SAGA/api/v1/sagas)
[ "$(jq -r '.count' <<< "$body")" = 4 ] || fail "a bad request started a saga: $body"
call GET "http://localhost:$INVENTORY/api/v1/items"
expect 200 '.count == 1 and .items[0].available == 7'

# --- /health and /metrics on every service. ---
# Only the orchestrator uses Redis (its idempotency fast path and finished sagas).
call GET "http://localhost:$SAGA/health"
expect 200 '.status == "ok" and ([.dependencies[] | .status] | join(",")) == "ok,ok,ok"
  and (.dependencies | keys | join(",")) == "kafka,postgres,redis"'
for port in $INVENTORY $PAYMENT $NOTIFICATION; do
  call GET "http://localhost:$port/health"
  expect 200 '.status == "ok" and ([.dependencies[] | .status] | join(",")) == "ok,ok"
    and (.dependencies | keys | join(",")) == "kafka,postgres"'
  metrics=$(curl -s "http://localhost:$port/metrics")
  grep -q '^# TYPE faultline_http_request_duration_seconds histogram$' <<< "$metrics" ||
    fail "no latency histogram on $port"
  grep -q 'faultline_http_requests_total{.*route="/health",method="GET",status="200"} ' \
    <<< "$metrics" || fail "no request counter on $port"
  grep -q 'faultline_http_connections{.*state="open"} [1-9]' <<< "$metrics" ||
    fail "no open-connection gauge on $port"
  grep -q 'faultline_http_connection_events{.*event="accepted"} [1-9]' <<< "$metrics" ||
    fail "no accepted-connection count on $port"
  ok
done
metrics=$(curl -s "http://localhost:$SAGA/metrics")
grep -q 'faultline_http_requests_total{service="saga",route="/api/v1/sagas",method="POST",status="400"} 5' \
  <<< "$metrics" || fail "saga 400s not counted: $(grep sagas <<< "$metrics")"
grep -q 'faultline_sagas_since_start{service="saga",state="completed"} ' <<< "$metrics" ||
  fail "no saga state metrics"
grep -q 'faultline_sagas_unfinished{service="saga",state="running"} 0' <<< "$metrics" ||
  fail "unfinished sagas: $(grep unfinished <<< "$metrics")"
ok

# --- A dependency that goes down shows in /health, and recovery shows too. ---
bash "$servers/redis.sh" crash "$dir/servers"
wait_health "$SAGA" 503
expect 503 '.status == "degraded" and .dependencies.redis.status == "failed"
  and (.dependencies.redis.error | length) > 0 and .dependencies.postgres.status == "ok"'
bash "$servers/redis.sh" restart "$dir/servers"
# Each service's first use of a pooled connection from before the crash may fail once.
for port in $SAGA $INVENTORY $PAYMENT $NOTIFICATION; do wait_health "$port" 200; done
bash "$servers/pg.sh" crash "$dir/servers" primary
wait_health "$SAGA" 503
expect 503 '.dependencies.postgres.status == "failed" and .dependencies.redis.status == "ok"'
bash "$servers/pg.sh" start "$dir/servers" primary
wait_health "$SAGA" 200
# The services work again after the restart: one more order completes.
call POST "http://localhost:$SAGA/api/v1/sagas" \
  '{"type": "order_processing", "data": {"sku": "LAPTOP001", "amount_cents": 100}}'
expect 201 '.saga_id != null'
wait_final "$(jq -r '.saga_id' <<< "$body")"
[ "$(jq -r '.status' <<< "$body")" = completed ] || fail "after restarts: $body"
ok

# --- Logs are JSON lines; SIGTERM stops the process cleanly. ---
kill -TERM "$pid"
# Draining: readiness turns 503 at once (for --drain-ms, here 1.5 s) while liveness stays 200.
sleep 0.3
call GET "http://localhost:$SAGA/health/ready"
expect 503 '[.not_ready[] | startswith("draining")] | any'
call GET "http://localhost:$SAGA/health/live"
expect 200 'true'
stop_serve 11 signalled
grep -q '"msg":"stopping"' "$dir/serve.log" || fail "no stopping line"
grep -q '"msg":"draining"' "$dir/serve.log" || fail "no draining line"
# Every service's consumer left its group (a LeaveGroup, not a session timeout) before the exit.
for svc in saga inventory payment notification; do
  grep -q "\"service\":\"$svc\",\"msg\":\"left the consumer group\"" "$dir/serve.log" ||
    fail "$svc did not leave its consumer group: $(grep -c consumer "$dir/serve.log")"
done
ok
echo "$passed passed, 0 failed"
