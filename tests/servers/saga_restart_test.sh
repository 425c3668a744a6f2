#!/usr/bin/env bash
# Proves the orchestrator starts after its millionth saga (issue 19): a throwaway PostgreSQL
# (start.sh) gets 1,000,000 finished sagas and 1,000 unfinished ones (copies of a real saga row,
# bulk-inserted with generate_series); `faultline serve saga` (the orchestrator) restarted on it
# must recover in under 2 s (faultline_saga_recovery_seconds) and answer /health/ready 200 no more
# than 2 s later than a start on empty tables (recovery reads the unfinished sagas through the
# status index, not the table), recover exactly the unfinished sagas, and GET /api/v1/sagas,
# paged by its `next` cursor, must return every saga exactly once (and ?status= the finished
# ones exactly). Prints the measured start-up time.
# Usage: saga_restart_test.sh FAULTLINE_BINARY [FINISHED_SAGAS]. Needs curl, jq and psql.
set -euo pipefail
NAME=saga_restart_test
source "$(dirname "$0")/lib.sh"
finished=${2:-1000000}
unfinished=1000
command -v psql > /dev/null || fail "psql is not installed"

start_serve() {
  pick_port
  started_ns=$(date +%s%N)
  SAGA_STEP_TIMEOUT_MS=60000 "$faultline" serve saga --port "$PORT" --kafka mock \
    --log-level info 2>> "$dir/serve.log" &
  pid=$!
  for _ in $(seq 1 1500); do  # 30 s at most
    if ! kill -0 "$pid" 2> /dev/null; then
      pid=""
      grep -q '"msg":"cannot listen"' "$dir/serve.log" && return 1
      fail "faultline serve exited early"
    fi
    if [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$PORT/health/ready" \
      2> /dev/null)" = 200 ]; then
      ready_ms=$((($(date +%s%N) - started_ns) / 1000000))
      return 0
    fi
    sleep 0.02
  done
  fail "port $PORT never became ready"
}

# 1. A first start creates the tables; one saga (it stays running: no participants) is the
#    template of every bulk row.
retry_start start_serve "faultline serve"
empty_ready_ms=$ready_ms
echo "first start (empty tables) ready after ${ready_ms} ms"
call POST "http://localhost:$PORT/api/v1/sagas" \
  '{"type":"order_processing","idempotency_key":"template","data":{"order_id":"o-1","user_id":"u-1"}}'
[ "$code" = 201 ] || [ "$code" = 200 ] || [ "$code" = 202 ] || fail "template saga: $code $body"
template=$(jq -r .saga_id <<< "$body")
stop_serve 1

# 2. The bulk rows.
sql() { psql -v ON_ERROR_STOP=1 -qAt -c "$1"; }
copy_rows() {  # copy_rows PREFIX STATUS COUNT
  sql "INSERT INTO saga_instances SELECT '$1' || lpad(g::text, 7, '0'), saga_type,
         '$1' || g, data, '$2', step, direction, attempt, steps, error, version,
         created_wall_ns, updated_wall_ns
       FROM saga_instances, generate_series(1, $3) g WHERE saga_id = '$template'"
}
fill_start=$(date +%s)
copy_rows done- completed "$finished"
copy_rows open- running "$unfinished"
sql "ANALYZE saga_instances"
total=$(sql "SELECT count(*) FROM saga_instances")
[ "$total" = $((finished + unfinished + 1)) ] || fail "table holds $total rows"
echo "filled $total sagas in $(($(date +%s) - fill_start)) s"

# 3. The restart: ready within 2 s, every unfinished saga recovered.
retry_start start_serve "faultline serve"
metrics=$(curl -s "http://localhost:$PORT/metrics")
recovery=$(sed -n 's/^faultline_saga_recovery_seconds{[^}]*} \(.*\)$/\1/p' <<< "$metrics")
echo "ready ${ready_ms} ms after start with $total sagas (empty tables: ${empty_ready_ms} ms;" \
  "recovery itself: ${recovery} s)"
# The goal is the orchestrator's own start-up: its recovery under 2 s, and no more than 2 s added
# to a start on empty tables (whose time is the Kafka consumer group's first assignment: the
# mock cluster, like a broker with group.initial.rebalance.delay.ms = 3000, waits ~3 s).
awk -v r="$recovery" 'BEGIN { exit !(r != "" && r < 2.0) }' || fail "recovery took ${recovery} s"
[ $((ready_ms - empty_ready_ms)) -lt 2000 ] ||
  fail "ready after ${ready_ms} ms, ${empty_ready_ms} ms on empty tables (goal: < 2000 more)"
ok
grep -qE "^faultline_sagas_since_start\{.*state=\"recovered\"\} $((unfinished + 1))\$" <<< "$metrics" ||
  fail "recovered count wrong: $(grep recovered <<< "$metrics")"
ok

# 4. Paging: every saga exactly once; the finished ones by status.
page_all() {  # page_all QUERY OUT: follows `next` until null, ids to OUT
  local after="" n=0 code
  : > "$2"
  while :; do
    code=$(curl -s -o "$dir/page.json" -w '%{http_code}' \
      "http://localhost:$PORT/api/v1/sagas?limit=1000$1${after:+&after=$after}")
    [ "$code" = 200 ] || fail "page after '$after': $code $(head -c 300 "$dir/page.json")"
    # One jq per page: the ids, then the cursor on the last line ("" when none).
    jq -r '(.sagas[].saga_id), (.next // "")' "$dir/page.json" > "$dir/page.ids"
    after=$(tail -n 1 "$dir/page.ids")
    head -n -1 "$dir/page.ids" >> "$2"
    [ -n "$after" ] || break
    n=$((n + 1))
    [ "$n" -le $((total / 1000 + 2)) ] || fail "paging does not end"
  done
}
page_all "" "$dir/all"
[ "$(wc -l < "$dir/all")" = "$total" ] || fail "paged $(wc -l < "$dir/all") sagas, not $total"
[ -z "$(sort "$dir/all" | uniq -d | head -1)" ] || fail "a saga paged twice"
ok
page_all "&status=completed" "$dir/completed"
[ "$(wc -l < "$dir/completed")" = "$finished" ] || fail "completed: $(wc -l < "$dir/completed")"
grep -qv '^done-' "$dir/completed" && fail "a saga that is not completed listed as completed"
ok
call GET "http://localhost:$PORT/api/v1/sagas?status=nope"
expect 400 '.error | test("status")'
call GET "http://localhost:$PORT/api/v1/sagas?after=a%20b"
expect 400 '.error | test("after")'
stop_serve 3
echo "PASS: $NAME ($passed checks)"
