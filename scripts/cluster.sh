#!/usr/bin/env bash
# Runs a small meshchain network on this machine: N nodes on ports 8080, 8081, ...,
# each with all the others as peers, each with its log and data under .cluster/<node-id>/.
#
#   scripts/cluster.sh up [N] [extra node options...]   start N nodes (default 3)
#   scripts/cluster.sh status                           height and tip of each running node
#   scripts/cluster.sh down                             stop every node (graceful, like the seed's cc)
#   scripts/cluster.sh clean                            stop every node and delete their data
set -euo pipefail

cd "$(dirname "$0")/.."
BASE_PORT=8080
DIR=.cluster
JAR=target/meshchain.jar

up() {
  local count=${1:-3}
  shift || true
  if ! [[ "$count" =~ ^[0-9]+$ ]] || (( count < 1 )); then
    echo "usage: $0 up [N] [options...]" >&2
    exit 2
  fi
  if [[ ! -f $JAR ]]; then
    echo "Building $JAR ..."
    ./mvnw -B -q -DskipTests package
  fi
  mkdir -p "$DIR"
  for ((i = 0; i < count; i++)); do
    local port=$((BASE_PORT + i)) id="n$((i + 1))" peers=()
    for ((j = 0; j < count; j++)); do
      (( j == i )) || peers+=("http://127.0.0.1:$((BASE_PORT + j))")
    done
    if [[ -f $DIR/$id/pid ]] && kill -0 "$(cat "$DIR/$id/pid")" 2>/dev/null; then
      echo "$id is already running (pid $(cat "$DIR/$id/pid"))"
      continue
    fi
    mkdir -p "$DIR/$id"
    local peer_list
    peer_list=$(IFS=,; echo "${peers[*]-}")
    # The Vector API lets the miner hash 16 proofs at once where the CPU has AVX-512 (docs/how-it-works.md, "Mining").
    java --add-modules jdk.incubator.vector -jar "$JAR" --server.port="$port" --meshchain.node-id="$id" \
      ${peer_list:+--meshchain.peers="$peer_list"} \
      --meshchain.storage.path="$DIR/$id/data" "$@" > "$DIR/$id/node.log" 2>&1 &
    echo $! > "$DIR/$id/pid"
    echo "started $id on http://127.0.0.1:$port (log: $DIR/$id/node.log)"
  done
  for ((i = 0; i < count; i++)); do
    local port=$((BASE_PORT + i))
    for _ in $(seq 1 60); do
      curl -fs "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
      sleep 0.5
    done
    curl -fs "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 \
      && echo "n$((i + 1)) ready" || echo "n$((i + 1)) not ready yet; see $DIR/n$((i + 1))/node.log"
  done
}

status() {
  shopt -s nullglob
  for pidfile in "$DIR"/*/pid; do
    local id port
    id=$(basename "$(dirname "$pidfile")")
    port=$((BASE_PORT + ${id#n} - 1))
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$id: $(curl -fs "http://127.0.0.1:$port/heartbeat" || echo 'not answering')"
    else
      echo "$id: stopped"
    fi
  done
}

down() {
  shopt -s nullglob
  for pidfile in "$DIR"/*/pid; do
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      echo "stopped $(basename "$(dirname "$pidfile")")"
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  up) shift; up "$@" ;;
  status) status ;;
  down) down ;;
  clean) down; rm -rf "$DIR" ;;
  *) echo "usage: $0 up [N] [options...] | status | down | clean" >&2; exit 2 ;;
esac
