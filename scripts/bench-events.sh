#!/usr/bin/env bash
# Benchmark (not a test): block streams (GET /chain/events) on one node with -Xmx384m, as the image
# runs it, while it adopts a chain a block at a time with a switch of branches half-way. Prints the
# delay from adoption to each client reading each block, whether every client saw the chain in
# order, and the node's heap without and with the streams.
#
#   scripts/bench-events.sh [streams] [blocks]     defaults: 1000 40
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pbench verify -Dbench.skipJmh=true -Dbench.skipNodes=true -Dbench.skipEvents=false \
  "-Dbench.events.args=${1:-1000} ${2:-40}"
