#!/usr/bin/env bash
# Builds the node's image with the unmodified Dockerfile and runs the node from it as the
# StatefulSet does, without a Docker engine: buildah builds it (chroot isolation), on stand-ins for
# the two eclipse-temurin bases made with debootstrap (Debian bookworm, minbase, with Debian's
# OpenJDK 17), and the node runs from the image's root filesystem, mounted read-only, as uid 10001,
# with /tmp and /data writable, as PID 1 of its own PID namespace, with -Xshare:on so that a
# class-data archive the JVM cannot use stops it. It checks readiness, a transaction accepted and
# mined, the Prometheus endpoint, SIGTERM exiting 0 with the ledger flushed, and a restart on the
# same /data keeping the chain; it prints the build time and the image's size.
#
# Needs root, buildah and debootstrap (Debian's packages; .ci/run installs them). The stand-in bases
# are kept in buildah's store and made again only when missing (about 3 minutes). The host's CA
# certificates are copied into the stand-in, so that the build stage's Maven reaches Maven Central
# where outbound TLS goes through a proxy with its own CA; the Dockerfile stays as users build it.
#
#   scripts/image-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

JDK_BASE=docker.io/library/eclipse-temurin:17-jdk
JRE_BASE=docker.io/library/eclipse-temurin:17-jre
IMAGE=localhost/meshchain:check
STAND_IN_LABEL=io.meshchain.stand-in
export BUILDAH_ISOLATION=chroot

work=$(mktemp -d)
container=""
node_pid=""
cleanup() {
  [[ -n $node_pid ]] && pkill -KILL -P "$node_pid" 2> /dev/null || true
  if [[ -n $container ]]; then
    buildah umount "$container" > /dev/null 2>&1 || true
    buildah rm "$container" > /dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '[image-check] %s\n' "$*"; }
fail() { say "FAILED: $*"; [[ -f $work/node.log ]] && tail -40 "$work/node.log"; exit 1; }

stand_in_present() {
  local inspected
  inspected=$(buildah inspect --type image "$1" 2> /dev/null) || return 1
  python3 -c '
import json, sys
labels = json.load(sys.stdin)["OCIv1"]["config"].get("Labels") or {}
sys.exit(0 if labels.get(sys.argv[1]) == "true" else 1)' "$STAND_IN_LABEL" <<< "$inspected"
}

# One Debian root with the JDK stands in for both bases (the JDK holds the JRE).
make_stand_ins() {
  if stand_in_present "$JDK_BASE" && stand_in_present "$JRE_BASE"; then
    say "stand-in bases present"
    return
  fi
  local start=$SECONDS rootfs=$work/rootfs base
  say "making the stand-in bases with debootstrap"
  debootstrap --variant=minbase --include=openjdk-17-jdk-headless,passwd,ca-certificates \
    bookworm "$rootfs" http://deb.debian.org/debian > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  # Trust what the host trusts: its CA bundle and Java's.
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  [[ -f /etc/ssl/certs/java/cacerts ]] && cp /etc/ssl/certs/java/cacerts "$rootfs/etc/ssl/certs/java/cacerts"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  base=$(buildah from scratch)
  cp -a "$rootfs/." "$(buildah mount "$base")/"
  buildah umount "$base" > /dev/null
  buildah config --label "$STAND_IN_LABEL=true" \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 "$base"
  buildah commit --quiet "$base" "$JDK_BASE" > /dev/null
  buildah tag "$JDK_BASE" "$JRE_BASE"
  buildah rm "$base" > /dev/null
  rm -rf "$rootfs"
  say "stand-in bases made in $((SECONDS - start)) s"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Writes a script that runs, as the image's user, in its working directory, with its environment, in
# its root filesystem mounted read-only with /data and /tmp writable: the image's entrypoint, or with
# "probe OPTIONS...", the entrypoint with OPTIONS added to the JVM's, running the jar's client
# (which starts no node) to print its help. Only the
# address and port are the host's choice (loopback, a free port), with a shorter wait for a block
# and -Xshare:on, so that an archive the JVM cannot use stops it.
launcher() {
  local root=$1 data=$2 port=$3
  shift 3
  buildah inspect --type image "$IMAGE" | python3 -c '
import json, shlex, sys
config = json.load(sys.stdin)["OCIv1"]["config"]
root, data, port = sys.argv[1:4]
user = config.get("User") or "0:0"
if user != "10001:10001":
    sys.exit("the image runs as " + user + ", not 10001:10001 as the StatefulSet expects")
env = config.get("Env", []) + ["HOME=/app", "SERVER_ADDRESS=127.0.0.1", "SERVER_PORT=" + port,
    "MESHCHAIN_NODE_ID=image-check", "MESHCHAIN_BLOCK_MAX_WAIT=1s", "JDK_JAVA_OPTIONS=-Xshare:on"]
command = (config.get("Entrypoint") or []) + (config.get("Cmd") or [])
if sys.argv[4:5] == ["probe"]:
    jar = command.index("-jar")
    command = command[:jar] + sys.argv[5:] + command[jar:] + ["client", "help"]
q = shlex.quote
print("set -e")
print("mount --bind %s %s" % (q(root), q(root)))
print("mount -o remount,bind,ro %s" % q(root))
print("mount -t proc proc %s/proc" % q(root))
print("mount --rbind /dev %s/dev" % q(root))
print("mount -t tmpfs -o mode=1777 tmpfs %s/tmp" % q(root))
print("mount --bind %s %s/data" % (q(data), q(root)))
print("exec chroot --userspec=%s %s /usr/bin/env -i %s /bin/sh -c %s sh %s" % (q(user), q(root),
    " ".join(q(e) for e in env), q("cd " + q(config.get("WorkingDir") or "/") + " && exec \"$@\""),
    " ".join(q(c) for c in command)))
' "$root" "$data" "$port" "$@"
}

# Starts the node from the image as PID 1 of a PID namespace of its own, in the background.
start_node() {
  launcher "$1" "$2" "$3" > "$work/launch.sh"
  unshare --mount --pid --fork --propagation private -- /bin/bash "$work/launch.sh" >> "$work/node.log" 2>&1 &
  node_pid=$!
}

await() {
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@" > /dev/null 2>&1; then
      return 0
    fi
    kill -0 "$node_pid" 2> /dev/null || fail "the node exited while waiting for $what"
    sleep 0.2
  done
  fail "$what not within $seconds s"
}

stops=0
stop_node() {
  local status=0 flushed
  # To the JVM, PID 1 of its namespace: unshare, its parent here, passes no signal on.
  pkill -TERM -P "$node_pid"
  wait "$node_pid" || status=$?
  node_pid=""
  [[ $status -eq 0 ]] || fail "SIGTERM: the node exited with $status, not 0"
  stops=$((stops + 1))
  flushed=$(grep -c "Ledger files flushed and closed" "$work/node.log" || true)
  [[ $flushed -eq $stops ]] || fail "SIGTERM: no 'Ledger files flushed and closed' in the log"
}

height() {
  curl -fsS "http://127.0.0.1:$1/heartbeat" | python3 -c 'import json, sys; print(json.load(sys.stdin)["height"])'
}

make_stand_ins

say "building $IMAGE from the Dockerfile"
build_start=$SECONDS
buildah bud --pull=never --layers --tag "$IMAGE" . > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; fail "build"; }
build_seconds=$((SECONDS - build_start))
size=$(buildah images --format '{{.Size}}' "$IMAGE" | head -1)
say "built in $build_seconds s; image size $size"
if grep -qi "useradd warning" "$work/build.log"; then
  fail "the build warned: $(grep -i "useradd warning" "$work/build.log")"
fi

container=$(buildah from --pull=never "$IMAGE")
root=$(buildah mount "$container")
leftovers=$(ls -A "$root/tmp")
[[ -z $leftovers ]] || fail "the image's /tmp holds what the build left: $leftovers"
# RocksDB's jar carries its native library for many systems; the image keeps Linux's (glibc, x86-64
# and arm64) only.
natives=$(python3 -c 'import sys, zipfile; print(" ".join(sorted(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("librocksdbjni"))))' \
  "$root"/app/lib/rocksdbjni-*.jar)
[[ $natives == "librocksdbjni-linux-aarch64.so librocksdbjni-linux64.so" ]] \
  || fail "the image's RocksDB jar should hold Linux's native libraries only, not: $natives"
say "RocksDB's natives in the image: $natives"

# The entrypoint's JVM options on a host with 64 GB and no memory limit: the heap stays within
# compressed object pointers, and the class-data archive is still used (-Xshare:on fails otherwise).
data=$work/data
mkdir -p "$data"
chown 10001:10001 "$data"
launcher "$root" "$data" 0 probe -XX:MaxRAM=64g -XX:+PrintFlagsFinal > "$work/probe.sh"
large_host=$(unshare --mount --pid --fork --propagation private -- /bin/bash "$work/probe.sh" 2>&1) \
  || fail "on a 64 GB host the JVM does not start with the class-data archive: $(tail -3 <<< "$large_host")"
grep -Eq "bool UseCompressedOops += true" <<< "$large_host" || fail "on a 64 GB host compressed oops are off"
heap=$(awk '/ MaxHeapSize /{print int($4 / 1048576)}' <<< "$large_host")
say "on a 64 GB host without a limit: heap ${heap} MB, compressed oops on, class-data archive used"
port=$(free_port)

say "running the node from the image (read-only root, uid 10001, -Xshare:on)"
run_start=$SECONDS
start_node "$root" "$data" "$port"
await "/readyz" 90 curl -fsS "http://127.0.0.1:$port/readyz"
say "ready in $((SECONDS - run_start)) s"
id=$(curl -fsS -X POST "http://127.0.0.1:$port/transactions" -H 'Content-Type: application/json' \
  -d '{"sender":"imagecheck","content":"mined from the image"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
await "the transaction to be mined" 60 bash -c "curl -fsS http://127.0.0.1:$port/transactions/$id | grep '\"confirmed\"' > /dev/null"
say "transaction $id accepted and mined"
# grep reads the whole answer (not -q): with pipefail, curl must not fail writing to a reader that left.
curl -fsS "http://127.0.0.1:$port/actuator/prometheus" | grep '^meshchain_chain_height' > /dev/null || fail "/actuator/prometheus"
grep -q "Picked up JAVA_TOOL_OPTIONS" "$work/node.log" && fail "the JVM printed 'Picked up JAVA_TOOL_OPTIONS'"
before=$(height "$port")
stop_node
say "SIGTERM: exit 0, ledger flushed, at height $before"

start_node "$root" "$data" "$port"
await "/readyz after a restart" 90 curl -fsS "http://127.0.0.1:$port/readyz"
after=$(height "$port")
[[ $after -ge $before ]] || fail "restart: height $after, was $before"
curl -fsS "http://127.0.0.1:$port/transactions/$id" | grep '"confirmed"' > /dev/null || fail "restart: transaction $id not confirmed"
stop_node
say "restart on the same /data: height $after, transaction still confirmed"
say "ok: build $build_seconds s, image $size"
