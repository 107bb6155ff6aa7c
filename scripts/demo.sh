#!/usr/bin/env bash
# The main job on the embedded default: installs packages, builds, starts the
# embedded Kafka broker, feeds it generated traffic with planted typologies,
# runs the engine and shows the alerts. Extra arguments go to `nexus demo`
# (e.g. --transactions 1000000, --follow).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
exec build/dev/app/nexus demo "$@"
