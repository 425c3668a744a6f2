#!/usr/bin/env bash
# Proves the Debian package is installable as docs/deploying.md describes: cpack builds it from
# this build tree (into a temporary directory, outside any build tree), its control fields name
# the runtime libraries, `dpkg-deb -x` puts every file where the systemd unit and the code expect
# it, `systemd-analyze verify` accepts the unit (skipped, with a message, where systemd-analyze is
# missing or cannot verify even a trivial unit), every variable the example env file sets is one
# `faultline serve` reads, the extracted binary lists the installed scenarios with
# FAULTLINE_SCENARIOS unset (a probe scenario added to the installed directory must appear, and
# every listed file must be under it), `serve --help` works, and a bad environment variable exits
# 2 (the unit's RestartPreventExitStatus=2 relies on it).
# Usage: package_test.sh BUILD_DIR SOURCE_DIR (BUILD_DIR with faultline built and CPackConfig).
set -euo pipefail
build=$(realpath "${1:?usage: package_test.sh BUILD_DIR SOURCE_DIR}")
src=$(realpath "${2:?usage: package_test.sh BUILD_DIR SOURCE_DIR}")
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
for tool in cpack dpkg-deb; do
  command -v "$tool" > /dev/null || fail "$tool is not installed (Debian: cmake, dpkg)"
done
for bin in faultline faultline-check; do
  [ -x "$build/$bin" ] || fail "no $build/$bin: cmake --build $build --target $bin"
done
[ -f "$build/CPackConfig.cmake" ] || fail "no $build/CPackConfig.cmake: configure $build again"
tmp=$(mktemp -d /tmp/fl-package-test.XXXXXX)  # outside the build tree: no CMakeCache.txt above
trap 'rm -rf "$tmp"' EXIT

# 1. The package, from this build tree.
if ! (cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/pkg") \
  > "$tmp/cpack.log" 2>&1; then
  tail -n 20 "$tmp/cpack.log" >&2
  fail "cpack failed (log above)"
fi
debs=("$tmp"/pkg/faultline_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "expected one faultline_*.deb, got: ${debs[*]}"
deb=${debs[0]}
[ "$(dpkg-deb -f "$deb" Package)" = faultline ] || fail "Package is not faultline"
[ -n "$(dpkg-deb -f "$deb" Maintainer)" ] || fail "no Maintainer"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libpq5 libhiredis0.14 librdkafka1 libboost-fiber1.74.0 libboost-context1.74.0; do
  [[ ",$depends," =~ [,\ ]$lib[\ ,\(] ]] || fail "Depends lacks $lib: '$depends'"
done
echo "package: $(basename "$deb"), Depends: $depends"

# 2. The files, where the unit and scenario_dir() expect them.
root="$tmp/root"
dpkg-deb -x "$deb" "$root" || fail "dpkg-deb -x $deb failed"
unit="$root/usr/lib/systemd/system/faultline@.service"
for f in usr/bin/faultline usr/bin/faultline-check usr/lib/systemd/system/faultline@.service \
  usr/share/faultline/example.env usr/share/doc/faultline/README.md \
  usr/share/doc/faultline/deploying.md; do
  [ -f "$root/$f" ] || fail "/$f is not in the package"
done
[ -x "$root/usr/bin/faultline" ] || fail "/usr/bin/faultline is not executable"
"$root/usr/bin/faultline-check" --help > /dev/null 2>&1 ||
  fail "/usr/bin/faultline-check --help failed (it is static: it must run as extracted)"
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\) serve %i.*/\1/p' "$unit")
[ "$exec_start" = /usr/bin/faultline ] ||
  fail "the unit's ExecStart runs '$exec_start', not /usr/bin/faultline serve %i"
[ -x "$root$exec_start" ] || fail "the unit's $exec_start is not in the package"
grep -qx 'EnvironmentFile=/etc/faultline/%i.env' "$unit" ||
  fail "the unit lacks EnvironmentFile=/etc/faultline/%i.env"
shipped=$(find "$src/scenarios" -maxdepth 1 -name '*.toml' | wc -l)
installed=$(find "$root/usr/share/faultline/scenarios" -maxdepth 1 -name '*.toml' | wc -l)
[ "$shipped" -gt 0 ] && [ "$installed" = "$shipped" ] ||
  fail "$installed scenarios installed, $shipped in $src/scenarios"

# 3. systemd-analyze verify, on a copy whose ExecStart is the extracted binary.
if ! command -v systemd-analyze > /dev/null; then
  echo "SKIP systemd-analyze verify: systemd-analyze is not installed"
else
  mkdir "$tmp/probe" "$tmp/verify"
  printf '[Service]\nExecStart=/bin/true\n' > "$tmp/probe/probe.service"
  if ! probe_out=$(systemd-analyze verify "$tmp/probe/probe.service" 2>&1); then
    echo "SKIP systemd-analyze verify: cannot verify even a trivial unit here: $probe_out"
  else
    sed "s#^ExecStart=/usr/bin/faultline #ExecStart=$root/usr/bin/faultline #" "$unit" \
      > "$tmp/verify/faultline@.service"
    out=$(systemd-analyze verify "$tmp/verify/faultline@.service" 2>&1) ||
      fail "systemd-analyze verify faultline@.service: $out"
    [ -z "$out" ] || fail "systemd-analyze verify faultline@.service warned: $out"
    echo "systemd-analyze verify: faultline@.service clean"
  fi
fi

# 4. The extracted binary: installed scenarios, serve --help, exit 2 on a bad variable.
bin="$root/usr/bin/faultline"
cp "$src/scenarios/selftest.toml" "$root/usr/share/faultline/scenarios/package-test-probe.toml"
list=$(cd "$tmp" && env -u FAULTLINE_SCENARIOS "$bin" list 2>&1) ||
  fail "faultline list failed: $list"
[ "$(grep -c . <<< "$list")" = $((shipped + 1)) ] ||
  fail "faultline list shows $(grep -c . <<< "$list") scenarios, want $((shipped + 1)):"$'\n'"$list"
grep -q '^package-test-probe ' <<< "$list" || fail "list misses the installed probe scenario: $list"
! grep -q '\[invalid\]' <<< "$list" || fail "an installed scenario is invalid: $list"
elsewhere=$(grep -v "($root/usr/share/faultline/scenarios/[^/]*\.toml)\$" <<< "$list" || true)
[ -z "$elsewhere" ] || fail "scenarios listed from outside the installed directory: $elsewhere"
echo "faultline list: $shipped installed scenarios and the probe, from share/faultline/scenarios"
help=$("$bin" serve --help 2>&1) || fail "faultline serve --help failed: $help"
for word in --port --port-base POSTGRES_URL REDIS_URL KAFKA_BROKERS LOG_LEVEL; do
  grep -q -- "$word" <<< "$help" || fail "serve --help does not mention $word"
done
# Every variable example.env sets (or shows commented out) is read by serve: a flag's $VAR in
# --help, libpq's PG* variables, librdkafka's FL_KAFKA_*, or the unit's FAULTLINE_ARGS.
env_file="$root/usr/share/faultline/example.env"
vars=$(sed -n 's/^#\{0,1\} \{0,1\}\([A-Z][A-Z0-9_]*\)=.*/\1/p' "$env_file")
[ -n "$vars" ] || fail "example.env sets no variable"
for v in $vars; do
  case "$v" in PG* | FL_KAFKA_* | FAULTLINE_ARGS) continue ;; esac
  grep -q "\$$v\b" <<< "$help" || fail "example.env sets $v, which serve --help does not name"
done
grep -q 'FAULTLINE_ARGS' "$unit" || fail "the unit does not pass \$FAULTLINE_ARGS"
set +e
bad=$(cd "$tmp" && LOG_LEVEL=loud timeout 20 "$bin" serve echo 2>&1)
code=$?
set -e
[ "$code" = 2 ] || fail "LOG_LEVEL=loud faultline serve echo exited $code, want 2: $bad"
echo "package_test: ok"
