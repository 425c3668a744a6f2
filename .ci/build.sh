#!/usr/bin/env bash
# Configures and builds faultline in ./build (Release with debug info), two jobs (2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j "${FL_JOBS:-2}" >> build.log 2>&1 || { tail -60 build.log; exit 1; }
echo "build: ok (log in build.log)"
