#!/usr/bin/env bash
# The whole test suite: installs packages, builds the dev preset (-O2) and runs
# every test (unit, integration through the embedded broker, end to end through
# the nexus binary), then builds the core (rules, engine, screening) with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs its tests again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
echo "== tests (dev build)"
ctest --preset dev -j2 --timeout 600
scripts/setup.sh asan
echo "== tests (core under ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --preset asan -j2 --timeout 900
