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
