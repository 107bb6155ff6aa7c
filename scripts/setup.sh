#!/usr/bin/env bash
# Installs what Nexus needs from Debian 12's packages (only what is missing),
# then configures and builds the given CMake preset (default: dev, -O2).
# Usage: scripts/setup.sh [preset]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git clang-format
  librdkafka-dev librocksdb-dev libprotobuf-dev protobuf-compiler
  libboost-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libsimdjson-dev
  libssl-dev libicu-dev libpugixml-dev libhyperscan-dev libabsl-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev kafkacat
  libsqlite3-dev libpq-dev postgresql libsodium-dev openssl libxml2-dev
  libxml2-utils curl jq libarchive-dev libhangul-data
)
# apt-get install of the given packages (none: nothing), as root only.
install_packages() {
  [ $# -gt 0 ] || return 0
  echo "== installing: $*"
  if [ "$(id -u)" -ne 0 ]; then
    echo "nexus setup: run as root (or install the packages above)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
install_packages "${missing[@]}"

# The review desk's web UI (web/): Node and npm build it into web/dist, and its browser
# test drives Debian's Chromium. Node may come from elsewhere (a newer nodejs package that
# carries npm): only what has no command yet is installed.
web_missing=()
command -v node >/dev/null || web_missing+=(nodejs)
command -v npm >/dev/null || web_missing+=(npm)
[ -x /usr/bin/chromium ] || web_missing+=(chromium)
install_packages "${web_missing[@]}"
if [ -f web/package.json ]; then
  echo "== building the web UI (web/dist)"
  (cd web && npm ci --no-audit --no-fund && npm run build)
fi

preset="${1:-dev}"
echo "== configuring and building preset '$preset'"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
