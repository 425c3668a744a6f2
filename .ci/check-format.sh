#!/usr/bin/env bash
# Fails if any C++ source file in the project folders is not clang-formatted (.clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find system options sim real workloads nemeses checkers history reports compose \
  harness serve cli fuzz \
  tests -type f \( -name '*.h' -o -name '*.cc' -o -name '*.cpp' -o -name '*.hpp' \) \
  2>/dev/null | sort)
[ ${#files[@]} -gt 0 ] || { echo "no sources found"; exit 1; }
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files clean"
