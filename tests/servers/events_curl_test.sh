#!/usr/bin/env bash
# Proves `faultline serve event-store` works end to end as the seeds describe it: a throwaway
# PostgreSQL (start.sh) and librdkafka's in-process mock cluster (--kafka mock), the event store
# on a free loopback port, then the seeds' curl examples for orders and accounts run exactly as
# the seeds show them (only the port substituted), with their answers checked: commands append
# events with versions and positions, the events of an aggregate are listed, time travel to the
# seeds' point in time (before anything happened) and to a commit time returns the state then.
# Beyond the seeds: expected versions (409), an idempotent retry (200, the same events), a
# business rule (422), snapshots, the global log read without gaps, the read models and the
# projections' lag, malformed requests refused with a 4xx JSON error and nothing applied, /health
# (postgres and kafka) and /metrics, a kill -9 of PostgreSQL shown by /health and survived, JSON
# log lines and a clean exit on SIGTERM.
# Usage: events_curl_test.sh FAULTLINE_BINARY. Needs curl and jq.
set -euo pipefail
NAME=events_curl_test
source "$(dirname "$0")/lib.sh"

# A port taken between the probe and the listen is retried (retry_start).
start_serve() {
  pick_port
  "$faultline" serve event-store --port "$PORT" --kafka mock --snapshot-every 2 \
    --log-level info 2> "$dir/serve.log" &
  pid=$!
  for _ in $(seq 1 300); do  # 30 s at most
    if ! kill -0 "$pid" 2> /dev/null; then
      pid=""
      grep -q '"msg":"cannot listen"' "$dir/serve.log" && return 1
      fail "faultline serve exited early"
    fi
    [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$PORT/health" 2> /dev/null)" = 200 ] &&
      return 0
    sleep 0.1
  done
  fail "port $PORT never became healthy"
}
retry_start start_serve "faultline serve"

is() {  # is JQ-FILTER: on $body, must print true
  [ "$(jq -r "$1" <<< "$body")" = true ] || fail "$1 is not true for: $body"
  ok
}

# --- The seeds' examples (000: orders), as shown. ---
body=$(curl -X POST http://localhost:$PORT/api/v1/commands \
  -H "Content-Type: application/json" \
  -d '{
    "aggregate_id": "order-123",
    "command_type": "CreateOrder",
    "data": {"customer_id": "cust-456", "amount": 100}
  }')
is '.version == 1 and .events[0].type == "OrderCreated" and .events[0].position == 1'
body=$(curl http://localhost:$PORT/api/v1/events/order-123)
is '(.events | length) == 1 and .events[0].data.customer_id == "cust-456"'
body=$(curl -X POST http://localhost:$PORT/api/v1/time-travel/restore \
  -H "Content-Type: application/json" \
  -d '{
    "aggregate_id": "order-123",
    "point_in_time": "2024-01-01T12:00:00Z"
  }')
is '.version == 0 and .state == null and .position == 0'

# --- The seeds' examples (002: accounts), as shown. ---
body=$(curl -X POST http://localhost:$PORT/api/v1/commands \
  -H "Content-Type: application/json" \
  -d '{
    "aggregate_id": "account-123",
    "command_type": "CreateAccount",
    "data": {"owner": "John Doe", "initial_balance": 1000}
  }')
is '.version == 2 and ([.events[].type] | join(",")) == "AccountCreated,Deposited"'
created_at=$(jq -r '.committed_at' <<< "$body")
body=$(curl -X POST http://localhost:$PORT/api/v1/commands \
  -H "Content-Type: application/json" \
  -d '{
    "aggregate_id": "account-123", 
    "command_type": "Withdraw",
    "data": {"amount": 200}
  }')
is '.version == 3 and .events[0].type == "Withdrawn" and .position == 4'
body=$(curl http://localhost:$PORT/api/v1/events/account-123)
is '([.events[].version] | join(",")) == "1,2,3" and ([.events[].position] | join(",")) == "2,3,4"'
body=$(curl -X POST http://localhost:$PORT/api/v1/time-travel/restore \
  -H "Content-Type: application/json" \
  -d '{
    "aggregate_id": "account-123",
    "point_in_time": "2024-01-01T12:00:00Z"
  }')
is '.version == 0 and .state == null'
# ... and to the time the account was created: the balance before the withdrawal.
call POST "http://localhost:$PORT/api/v1/time-travel/restore" \
  "{\"aggregate_id\": \"account-123\", \"point_in_time\": \"$created_at\"}"
expect 200 '.version == 2 and .state.balance == 1000 and .position == 3'
call POST "http://localhost:$PORT/api/v1/time-travel/restore" \
  '{"aggregate_id": "account-123", "position": 4}'
expect 200 '.version == 3 and .state.balance == 800 and .state.owner == "John Doe"'
call GET "http://localhost:$PORT/api/v1/aggregates/account-123"
expect 200 '.version == 3 and .state.balance == 800 and .snapshot_version == 2'

# --- Expected versions, idempotent retries, business rules. ---
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "account-123", "command_type": "Deposit", "data": {"amount": 5},
    "expected_version": 2}'
expect 409 '.current_version == 3 and (.error | contains("expected version 2"))'
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "account-123", "command_type": "Deposit", "data": {"amount": 5},
    "expected_version": 3, "command_id": "dep-1"}'
expect 201 '.version == 4 and .duplicate == false'
first=$(jq -c '.events' <<< "$body")
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "account-123", "command_type": "Deposit", "data": {"amount": 5},
    "expected_version": 3, "command_id": "dep-1"}'
expect 200 ".duplicate == true and (.events | tojson) == $(jq -R <<< "$first")"
# The same command_id with other data is refused, not answered with the first command's events.
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "account-123", "command_type": "Deposit", "data": {"amount": 6},
    "expected_version": 3, "command_id": "dep-1"}'
expect 409 '.error | contains("other data")'
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "account-123", "command_type": "Withdraw", "data": {"amount": 5000}}'
expect 422 '(.error | contains("insufficient funds")) and .current_version == 4'
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "account-123", "command_type": "CreateAccount", "data": {"owner": "x"},
    "expected_version": "none"}'
expect 409 '.current_version == 4'

# --- Snapshots (every 2 events here), the log, read models, projections. ---
call GET "http://localhost:$PORT/api/v1/aggregates/account-123/snapshots"
expect 200 '([.snapshots[].version] | join(",")) == "2,4" and .snapshots[1].state.balance == 805'
call GET "http://localhost:$PORT/api/v1/log?after=1&limit=10"
expect 200 '([.events[].position] | join(",")) == "2,3,4,5" and .head == 5 and .holes == 0'
for _ in $(seq 1 100); do  # the projections catch up (10 s at most)
  call GET "http://localhost:$PORT/api/v1/projections"
  [ "$(jq -r '[.projections[].lag] | max' <<< "$body")" = 0 ] && break
  sleep 0.1
done
expect 200 '.head == 5 and ([.projections[].lag] | max) == 0 and (.projections | length) == 2'
call GET "http://localhost:$PORT/api/v1/read-models/accounts/account-123"
expect 200 '.balance == 805 and .version == 4 and .owner == "John Doe"'
call GET "http://localhost:$PORT/api/v1/read-models/orders"
expect 200 '.count == 1 and .orders[0].order_id == "order-123" and .orders[0].status == "created"'

# --- Bad requests: 4xx with a JSON error, nothing applied. ---
call POST "http://localhost:$PORT/api/v1/commands" '{"aggregate_id": "a", "command_type": '
expect 400 '.error == "malformed JSON"'
call POST "http://localhost:$PORT/api/v1/commands" '{"aggregate_id": "a", "command_type": "Fly"}'
expect 400 '(.error | contains("unknown command_type"))'
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "a", "command_type": "Deposit", "data": {"amount": "ten"}}'
expect 400 '(.error | contains("integer"))'
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "a/b", "command_type": "Deposit", "data": {"amount": 1}}'
expect 400 '(.error | contains("aggregate_id"))'
call POST "http://localhost:$PORT/api/v1/commands" \
  '{"aggregate_id": "a", "command_type": "Deposit", "data": {"amount": 1}, "expected_version": "x"}'
expect 400 '(.error | contains("expected_version"))'
call POST "http://localhost:$PORT/api/v1/time-travel/restore" \
  '{"aggregate_id": "account-123", "point_in_time": "yesterday"}'
expect 400 '(.error | contains("RFC 3339"))'
call POST "http://localhost:$PORT/api/v1/time-travel/restore" '{"aggregate_id": "account-123"}'
expect 400 '(.error | contains("exactly one"))'
call POST "http://localhost:$PORT/api/v1/time-travel/restore" \
  '{"aggregate_id": "account-123", "position": 999}'
expect 409 '(.error | contains("beyond the head"))'
post_big "http://localhost:$PORT/api/v1/commands"
expect 413 '(.error | length) > 0'
call GET "http://localhost:$PORT/api/v1/aggregates/nobody"
expect 404 '(.error | length) > 0'
call DELETE "http://localhost:$PORT/api/v1/commands"
expect 405 '(.error | length) > 0'
call GET "http://localhost:$PORT/api/v1/log?after=0&limit=0"
expect 400 '(.error | contains("limit"))'
call GET "http://localhost:$PORT/api/v1/log"
expect 200 '.head == 5 and (.events | length) == 5'

# --- /health and /metrics. ---
call GET "http://localhost:$PORT/health"
expect 200 '.status == "ok" and (.dependencies | keys | join(",")) == "kafka,postgres"'
metrics=$(curl -s "http://localhost:$PORT/metrics")
grep -q '^faultline_events_head_position{service="event-store"} 5$' <<< "$metrics" ||
  fail "no head gauge: $(grep events <<< "$metrics")"
grep -q 'faultline_events_projection_lag{service="event-store",projection="read-models"} 0' \
  <<< "$metrics" || fail "no lag gauge: $(grep lag <<< "$metrics")"
grep -q 'faultline_events_commands_total{service="event-store",outcome="appended"} 4' \
  <<< "$metrics" || fail "commands not counted: $(grep commands <<< "$metrics")"
ok

# --- kill -9 of PostgreSQL: /health says so; after the restart commands work again. ---
bash "$servers/pg.sh" crash "$dir/servers" primary
wait_health "$PORT" 503
expect 503 '.dependencies.postgres.status == "failed" and .dependencies.kafka.status == "ok"'
bash "$servers/pg.sh" start "$dir/servers" primary
wait_health "$PORT" 200
for _ in $(seq 1 50); do  # a pooled connection from before the crash may fail once
  call POST "http://localhost:$PORT/api/v1/commands" \
    '{"aggregate_id": "account-123", "command_type": "Withdraw", "data": {"amount": 5},
      "command_id": "after-crash"}'
  [ "$code" = 201 ] || [ "$code" = 200 ] && break
  sleep 0.2
done
expect 201 '.version == 5 and .position == 6'
call GET "http://localhost:$PORT/api/v1/aggregates/account-123"
expect 200 '.state.balance == 800'

# --- Logs are JSON lines; SIGTERM stops the process cleanly. ---
stop_serve 11
grep -q '"msg":"command appended"' "$dir/serve.log" || fail "no command log line"
grep -q '"msg":"stopping"' "$dir/serve.log" || fail "no stopping line"
ok
echo "$passed passed, 0 failed"
