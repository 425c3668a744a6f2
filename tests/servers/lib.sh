# Shared set-up of the curl tests (serve_curl_test.sh, events_curl_test.sh, sync_curl_test.sh):
# sourced after `set -euo pipefail` with $1 = the faultline binary and NAME set to the test's
# name. Defines faultline, here, servers, dir (a fresh temporary directory, removed on exit),
# pid (the serve process, killed on exit if still running), fail, ok and passed; starts the
# throwaway PostgreSQL and Redis (real/servers/start.sh) and sources their env.
faultline=$(realpath "${1:?usage: ${NAME}.sh FAULTLINE_BINARY}")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
servers=$(cd "$here/../../real/servers" && pwd)
for tool in curl jq; do
  command -v "$tool" > /dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done
dir=$(mktemp -d "/tmp/fl-${NAME}.XXXXXX")
chmod 755 "$dir"  # PostgreSQL runs as user postgres under it
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
    kill -KILL "$pid" 2> /dev/null || true
  fi
  if [ "${keep_log:-0}" = 1 ]; then tail -n 30 "$dir/serve.log" >&2 || true; fi
  bash "$servers/stop.sh" "$dir/servers" > /dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; keep_log=1; exit 1; }
# The seeds' commands run as shown; a curlrc only silences curl's progress meter.
printf 'silent\nshow-error\n' > "$dir/.curlrc"
export CURL_HOME=$dir
passed=0
ok() { passed=$((passed + 1)); }

bash "$servers/start.sh" "$dir/servers" > /dev/null
source "$dir/servers/env"
# A port is free when nothing answers a connect on it.
port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# pick_port: sets PORT to a free port in 10000..19999 (below the kernel's ephemeral range, apart
# from the real-mode servers and services at 20000 and up); bounded tries.
pick_port() {
  PORT=""
  for _ in $(seq 1 100); do
    local p=$((10000 + (RANDOM % 10000)))
    if port_free "$p"; then PORT=$p; return 0; fi
  done
  fail "no free port"
}

# retry_start FN WHAT: runs FN (starts serve, returns non-zero when it could not listen) up to 5
# times: a port can be taken between the probe and the listen.
retry_start() {
  for attempt in 1 2 3 4 5; do
    if "$1"; then ok; return 0; fi
    echo "$2: its port was taken before it listened (attempt $attempt), trying another" >&2
  done
  fail "$2 could not listen in 5 attempts"
}

# call METHOD URL [BODY]: sets $code and $body.
call() {
  local out
  if [ $# -ge 3 ]; then
    out=$(curl -s -X "$1" "$2" -H "Content-Type: application/json" -d "$3" -w '\n%{http_code}')
  else
    out=$(curl -s -X "$1" "$2" -w '\n%{http_code}')
  fi
  code=${out##*$'\n'}
  body=${out%$'\n'*}
}
expect() {  # expect CODE JQ-FILTER (must print true)
  [ "$code" = "$1" ] || fail "expected $1, got $code: $body"
  [ "$(jq -r "$2" <<< "$body")" = true ] || fail "$2 is not true for: $body"
  ok
}
# post_big URL: POSTs a 70,000-byte body (past every API's body limit); sets $code and $body.
post_big() {
  head -c 70000 /dev/zero | tr '\0' 'x' > "$dir/big"
  code=$(curl -s -o "$dir/big.out" -w '%{http_code}' -X POST "$1" \
    -H "Content-Type: application/json" --data-binary @"$dir/big")
  body=$(cat "$dir/big.out")
}

# wait_health PORT CODE: until /health on PORT answers CODE (20 s at most); sets $code, $body.
wait_health() {
  for _ in $(seq 1 200); do
    call GET "http://localhost:$1/health"
    [ "$code" = "$2" ] && return 0
    sleep 0.1
  done
  fail "/health on $1 never answered $2: $body"
}

# stop_serve MIN_LINES [signalled]: SIGTERM to the serve process ($pid; not again when the caller
# already sent it: "signalled"); it must exit 0 within 10 s and have
# written at least MIN_LINES log lines, every one a JSON log object, except libpq's own notices
# of a server's shutdown (printed by libpq's default notice processor, outside the logger).
stop_serve() {
  [ "${2:-}" = signalled ] || kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2> /dev/null && fail "still running 10 s after SIGTERM"
  local status=0
  wait "$pid" || status=$?
  pid=""
  [ "$status" = 0 ] || fail "exit status $status after SIGTERM"
  grep -v -E '^(WARNING|NOTICE|FATAL):  ' "$dir/serve.log" > "$dir/json.log"
  jq -e -s --argjson min "$1" 'length >= $min and all(.[]; has("time") and has("level")
    and has("service") and has("msg") and has("fields"))' "$dir/json.log" > /dev/null ||
    fail "log lines not JSON"
}
