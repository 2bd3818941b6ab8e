#!/usr/bin/env bash
# Benchmark (not a test): a fresh node catching up a chain of full blocks of signed transactions
# beside one of unsigned transactions of the same length, in the same run, alternating; every
# signature is verified, spread over the cores. Both chains are written with the test fixtures
# first (signing takes about a minute per 100,000 blocks).
#
#   scripts/bench-signed-catchup.sh [blocks] [rounds]     defaults: 100000 2
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pbench verify -Dbench.skipJmh=true -Dbench.skipNodes=true -Dbench.skipSigned=false \
  "-Dbench.signed.args=${1:-100000} ${2:-2}"
