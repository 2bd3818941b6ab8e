#!/usr/bin/env bash
# Benchmark (not a test): acknowledged POST /transactions per second against one node on loopback,
# with fsync on and off, and the latency percentiles. Needs wrk (apt-get install -y wrk).
#
#   scripts/bench-ingest.sh [seconds] [connections] [--signed] [--naivechain[=DIR]]
#                                                    defaults: 15 s, 16 connections
#
# --signed also measures signed transactions (docs/api.md), each run on a fresh node beside an unsigned
# run: their bodies are signed beforehand with Node's crypto (scripts/bench/sign-bodies.js), since
# wrk cannot sign, so the figure is the node's cost of checking them. Needs node.
#
# --naivechain also measures naivechain (github.com/lhartikk/naivechain, an in-memory chain in
# Node.js) in the same run with the same wrk command, one POST /mineBlock per request: the
# reference an ingest figure is read against, since loopback HTTP varies severalfold between
# machines. DIR is a checkout of it; without one it is cloned into target/naivechain. Needs node
# and npm (its dependencies are installed with npm on first use).
#
# BENCH_JAR=other.jar measures another build (the previous commit's, say) the same way, so that
# two builds can be compared in one session on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."

NAIVECHAIN=""
SIGNED=""
positional=()
for arg in "$@"; do
  case "$arg" in
    --signed) SIGNED=1 ;;
    --naivechain) NAIVECHAIN=target/naivechain ;;
    --naivechain=*) NAIVECHAIN=${arg#--naivechain=} ;;
    *) positional+=("$arg") ;;
  esac
done
SECONDS_PER_RUN=${positional[0]:-15}
CONNECTIONS=${positional[1]:-16}
PORT=${BENCH_PORT:-18090}
JAR=${BENCH_JAR:-target/meshchain.jar}
# The naivechain commit these figures were taken with.
NAIVECHAIN_COMMIT=dfd2481e7158f72e54fba4ce0bd2f48d0a44945e

command -v wrk > /dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
[[ -f "$JAR" ]] || ./mvnw -B -q -DskipTests package
if [[ -n "$NAIVECHAIN" ]]; then
  command -v npm > /dev/null || { echo "--naivechain needs node and npm: apt-get install -y nodejs npm" >&2; exit 2; }
  if [[ ! -f "$NAIVECHAIN/main.js" ]]; then
    git clone -q https://github.com/lhartikk/naivechain "$NAIVECHAIN"
    git -C "$NAIVECHAIN" checkout -q "$NAIVECHAIN_COMMIT"
  fi
  [[ -d "$NAIVECHAIN/node_modules" ]] || (cd "$NAIVECHAIN" && npm install --no-audit --no-fund --silent)
fi

await_http() {
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.5
  done
  echo "nothing answered at $1" >&2
  return 1
}

# Runs the warm-up and the measured wrk run with a script against a URL, and prints one row. A
# script of pre-signed bodies reads those of the warm-up and of the run from two files, so that the
# run submits no transaction the warm-up did.
measure() {
  local label=$1 script=$2 url=$3 warmup_bodies=${4:-} run_bodies=${5:-} out
  out=$(mktemp)
  SIGNED_BODIES=$warmup_bodies wrk -t1 -c"$CONNECTIONS" -d10s -s "$script" "$url" > /dev/null
  SIGNED_BODIES=$run_bodies wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$script" "$url" > "$out"
  printf '%-30s %12s %10s %10s %10s %12s\n' "$label" \
    "$(awk '/Requests\/sec/ {print $2}' "$out")" "$(awk '$1 == "50%" {print $2}' "$out")" \
    "$(awk '$1 == "99%" {print $2}' "$out")" "$(awk '/Latency/ && !/Distribution/ {print $4; exit}' "$out")" \
    "$(awk '/Non-2xx/ {print $5}' "$out" | grep . || echo 0)"
  rm -f "$out"
}

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); jar: $JAR"
echo "load: wrk, 1 thread (the node gets the other core), $CONNECTIONS connections, ${SECONDS_PER_RUN}s after a 10s warm-up; one new transaction per request"
printf '\n%-30s %12s %10s %10s %10s %12s\n' "" "acked tx/s" "p50" "p99" "max" "non-2xx"
kinds=(unsigned)
if [[ -n "$SIGNED" ]]; then
  command -v node > /dev/null || { echo "--signed needs node: apt-get install -y nodejs" >&2; exit 2; }
  kinds+=(signed)
  bodies=$(mktemp -d)
  trap 'rm -rf "$bodies"' EXIT
fi
for fsync in true false; do
  for kind in "${kinds[@]}"; do
    dir=$(mktemp -d)
    java -jar "$JAR" --server.port="$PORT" --meshchain.node-id=bench \
      --meshchain.storage.path="$dir/data" --meshchain.storage.fsync="$fsync" \
      --meshchain.pool.capacity=10000000 --meshchain.pool.sender-limit=10000000 \
      --meshchain.pool.target-wait=0 --logging.level.root=WARN > "$dir/node.log" 2>&1 &
    pid=$!
    await_http "http://127.0.0.1:$PORT/readyz"
    if [[ "$kind" == signed ]]; then
      if [[ ! -f "$bodies/run" ]]; then
        genesis=$(curl -fs "http://127.0.0.1:$PORT/chain?from=0&limit=1" | sed 's/.*"hash":"\([0-9a-f]*\)".*/\1/')
        # More than a run can submit at 15,000 tx/s, so that no body is sent twice.
        node scripts/bench/sign-bodies.js "$genesis" 150000 "$bodies/warmup" 0
        node scripts/bench/sign-bodies.js "$genesis" $((15000 * SECONDS_PER_RUN)) "$bodies/run" 150000
      fi
      measure "meshchain fsync=$fsync signed" scripts/bench/submit-signed.lua "http://127.0.0.1:$PORT" \
        "$bodies/warmup" "$bodies/run"
    else
      measure "meshchain fsync=$fsync" scripts/bench/submit.lua "http://127.0.0.1:$PORT"
    fi
    kill "$pid"
    wait "$pid" || true
    rm -rf "$dir"
  done
done
if [[ -n "$NAIVECHAIN" ]]; then
  # Its servers listen on every interface unless told otherwise; the preload keeps them on loopback.
  HTTP_PORT=$PORT P2P_PORT=$((PORT + 1)) node -r ./scripts/bench/loopback.js "$NAIVECHAIN/main.js" > /dev/null 2>&1 &
  pid=$!
  await_http "http://127.0.0.1:$PORT/blocks"
  measure "naivechain (memory)" scripts/bench/mineblock.lua "http://127.0.0.1:$PORT"
  kill "$pid"
  wait "$pid" || true
fi
