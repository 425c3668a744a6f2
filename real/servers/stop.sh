#!/usr/bin/env bash
# Stops everything start.sh started under DIR and removes DIR.
set -uo pipefail
dir=$(realpath -m "${1:?usage: stop.sh DIR}")
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/pg.sh" stop "$dir"
bash "$here/redis.sh" stop "$dir"
rm -rf "$dir"
