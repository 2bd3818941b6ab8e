#!/usr/bin/env bash
# Benchmark (not a test): acknowledged POST /transactions per second against one node on loopback,
# with fsync on and off, and the latency percentiles. Needs wrk (apt-get install -y wrk).
#
#   scripts/bench-ingest.sh [seconds] [connections]     defaults: 15 s, 16 connections
#
# BENCH_JAR=other.jar measures another build (the previous commit's, say) the same way, so that
# two builds can be compared in one session on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${1:-15}
CONNECTIONS=${2:-16}
PORT=${BENCH_PORT:-18090}
JAR=${BENCH_JAR:-target/meshchain.jar}

command -v wrk > /dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
[[ -f "$JAR" ]] || ./mvnw -B -q -DskipTests package

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); jar: $JAR"
echo "load: wrk, 1 thread (the node gets the other core), $CONNECTIONS connections, ${SECONDS_PER_RUN}s after a 10s warm-up; one new transaction per request"
printf '\n%-6s %12s %10s %10s %10s %12s\n' fsync "acked tx/s" "p50" "p99" "max" "non-2xx"
for fsync in true false; do
  dir=$(mktemp -d)
  java -jar "$JAR" --server.port="$PORT" --meshchain.node-id=bench \
    --meshchain.storage.path="$dir/data" --meshchain.storage.fsync="$fsync" \
    --meshchain.pool.capacity=10000000 --meshchain.pool.sender-limit=10000000 \
    --meshchain.pool.target-wait=0 --logging.level.root=WARN > "$dir/node.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$PORT/readyz" > /dev/null 2>&1 && break
    sleep 0.5
  done
  wrk -t1 -c"$CONNECTIONS" -d10s -s scripts/bench/submit.lua "http://127.0.0.1:$PORT" > /dev/null
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s scripts/bench/submit.lua \
    "http://127.0.0.1:$PORT" > "$dir/wrk.txt"
  rate=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk.txt")
  max=$(awk '/Latency/ && !/Distribution/ {print $4; exit}' "$dir/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $5}' "$dir/wrk.txt")
  printf '%-6s %12s %10s %10s %10s %12s\n' "$fsync" "$rate" "$p50" "$p99" "$max" "${errors:-0}"
  kill "$pid"
  wait "$pid" || true
  rm -rf "$dir"
done
