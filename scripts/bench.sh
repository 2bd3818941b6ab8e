#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, on this machine, in one run: the openssl SHA-256 and Ed25519
# figures the miner and the signature check are compared with, the JMH benchmarks, whole-node figures (start-up, memory, heartbeat
# bytes, catch-up) and ingest (scripts/bench-ingest.sh, needs wrk).
#
#   scripts/bench.sh            everything (about 10 minutes)
#   scripts/bench.sh quick      shorter JMH runs
set -euo pipefail
cd "$(dirname "$0")/.."

jmh_args="-f 1 -wi 3 -w 2s -i 5 -r 3s"
[[ "${1:-}" == quick ]] && jmh_args="-f 1 -wi 2 -w 1s -i 3 -r 1s"

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(grep -o -m1 -w sha_ni /proc/cpuinfo || echo 'no sha_ni')"
java -version 2>&1 | head -1

echo "== openssl, for comparison: SHA-256 of 64-byte inputs, one core"
openssl speed -seconds 3 -bytes 64 -evp sha256 2>/dev/null | awk '/^sha256/ {printf "%.2f M hashes/s (%s)\n", $2 * 1000 / 64 / 1e6, $0}'

echo "== openssl, for comparison: Ed25519 verifications, one core"
openssl speed -seconds 3 ed25519 2>/dev/null | awk '/Ed25519/ {printf "%.0f verify/s\n", $NF}'

echo "== JMH"
./mvnw -B -q -Pbench verify -Dbench.skipNodes=true \
  -Djmh.args="-rf text -rff target/jmh.txt MiningBenchmark SignatureBenchmark JsonBenchmark LedgerBenchmark.validateBlock LedgerBenchmark.forkChoice LedgerBenchmark.transaction $jmh_args" > /dev/null
./mvnw -B -q -Pbench verify -Dbench.skipNodes=true \
  -Djmh.args="-rf text -rff target/jmh-reorg.txt LedgerBenchmark.reorg -f 1 -wi 10 -i 30" > /dev/null
cat target/jmh.txt target/jmh-reorg.txt | grep -v '^$'

echo "== nodes"
./mvnw -B -q -Pbench verify -Dbench.skipJmh=true 2>/dev/null | grep -E '^  |^node figures'

echo "== ingest"
scripts/bench-ingest.sh 15 16 | tail -3
