#!/usr/bin/env bash
# Benchmark (not a test) of a node with a long chain, as the Docker image runs it (-Xmx384m): start to
# ready and resident memory beside an empty node's in the same run, reads of old blocks and
# transactions, and a fresh node catching the first chain up from a peer. Chains of full blocks are
# written with the test fixtures first: about 35 s and 0.8 GB of disk per million blocks.
#
#   scripts/bench-scale.sh [length ...]     default: 1000000
#
# BENCH_JAR=other.jar runs another build (the previous commit's, say) the same way. The chains have a
# block a second, the network's default interval, so builds before and after it both take them.
set -euo pipefail
cd "$(dirname "$0")/.."
lengths="${*:-1000000}"
./mvnw -B -q -Pbench verify -Dbench.skipJmh=true -Dbench.skipNodes=true -Dbench.skipScale=false \
  "-Dbench.scale.args=$lengths"
