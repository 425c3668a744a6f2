#!/usr/bin/env bash
# Proves `faultline serve sync` works end to end as the seeds describe it: throwaway PostgreSQL
# (start.sh), the sync service on a free loopback port, then the seeds' curl examples run exactly
# as the seeds show them (only the port substituted) with their answers checked: a device
# registers, uploads an LWW edit and downloads it back with its version vector, and the CRDT
# merge answers the seeds' documented example exactly ({"value": "Hello from Device 2",
# "timestamp": "2024-01-01T11:00:00Z"}, whatever the argument order). Then what a real client
# needs: clear 4xx errors for an unknown device, an unknown type, malformed operations and
# bodies (nothing applied), an idempotent upload (a repeated per-device sequence number is
# answered again, not applied twice), paging of a large download with a cursor, a delta download
# that carries only the changes after the cursor, counters and OR-sets, /health (and PostgreSQL
# killed: 503 until it is back), /metrics, JSON log lines, and a clean exit on SIGTERM.
# Usage: sync_curl_test.sh FAULTLINE_BINARY. Needs curl and jq.
set -euo pipefail
NAME=sync_curl_test
source "$(dirname "$0")/lib.sh"

# A port taken between the probe and the listen is retried (retry_start).
start_serve() {
  pick_port
  SYNC=$PORT
  "$faultline" serve sync --port "$SYNC" --log-level info 2> "$dir/serve.log" &
  pid=$!
  for _ in $(seq 1 300); do  # 30 s at most
    if ! kill -0 "$pid" 2> /dev/null; then
      pid=""
      grep -q '"msg":"cannot listen"' "$dir/serve.log" && return 1
      fail "faultline serve sync exited early"
    fi
    [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$SYNC/health" 2> /dev/null)" = 200 ] && return 0
    sleep 0.1
  done
  fail "port $SYNC never became healthy"
}
retry_start start_serve "faultline serve sync"


# --- The seeds' examples, as shown. ---
body=$(curl -X POST http://localhost:$SYNC/api/v1/sync/register-device \
  -H "Content-Type: application/json" \
  -d '{"device_id": "device-123", "user_id": "user-456"}')
[ "$(jq -r '.device_id + " " + .user_id + " " + (.registered|tostring)' <<< "$body")" = \
  "device-123 user-456 true" ] || fail "register: $body"
ok
body=$(curl -X POST http://localhost:$SYNC/api/v1/sync/upload \
  -H "Content-Type: application/json" \
  -d '{
    "device_id": "device-123",
    "changes": [
      {
        "entity_id": "doc-1",
        "crdt_type": "LWWRegister",
        "operations": [{"type": "set", "value": "hello", "timestamp": "2024-01-01T10:00:00Z"}]
      }
    ]
  }')
jq -e '.changes[0] | .entity_id == "doc-1" and .value == "hello" and .changed and
  (.version_vector | length == 1)' <<< "$body" > /dev/null || fail "upload: $body"
ok
body=$(curl http://localhost:$SYNC/api/v1/sync/download?device_id=device-123)
jq -e '.has_more == false and .cursor >= 1 and (.changes | length == 1) and
  .changes[0].entity_id == "doc-1" and .changes[0].value == "hello" and
  .changes[0].crdt_type == "LWWRegister" and (.changes[0].version_vector | length == 1)' \
  <<< "$body" > /dev/null || fail "download: $body"
cursor=$(jq -r .cursor <<< "$body")
ok
body=$(curl -X POST http://localhost:$SYNC/api/v1/crdt/merge \
  -H "Content-Type: application/json" \
  -d '{
    "crdt_type": "LWWRegister",
    "local_state": {
      "value": "Hello from Device 1",
      "timestamp": "2024-01-01T10:00:00Z",
      "node_id": "device1"
    },
    "remote_state": {
      "value": "Hello from Device 2", 
      "timestamp": "2024-01-01T11:00:00Z",
      "node_id": "device2"
    }
  }')
expected='{"timestamp":"2024-01-01T11:00:00Z","value":"Hello from Device 2"}'
[ "$(jq -S -c . <<< "$body")" = "$expected" ] || fail "merge: $body"
ok
# The same states the other way round: the same answer (the join commutes).
call POST "http://localhost:$SYNC/api/v1/crdt/merge" '{"crdt_type": "LWWRegister",
  "local_state": {"value": "Hello from Device 2", "timestamp": "2024-01-01T11:00:00Z",
                  "node_id": "device2"},
  "remote_state": {"value": "Hello from Device 1", "timestamp": "2024-01-01T10:00:00Z",
                   "node_id": "device1"}}'
[ "$code" = 200 ] && [ "$(jq -S -c . <<< "$body")" = "$expected" ] || fail "merge reversed: $body"
ok
# Equal timestamps: the node id decides, whichever side is local.
for order in "device1 device2" "device2 device1"; do
  set -- $order
  call POST "http://localhost:$SYNC/api/v1/crdt/merge" "{\"crdt_type\": \"LWWRegister\",
    \"local_state\": {\"value\": \"$1\", \"timestamp\": \"2024-01-01T10:00:00Z\", \"node_id\": \"$1\"},
    \"remote_state\": {\"value\": \"$2\", \"timestamp\": \"2024-01-01T10:00:00Z\", \"node_id\": \"$2\"}}"
  expect 200 '.value == "device2"'
done

# --- What a real client needs: clear refusals that change nothing. ---
call GET "http://localhost:$SYNC/api/v1/sync/download?device_id=nobody"
expect 404 '.error | test("unknown device nobody")'
call POST "http://localhost:$SYNC/api/v1/sync/upload" \
  '{"device_id": "nobody", "changes": [{"entity_id": "x", "crdt_type": "GCounter",
    "operations": [{"type": "increment", "value": 1}]}]}'
expect 404 '.error | test("unknown device")'
call POST "http://localhost:$SYNC/api/v1/sync/upload" \
  '{"device_id": "device-123", "changes": [{"entity_id": "x", "crdt_type": "Banana",
    "operations": [{"type": "set", "value": 1}]}]}'
expect 400 '.error | test("unknown crdt_type .Banana.")'
call POST "http://localhost:$SYNC/api/v1/sync/upload" \
  '{"device_id": "device-123", "changes": [{"entity_id": "c1", "crdt_type": "GCounter",
    "operations": [{"type": "increment", "value": 2}, {"type": "decrement", "value": 1}]}]}'
expect 400 '.error | test("operations\\[1\\]: operation .decrement. is not one of GCounter")'
call POST "http://localhost:$SYNC/api/v1/sync/upload" \
  '{"device_id": "device-123", "changes": [{"entity_id": "c1", "crdt_type": "GCounter",
    "operations": [{"type": "increment", "value": -5}]}]}'
expect 400 '.error | test("value must be an integer")'
call POST "http://localhost:$SYNC/api/v1/sync/upload" \
  '{"device_id": "device-123", "changes": [{"entity_id": "doc-1", "crdt_type": "LWWRegister",
    "operations": [{"type": "set", "value": "x", "timestamp": "yesterday"}]}]}'
expect 400 '.error | test("not RFC 3339")'
call POST "http://localhost:$SYNC/api/v1/sync/upload" '{"device_id": "device-123", "changes": ['
expect 400 '.error | length > 0'
call POST "http://localhost:$SYNC/api/v1/sync/upload" \
  '{"device_id": "device-123", "changes": [{"entity_id": "doc-1", "crdt_type": "GCounter",
    "operations": [{"type": "increment", "value": 1}]}]}'
expect 409 '.error | test("doc-1 is a LWWRegister, not a GCounter")'
call POST "http://localhost:$SYNC/api/v1/sync/register-device" \
  '{"device_id": "device-123", "user_id": "someone-else"}'
expect 409 '.error | test("another user")'
call POST "http://localhost:$SYNC/api/v1/crdt/merge" '{"crdt_type": "LWWRegister",
  "local_state": {"value": 1, "timestamp": "2024-13-01T00:00:00Z", "node_id": "a"},
  "remote_state": {"value": 2, "timestamp": "2024-01-01T00:00:00Z", "node_id": "b"}}'
expect 400 '.error | test("local_state")'
call GET "http://localhost:$SYNC/api/v1/sync/download?device_id=device-123&since=$cursor"
expect 200 '(.changes | length) == 0'  # the refusals above applied nothing

# --- Idempotent uploads: a repeated sequence number is answered again, not applied twice. ---
inc='{"device_id": "device-123", "seq": 7, "changes": [{"entity_id": "c1", "crdt_type":
  "GCounter", "operations": [{"type": "increment", "value": 5}]}]}'
call POST "http://localhost:$SYNC/api/v1/sync/upload" "$inc"
expect 200 '.replayed == false and .changes[0].value == 5'
call POST "http://localhost:$SYNC/api/v1/sync/upload" "$inc"
expect 200 '.replayed == true and .changes[0].value == 5'
call GET "http://localhost:$SYNC/api/v1/sync/entities/c1"
expect 200 '.value == 5'
call POST "http://localhost:$SYNC/api/v1/sync/upload" "${inc/\"seq\": 7/\"seq\": 6}"
expect 409 '.error | test("older than the last applied")'
# An OR-set: add-wins, observed removes.
call POST "http://localhost:$SYNC/api/v1/sync/upload" '{"device_id": "device-123", "changes": [
  {"entity_id": "s1", "crdt_type": "ORSet", "operations": [{"type": "add", "value": "milk"},
  {"type": "add", "value": "eggs"}, {"type": "remove", "value": "milk"}]},
  {"entity_id": "p1", "crdt_type": "PNCounter", "operations": [{"type": "increment", "value": 3},
  {"type": "decrement", "value": 5}]}]}'
expect 200 '.changes[0].value == ["eggs"] and .changes[1].value == -2'

# --- A delta download carries what changed after the cursor; big ones come in pages. ---
call GET "http://localhost:$SYNC/api/v1/sync/download?device_id=device-123&since=$cursor"
expect 200 '([.changes[].entity_id] | sort) == ["c1", "p1", "s1"] and .has_more == false'
cursor=$(jq -r .cursor <<< "$body")
changes=$(jq -c -n '[range(0; 100) | {entity_id: ("bulk-" + tostring), crdt_type: "LWWRegister",
  operations: [{type: "set", value: .}]}]')
for batch in 1 2; do
  call POST "http://localhost:$SYNC/api/v1/sync/upload" \
    "{\"device_id\": \"device-123\", \"changes\": ${changes//bulk-/bulk$batch-}}"
  expect 200 '(.changes | length) == 100'
done
seen=0
since=$cursor
for page in 1 2 3 4 5; do
  call GET "http://localhost:$SYNC/api/v1/sync/download?device_id=device-123&since=$since&limit=60"
  expect 200 '(.changes | length) <= 60'
  seen=$((seen + $(jq '.changes | length' <<< "$body")))
  since=$(jq -r .cursor <<< "$body")
  [ "$(jq -r .has_more <<< "$body")" = false ] && break
done
[ "$seen" = 200 ] && [ "$page" = 4 ] || fail "paged download saw $seen changes in $page pages"
ok
call GET "http://localhost:$SYNC/api/v1/sync/download?device_id=device-123&since=$since"
expect 200 '(.changes | length) == 0 and .has_more == false'

# --- /health and /metrics; PostgreSQL down shows, and recovery shows too. ---
call GET "http://localhost:$SYNC/health"
expect 200 '.status == "ok" and .dependencies.postgres.status == "ok"'
metrics=$(curl -s "http://localhost:$SYNC/metrics")
grep -q 'faultline_sync_since_start{service="sync",kind="uploads"} ' <<< "$metrics" ||
  fail "no sync metrics: $(grep sync_since <<< "$metrics")"
grep -q 'faultline_http_requests_total{.*route="/api/v1/sync/upload",method="POST",status="400"} ' \
  <<< "$metrics" || fail "upload 400s not counted"
ok
bash "$servers/pg.sh" crash "$dir/servers" primary > /dev/null
wait_health "$SYNC" 503
ok
call GET "http://localhost:$SYNC/api/v1/sync/download?device_id=device-123"
[ "${code:0:1}" = 5 ] || fail "a download without PostgreSQL answered $code: $body"
ok
bash "$servers/pg.sh" start "$dir/servers" primary > /dev/null
wait_health "$SYNC" 200
ok
call GET "http://localhost:$SYNC/api/v1/sync/entities/c1"
expect 200 '.value == 5'

# --- Logs are JSON lines; SIGTERM stops the process cleanly. ---
stop_serve 4
grep -q '"msg":"device registered"' "$dir/serve.log" || fail "no registration logged"
ok
echo "sync curl test: $passed checks passed"
