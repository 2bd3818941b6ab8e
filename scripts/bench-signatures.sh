#!/usr/bin/env bash
# Benchmark (not a test): Ed25519 verifications a second on one thread, of a signed transaction's
# message, with Bouncy Castle (what the node uses) and the JDK 17 provider (SignatureBenchmark,
# JMH), beside openssl's verify rate on the same machine, in the same run.
#
#   scripts/bench-signatures.sh [rounds]     default: 3 rounds of each
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-3}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1), $(openssl version)"
for round in $(seq 1 "$ROUNDS"); do
  ./mvnw -B -q -Pbench verify -Dbench.skipNodes=true \
    -Djmh.args="SignatureBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s" 2>&1 \
    | awk -v round="$round" '/^SignatureBenchmark\./ {printf "round %s  %-32s %10.0f verify/s\n", round, $1, $(NF-3)}'
  openssl speed -seconds 3 ed25519 2>/dev/null \
    | awk -v round="$round" '/Ed25519/ {printf "round %s  %-32s %10.0f verify/s\n", round, "openssl speed ed25519", $NF}'
done
