#!/usr/bin/env bash
# Benchmark (not a test) behind the ledger's storage choices (IndexStoreComparison): prints two
# tables for the same generated blocks, each store measured in a JVM of its own. The index in
# RocksDB (the node's BlockIndex) against H2's MVStore: write rate, size on disk, reopening,
# transaction lookups that hit and miss, reads by height, heap and resident memory after each
# phase. Block bodies in the block log (RecordLog) against RocksDB: write rate, size on disk,
# random single-block reads. Half a minute for 50,000 blocks, build included; at the default
# million, several minutes (MVStore's writes take most of them) and a few GB of disk under target/
# while it runs, deleted at the end.
#
#   scripts/bench-stores.sh [blocks]     default: 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
blocks="${1:-1000000}"
./mvnw -B -q -Pbench verify -Dbench.skipJmh=true -Dbench.skipNodes=true -Dbench.skipStores=false \
  "-Dbench.stores.args=$blocks"
