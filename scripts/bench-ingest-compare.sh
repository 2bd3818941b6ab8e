#!/usr/bin/env bash
# Benchmark (not a test): durable ingest of two builds of the node, measured in alternation in one
# session, so that machine noise falls on both alike. Each round starts each jar on a fresh data
# directory, warms it up for 8 s, then has wrk (1 thread, 16 connections) submit a new transaction with
# every request for 12 s, and prints acknowledged tx/s and the node's CPU time per acknowledged
# transaction. Needs wrk (apt-get install -y wrk).
#
#   scripts/bench-ingest-compare.sh OLD.jar NEW.jar [rounds]      default: 8 rounds, fsync on
#   FSYNC=false scripts/bench-ingest-compare.sh OLD.jar NEW.jar   without fsync
#
# The previous commit's jar: git worktree add ../previous HEAD~1 && (cd ../previous && ./mvnw -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { sed -n '2,12p' "$0" >&2; exit 2; }
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
OLD=$1 NEW=$2 ROUNDS=${3:-8} PORT=${BENCH_PORT:-18092} FSYNC=${FSYNC:-true}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {
  local jar=$1 dir pid t0 t1 out rate requests
  dir=$(mktemp -d)
  # Each jar with its own defaults: the application.yml of the directory it starts from would override them.
  java -jar "$jar" --spring.config.location=classpath:/application.yml \
    --server.port="$PORT" --meshchain.node-id=bench --meshchain.storage.path="$dir/data" \
    --meshchain.storage.fsync="$FSYNC" --meshchain.pool.capacity=10000000 --meshchain.pool.sender-limit=10000000 \
    --meshchain.pool.target-wait=0 --logging.level.root=WARN \
    > "$dir/node.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$PORT/readyz" > /dev/null 2>&1 && break
    sleep 0.5
  done
  wrk -t1 -c16 -d8s -s scripts/bench/submit.lua "http://127.0.0.1:$PORT" > /dev/null
  t0=$(cpu_ticks "$pid")
  out=$(wrk -t1 -c16 -d12s -s scripts/bench/submit.lua "http://127.0.0.1:$PORT")
  t1=$(cpu_ticks "$pid")
  kill "$pid"
  wait "$pid" || true
  rm -rf "$dir"
  rate=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  requests=$(awk '/requests in/ {print $1}' <<< "$out")
  awk -v r="$rate" -v n="$requests" -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%8.0f tx/s %6.1f us CPU/tx", r, t * 1e6 / hz / n}'
}

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); fsync=$FSYNC"
echo "A: $OLD"
echo "B: $NEW"
a=() b=()
for round in $(seq 1 "$ROUNDS"); do
  ra=$(run "$OLD"); rb=$(run "$NEW")
  echo "round $round: A $ra | B $rb"
  a+=("${ra%% tx/s*}") b+=("${rb%% tx/s*}")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
echo "median acknowledged tx/s: A $(median "${a[@]}"), B $(median "${b[@]}")"
