#!/usr/bin/env bash
# Benchmark (not a test): a running node's proof-of-work hash rate against the per-core SHA-256
# limit of this machine, measured in the same run. The limit is openssl's SHA-256 throughput on
# 16 KB inputs divided by 64: one compression per 64-byte block, which is what one mining attempt
# costs with a precomputed midstate. The node mines on one thread at a difficulty no attempt meets,
# so its miner never stops; its rate is read from meshchain_mining_hashes_total.
#
#   scripts/bench-mining.sh [seconds] [rounds]     defaults: 10 s, 3 rounds
#
# BENCH_JAR=other.jar measures another build (the previous commit's, say) the same way.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_ROUND=${1:-10}
ROUNDS=${2:-3}
PORT=${BENCH_PORT:-18095}
JAR=${BENCH_JAR:-target/meshchain.jar}
[[ -f "$JAR" ]] || ./mvnw -B -q -DskipTests package

hashes() {
  # awk reads to the end: exiting at the match could end curl by SIGPIPE, and the script with it.
  curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" \
    | awk '/^meshchain_mining_hashes_total[{ ]/ && !found {print $NF; found = 1}'
}
limit() {
  openssl speed -seconds 3 -bytes 16384 -evp sha256 2>/dev/null \
    | awk '/^sha256/ {v = $2; sub(/k$/, "", v); printf "%.2f", v * 1000 / 64 / 1e6}'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1); jar: $JAR"
dir=$(mktemp -d)
# Launched as the Docker image launches it: with the Vector API, so the miner hashes with SIMD lanes
# where the CPU has 512-bit vectors (a jar from before the lanes ignores the module).
java --add-modules jdk.incubator.vector -jar "$JAR" --server.port="$PORT" --meshchain.node-id=bench --meshchain.storage.path="$dir/data" \
  --meshchain.mining.difficulty=60 --meshchain.block.max-wait=0s --logging.level.root=WARN --logging.level.io.meshchain.mining.Miner=INFO > "$dir/node.log" 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null; wait $pid 2> /dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" > /dev/null 2>&1 && break
  sleep 0.5
done
echo "hasher: $(grep -o 'hashing by .*' "$dir/node.log" | head -1)"
# One transaction makes a block due; at 60 bits the miner searches it until the node stops.
curl -fs -H 'Content-Type: application/json' -d '{"sender":"bench","content":"mine me"}' \
  "http://127.0.0.1:$PORT/transactions" > /dev/null
sleep 5 # let the JIT compile the mining loop before the first round

printf '\n%-6s %18s %22s %8s\n' round "node M hashes/s" "openssl limit M/s" ratio
for round in $(seq 1 "$ROUNDS"); do
  before=$(hashes)
  t0=$(date +%s.%N)
  sleep "$SECONDS_PER_ROUND"
  after=$(hashes)
  t1=$(date +%s.%N)
  rate=$(awk -v a="$before" -v b="$after" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.2f", (b - a) / (t1 - t0) / 1e6}')
  # The limit is measured while the node mines on its own core: the machine has at least two.
  reference=$(limit)
  printf '%-6s %18s %22s %8s\n' "$round" "$rate" "$reference" \
    "$(awk -v r="$rate" -v l="$reference" 'BEGIN {printf "%.2f", r / l}')"
done
