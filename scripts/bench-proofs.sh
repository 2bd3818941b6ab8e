#!/usr/bin/env bash
# Benchmark (not a test): GET /transactions/{id}/proof for transactions of a block of 1,000, beside
# GET /transactions/{id} (the status) and GET /heartbeat (no storage), from one client over loopback.
# Each jar is started with -Xmx384m and --meshchain.block.max-transactions=1000 on a fresh data
# directory; 3,000 transactions are submitted in batches and mined into blocks of 1,000; then 400
# requests of each kind after 100 to warm up. Two jars are measured in alternation, in one run.
# Needs python3.
#
#   scripts/bench-proofs.sh [JAR ...] [-- rounds]     default: target/meshchain.jar, 2 rounds
set -euo pipefail
cd "$(dirname "$0")/.."
jars=() rounds=2
while [[ $# -gt 0 ]]; do
  if [[ $1 == -- ]]; then rounds=$2; shift 2; else jars+=("$1"); shift; fi
done
[[ ${#jars[@]} -gt 0 ]] || jars=(target/meshchain.jar)
PORT=${BENCH_PORT:-18093}

measure() {
  python3 - "$PORT" <<'PY'
import http.client, json, sys, time, random
port = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
def call(method, path, body=None):
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
    response = conn.getresponse()
    return response.status, response.read()
stamp = int(time.time() * 1000) - 60_000
ids = []
for batch in range(12):
    txs = [{"sender": "proof%d" % (i % 50), "content": "proved %d.%d" % (batch, i), "timestamp": stamp + batch * 256 + i}
           for i in range(250)]
    status, body = call("POST", "/transactions/batch", json.dumps(txs))
    assert status == 200, (status, body)
deadline = time.time() + 120
while json.loads(call("GET", "/heartbeat")[1])["pending"] > 0:
    assert time.time() < deadline, "not mined in time"
    time.sleep(0.2)
blocks = json.loads(call("GET", "/chain?from=1&limit=10")[1])["blocks"]
full = [b for b in blocks if len(b["transactions"]) == 1000]
assert full, "no block of 1,000 transactions"
ids = [t["id"] for t in full[0]["transactions"]]
def timed(path_of):
    for _ in range(100):
        call("GET", path_of())
    times = []
    for _ in range(400):
        t0 = time.perf_counter()
        status, _ = call("GET", path_of())
        times.append(time.perf_counter() - t0)
        assert status == 200, status
    times.sort()
    return times[199] * 1000, times[395] * 1000
status = timed(lambda: "/transactions/" + random.choice(ids))
proof = timed(lambda: "/transactions/" + random.choice(ids) + "/proof")
heartbeat = timed(lambda: "/heartbeat")
print("status p50 %.2f / p99 %.2f ms | proof p50 %.2f / p99 %.2f ms | heartbeat p50 %.2f ms"
      % (status + proof + heartbeat[:1]))
PY
}

for round in $(seq 1 "$rounds"); do
  for jar in "${jars[@]}"; do
    dir=$(mktemp -d)
    # Each jar with its own defaults: the application.yml of the directory it starts from would override them.
    java -Xmx384m -jar "$jar" --spring.config.location=classpath:/application.yml \
      --server.port="$PORT" --meshchain.node-id=proofs --meshchain.storage.path="$dir/data" \
      --meshchain.block.max-transactions=1000 --meshchain.block.max-wait=1s --logging.level.root=WARN \
      > "$dir/node.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
      curl -fs "http://127.0.0.1:$PORT/readyz" > /dev/null 2>&1 && break
      sleep 0.5
    done
    echo "round $round, $jar: $(measure)"
    kill "$pid"; wait "$pid" || true
    rm -rf "$dir"
  done
done
