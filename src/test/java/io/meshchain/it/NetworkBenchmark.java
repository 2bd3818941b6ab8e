package io.meshchain.it;

import io.meshchain.pow.Hashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * Benchmark (not a test) of a network's throughput: three nodes of the jar, fully meshed, with the
 * default settings but a 1-second heartbeat (and any node options given). Transactions are offered
 * at a steady rate, round robin over the nodes, for a number of seconds, with at most 64 answers
 * awaited from a node at a time (a submission due while all are taken waits, and its latency
 * counts from when it was due); each node's block stream is followed to see when each
 * transaction is in a block there. Prints what was acknowledged, refused ({@code 503}: the node
 * pushed back; {@code 429}: a sender over its limit) and failed, how many acknowledged transactions
 * are in a block on all three nodes and at what rate, the latency from submission until then on
 * every node (p50, p99, max), and the orphan rate (blocks abandoned in reorganisations, per block of
 * the final chain on each node). Run by {@code scripts/bench-network.sh RATE SECONDS [node options]}.
 */
public final class NetworkBenchmark {

    private static final int NODES = 3;
    /** How long after the load ends acknowledged transactions may take to be confirmed everywhere. */
    private static final Duration DRAIN_WITHIN = Duration.ofSeconds(60);
    /** How often the end of the run looks whether everything is confirmed. */
    private static final Duration CHECK_EVERY = Duration.ofMillis(100);
    /** Submissions waiting for an answer from one node at most, as a client pool of that many connections. */
    private static final int IN_FLIGHT = 64;
    /** The latency tail is also shown by window of the run, this long each. */
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private NetworkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: NetworkBenchmark RATE SECONDS [node options]");
        }
        int rate = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        List<String> options = new ArrayList<>(List.of("--meshchain.heartbeat.interval=1s",
                "--meshchain.mining.interval=1s", "--meshchain.block.max-wait=10s",
                "--meshchain.network.connect-timeout=1s", "--meshchain.network.read-timeout=2s",
                "--meshchain.pool.capacity=1000000", "--logging.level.root=WARN"));
        options.addAll(Arrays.asList(args).subList(2, args.length));
        // BENCH_JAR=other.jar runs another build (the previous commit's, say) the same way.
        Path jar = System.getenv("BENCH_JAR") == null ? NodeProcess.JAR : Path.of(System.getenv("BENCH_JAR"));
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "network-bench");
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            int[] ports = new int[NODES];
            for (int i = 0; i < NODES; i++) {
                ports[i] = TestNode.freePort();
            }
            for (int i = 0; i < NODES; i++) {
                List<String> peers = new ArrayList<>();
                for (int j = 0; j < NODES; j++) {
                    if (j != i) {
                        peers.add("http://127.0.0.1:" + ports[j]);
                    }
                }
                nodes.add(new NodeProcess(jar, List.of(), "n" + (i + 1), ports[i], work.resolve("n" + (i + 1)), peers,
                        options.toArray(String[]::new)).start());
            }
            nodes.forEach(NodeProcess::awaitReady);
            System.out.printf("network: %d nodes of %s, full mesh, options %s%n", NODES, jar, options);
            System.out.printf("load: %d tx/s for %d s, round robin, one new transaction per POST /transactions%n",
                    rate, seconds);
            // BENCH_WARMUP=SECONDS first offers the same load that long, unmeasured, and waits until it is
            // confirmed everywhere: the figures are then those of nodes whose JIT has compiled the hot paths.
            int warmUp = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "0"));
            try (SubmissionClient client = new SubmissionClient(nodes.stream().map(NodeProcess::url).toList(), IN_FLIGHT)) {
                Baseline baseline = warmUp > 0 ? warmUp(nodes, client, rate, warmUp) : Baseline.of(nodes);
                run(nodes, client, rate, seconds, baseline);
            }
        } finally {
            nodes.forEach(NodeProcess::close);
            FileSystemUtils.deleteRecursively(work.toFile());
        }
    }

    /** The nodes' block counters and heights before the measured load, which the report leaves out. */
    private record Baseline(double mined, double orphaned, long height) {

        static Baseline of(List<NodeProcess> nodes) {
            double mined = 0;
            double orphaned = 0;
            for (NodeProcess node : nodes) {
                mined += node.counter("meshchain.blocks.mined", null);
                orphaned += node.counter("meshchain.blocks.orphaned", null);
            }
            return new Baseline(mined, orphaned, nodes.stream().mapToLong(NodeClient::height).max().orElse(0));
        }
    }

    /**
     * Offers {@code rate} transactions a second for {@code seconds}, unmeasured, then waits until no
     * node has any pending and all have one tip.
     */
    private static Baseline warmUp(List<NodeProcess> nodes, SubmissionClient client, int rate, int seconds) {
        String run = "warm-up " + Long.toString(System.currentTimeMillis(), 36);
        long start = System.nanoTime();
        List<CompletableFuture<Integer>> submissions = new ArrayList<>();
        for (long i = 0; i < (long) rate * seconds; i++) {
            LockSupport.parkNanos(start + i * 1_000_000_000L / rate - System.nanoTime());
            submissions.add(client.submit((int) (i % NODES),
                    submission("bench" + (i % 64), run + " " + i, System.currentTimeMillis())));
        }
        // Refusals and failures of the warm-up do not count: it only has to be over.
        CompletableFuture.allOf(submissions.stream().map(s -> s.exceptionally(error -> 0))
                .toArray(CompletableFuture[]::new)).join();
        long drainUntil = System.nanoTime() + DRAIN_WITHIN.toNanos();
        while (System.nanoTime() < drainUntil && !settled(nodes)) {
            LockSupport.parkNanos(CHECK_EVERY.toNanos());
        }
        System.out.printf("warm-up: %d tx/s for %d s, then %.1f s until confirmed everywhere; measured from here%n",
                rate, seconds, (System.nanoTime() - start) / 1e9 - seconds);
        return Baseline.of(nodes);
    }

    private static boolean settled(List<NodeProcess> nodes) {
        Set<String> tips = new HashSet<>();
        for (NodeProcess node : nodes) {
            JsonNode summary = node.summary();
            if (summary.get("pending").asLong() > 0) {
                return false;
            }
            tips.add(summary.get("tipHash").asString());
        }
        return tips.size() == 1;
    }

    private static String submission(String sender, String content, long timestamp) {
        return "{\"sender\":\"" + sender + "\",\"content\":\"" + content + "\",\"timestamp\":" + timestamp + "}";
    }

    /** A transaction offered: when, and when each node first had it in a block (0 until then). */
    private static final class Offered {
        final long submittedNanos;
        /** When the node answered 201: from then on the node owes the confirmation. */
        final long acknowledgedNanos;
        final long[] confirmedNanos = new long[NODES];
        /** Confirmed everywhere only by the lookup at the end: no latency is known for it. */
        volatile boolean foundLate;

        Offered(long submittedNanos, long acknowledgedNanos) {
            this.submittedNanos = submittedNanos;
            this.acknowledgedNanos = acknowledgedNanos;
        }

        /** Notes a block on the node holding it; the earliest such block counts. */
        synchronized void confirmedOn(int node, long nanos) {
            if (confirmedNanos[node] == 0 || nanos < confirmedNanos[node]) {
                confirmedNanos[node] = nanos;
            }
        }

        synchronized long confirmedEverywhere() {
            long last = 0;
            for (long nanos : confirmedNanos) {
                if (nanos == 0) {
                    return 0;
                }
                last = Math.max(last, nanos);
            }
            return last;
        }
    }

    /**
     * The acknowledged transactions, and where a block event brought an id before its acknowledgement
     * reached the client (the node's answer and the block race): such a sighting is kept until the
     * acknowledgement comes, then counts with the time of the event.
     */
    private static final class Confirmations {

        final Map<String, Offered> acknowledged = new ConcurrentHashMap<>();
        /** When each node's block event brought an id not acknowledged yet, by node (0: not seen there). */
        private final Map<String, long[]> early = new ConcurrentHashMap<>();

        void acknowledged(String id, Offered offered) {
            acknowledged.put(id, offered);
            takeEarly(id, offered);
        }

        void seen(String id, int node, long nanos) {
            Offered offered = acknowledged.get(id);
            if (offered != null) {
                offered.confirmedOn(node, nanos);
                return;
            }
            early.compute(id, (key, seen) -> {
                long[] times = seen != null ? seen : new long[NODES];
                if (times[node] == 0) {
                    times[node] = nanos;
                }
                return times;
            });
            offered = acknowledged.get(id); // acknowledged meanwhile: it may have looked before this was kept
            if (offered != null) {
                takeEarly(id, offered);
            }
        }

        private void takeEarly(String id, Offered offered) {
            long[] seen = early.remove(id);
            if (seen != null) {
                for (int node = 0; node < NODES; node++) {
                    if (seen[node] != 0) {
                        offered.confirmedOn(node, seen[node]);
                    }
                }
            }
        }
    }

    private static void run(List<NodeProcess> nodes, SubmissionClient client, int rate, int seconds, Baseline baseline)
            throws Exception {
        Confirmations confirmations = new Confirmations();
        Map<String, Offered> acknowledged = confirmations.acknowledged;
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger refusedSender = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        List<EventStreamClient> followers = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            followers.add(follow(nodes.get(i), i, nodes.get(i).height(), confirmations));
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        List<CompletableFuture<Void>> submissions = new ArrayList<>();
        for (long i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String sender = "bench" + (i % 64);
            String content = "payment " + run + " " + i;
            long timestamp = System.currentTimeMillis();
            String id = Hashes.transactionId(sender, content, timestamp);
            long submitted = due;
            // As clients with a pool of connections: at most IN_FLIGHT waiting answers per node. A
            // submission that finds none free waits, and its latency counts from when it was due.
            submissions.add(client.submit((int) (i % NODES), submission(sender, content, timestamp)).handle((status, error) -> {
                if (error == null && status == 201) {
                    confirmations.acknowledged(id, new Offered(submitted, System.nanoTime()));
                } else if (error == null && status == 503) {
                    refused.incrementAndGet();
                } else if (error == null && status == 429) {
                    refusedSender.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    String cause = error != null ? rootCause(error).getClass().getSimpleName() : "HTTP " + status;
                    failures.computeIfAbsent(cause, c -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            }));
        }
        CompletableFuture.allOf(submissions.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long offeredFor = System.nanoTime() - start;
        long drainUntil = System.nanoTime() + DRAIN_WITHIN.toNanos();
        while (System.nanoTime() < drainUntil && acknowledged.values().stream().anyMatch(o -> o.confirmedEverywhere() == 0)) {
            LockSupport.parkNanos(CHECK_EVERY.toNanos());
        }
        followers.forEach(EventStreamClient::close);
        int foundLate = lookUpUnconfirmed(nodes, acknowledged);
        report(nodes, total, offeredFor, acknowledged, refused.get(), refusedSender.get(), failed.get(), start, baseline);
        if (!failures.isEmpty()) {
            System.out.println("failed submissions by cause: " + failures);
        }
        if (foundLate > 0) {
            System.out.printf("(%d of them were confirmed without a block event the followers saw; found by"
                + " GET /transactions/{id} at the end, and left out of the latencies)%n", foundLate);
        }
    }

    /**
     * Asks every node about the acknowledged transactions the followers did not see confirmed
     * everywhere. A stream resumes where it was cut off, so this should find none; it is the check
     * that the followers missed nothing. Returns how many were confirmed after all.
     */
    private static int lookUpUnconfirmed(List<NodeProcess> nodes, Map<String, Offered> acknowledged) {
        int found = 0;
        for (Map.Entry<String, Offered> entry : acknowledged.entrySet()) {
            if (entry.getValue().confirmedEverywhere() != 0) {
                continue;
            }
            for (int i = 0; i < NODES; i++) {
                NodeClient.Response status = nodes.get(i).get("/transactions/" + entry.getKey());
                if (status.status() == 200 && "confirmed".equals(status.json().get("status").asString())) {
                    entry.getValue().confirmedOn(i, System.nanoTime());
                }
            }
            if (entry.getValue().confirmedEverywhere() != 0) {
                entry.getValue().foundLate = true;
                found++;
            }
        }
        return found;
    }

    /**
     * Follows one node's chain by its block stream ({@code GET /chain/events}, from the given height
     * on), noting when each offered transaction first appears in a block there. The node encodes each
     * block once however many streams are open, and the stream reconnects with {@code Last-Event-ID}
     * if the node cuts it off, so no block is missed and none is read twice.
     */
    private static EventStreamClient follow(NodeProcess node, int index, long fromHeight, Confirmations confirmations) {
        return EventStreamClient.open(node.url(), fromHeight, true, event -> {
            if (event.name().equals("block")) {
                for (JsonNode tx : event.data().get("transactions")) {
                    confirmations.seen(tx.get("id").asString(), index, event.receivedNanos());
                }
            }
        });
    }

    private static void report(List<NodeProcess> nodes, long offered, long offeredForNanos, Map<String, Offered> acknowledged,
            int refused, int refusedSender, int failed, long start, Baseline baseline) {
        List<Long> latencies = new ArrayList<>();
        List<Long> sinceAcknowledged = new ArrayList<>();
        // Latency from submission, by the window of the run the submission was due in: whether the
        // tail comes from the first seconds (the nodes' JIT still compiling) or from all along.
        Map<Long, List<Long>> byWindow = new TreeMap<>();
        long lastConfirmed = start;
        int confirmed = 0;
        for (Offered o : acknowledged.values()) {
            long everywhere = o.confirmedEverywhere();
            if (everywhere != 0) {
                confirmed++;
            }
            if (everywhere != 0 && !o.foundLate) {
                latencies.add(everywhere - o.submittedNanos);
                byWindow.computeIfAbsent((o.submittedNanos - start) / WINDOW.toNanos(), w -> new ArrayList<>())
                        .add(everywhere - o.submittedNanos);
                sinceAcknowledged.add(everywhere - o.acknowledgedNanos);
                lastConfirmed = Math.max(lastConfirmed, everywhere);
            }
        }
        latencies.sort(null);
        sinceAcknowledged.sort(null);
        double window = Math.max(offeredForNanos, lastConfirmed - start) / 1e9;
        Baseline end = Baseline.of(nodes);
        double mined = end.mined() - baseline.mined();
        double orphaned = end.orphaned() - baseline.orphaned();
        System.out.printf("offered %d in %.1f s (late when the nodes answered slower than the rate): acknowledged %d,"
                + " refused (503) %d, refused (429) %d, failed %d%n",
                offered, offeredForNanos / 1e9, acknowledged.size(), refused, refusedSender, failed);
        Map<String, Long> byRule = new TreeMap<>();
        for (String rule : List.of("backlog", "busy", "pool-full", "sender-limit")) {
            long count = 0;
            for (NodeProcess node : nodes) {
                count += (long) node.counter("meshchain.transactions.refused", "rule:" + rule);
            }
            if (count > 0) {
                byRule.put(rule, count);
            }
        }
        if (!byRule.isEmpty()) {
            System.out.println("refused by rule, on the nodes together (relays included): " + byRule);
        }
        System.out.printf("confirmed on all %d nodes: %d of %d acknowledged (%.1f tx/s over %.1f s, first submission"
                + " to last confirmation seen)%n", NODES, confirmed, acknowledged.size(), latencies.size() / window, window);
        if (!latencies.isEmpty()) {
            System.out.printf("latency from submission to confirmed everywhere: p50 %.2f s, p99 %.2f s, max %.2f s%n",
                    percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.get(latencies.size() - 1) / 1e9);
            System.out.printf("latency from acknowledgement to confirmed everywhere: p50 %.2f s, p99 %.2f s, max %.2f s%n",
                    percentile(sinceAcknowledged, 0.50), percentile(sinceAcknowledged, 0.99),
                    sinceAcknowledged.get(sinceAcknowledged.size() - 1) / 1e9);
            StringBuilder windows = new StringBuilder();
            byWindow.forEach((index, inWindow) -> {
                inWindow.sort(null);
                long from = index * WINDOW.toSeconds();
                windows.append(String.format(" %d-%d s: %.2f;", from, from + WINDOW.toSeconds(), percentile(inWindow, 0.99)));
            });
            System.out.println("p99 latency from submission, by when it was due:" + windows);
        }
        List<Long> heights = nodes.stream().map(NodeClient::height).toList();
        long kept = heights.stream().mapToLong(Long::longValue).max().orElse(0) - baseline.height();
        // Nodes that seal the same block for a height each count it as mined, so "mined" is not "lost":
        // the orphan rate counts what reorganisations undid, per block of the final chain on each node.
        System.out.printf("blocks: %.0f mined, %d added to the chain, %.0f abandoned in reorganisations on the %d nodes"
                + " together; orphan rate %.1f%%; heights %s%n", mined, kept, orphaned, NODES,
                kept == 0 ? 0 : 100 * orphaned / (NODES * kept), heights);
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static double percentile(List<Long> sorted, double share) {
        int at = (int) Math.min(sorted.size() - 1, Math.ceil(share * sorted.size()) - 1);
        return sorted.get(Math.max(0, at)) / 1e9;
    }
}
