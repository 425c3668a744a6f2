#!/usr/bin/env bash
# Installs every Debian package faultline needs to build and test (TOOLCHAIN.md).
# Idempotent: a machine that already has them spends ~2 s here.
set -euo pipefail
pkgs=(cmake g++ make pkg-config clang-format
  libboost-fiber-dev libboost-dev libpq-dev libhiredis-dev librdkafka-dev librapidcheck-dev
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev ccache curl jq
  postgresql-15 redis-server chromium etcd-server
  parallel openssh-server openssh-client slurm-wlm munge)  # the engines of tests/scale
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
