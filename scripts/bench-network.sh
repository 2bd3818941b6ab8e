#!/usr/bin/env bash
# Benchmark (not a test) of a network's throughput (NetworkBenchmark): three nodes of the jar on
# loopback, fully meshed, default settings (the heartbeat's 5 s included: new blocks are announced at
# once; a heartbeat a second added 56 calls a second to eight nodes on two cores); transactions offered at RATE
# per second for SECONDS, round robin over the nodes. Prints acknowledged, refused (503) and failed
# submissions, the transactions confirmed on all three nodes and their rate, the latency from
# submission until confirmed on every node (p50, p99, max), and the orphan rate. Node options
# (such as --meshchain.block.max-transactions=1000) are passed to every node.
#
#   scripts/bench-network.sh RATE SECONDS [node options]     e.g. 200 60
#
# BENCH_JAR=other.jar measures another build (the previous commit's, say) the same way.
# BENCH_NODES=8 starts that many nodes (3 by default); BENCH_KEEP=1 keeps their data and logs.
# BENCH_WARMUP=SECONDS first offers the same load that long, unmeasured, and waits until it is
# confirmed everywhere: the figures are then those of warm nodes, not of JVMs still compiling
# (at 2,000 tx/s on two cores, three nodes' C2 compilers are busy for about the first 100 s).
# BENCH_MINERS=N has only the first N nodes mine (every node by default).
# BENCH_JOIN=first starts every node with the first node's address only: it prints how long the
# nodes took to hold 8 reachable peers each (or every other node, in a smaller network). Either
# way it prints the requests each node answered from its peers per transaction offered.
#
# The client shares the machine with the nodes, so it is kept cheap: a pool of blocking
# connections per node for the submissions, and each node's block stream (GET /chain/events) to see
# the confirmations.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 2 ]]; then
  echo "usage: scripts/bench-network.sh RATE SECONDS [node options]" >&2
  exit 2
fi
./mvnw -B -q -Pbench verify -Dbench.skipJmh=true -Dbench.skipNodes=true -Dbench.skipNetwork=false \
  "-Dbench.network.args=$*"
