#!/usr/bin/env bash
# Install what skidx needs to build, test and benchmark on Debian 12.
# Run as root (or with sudo available). Idempotent.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential cmake pkg-config \
    libhyperscan-dev libzstd-dev zstd zlib1g-dev gzip libxxhash-dev libcmocka-dev libroaring-dev \
    clang libclang-rt-14-dev libomp-14-dev python3 \
    time ripgrep hyperfine python3-ahocorasick chromium wamerican \
    openmpi-bin libopenmpi-dev >/dev/null
echo "install-deps: done"
