package io.meshchain.it;

import io.meshchain.pow.Hashes;
import java.io.IOException;
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
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * Benchmark (not a test) of a network as its clients see it: {@code BENCH_NODES} nodes of the jar (3
 * unless set), fully meshed, with the default settings (and any node options given). Transactions are offered at a steady rate, round robin over the nodes, for a number of
 * seconds, with at most 64 answers awaited from a node at a time (a submission due while all are
 * taken waits, and its latency counts from when it was due). Every node's block stream is followed
 * ({@link ChainWatch}): a transaction is confirmed once it is in one and the same block on every node,
 * and a {@code reorg} forgets what the blocks it removes held, so a block later abandoned confirms
 * nothing. Prints what was acknowledged, refused ({@code 503}: the node pushed back; {@code 429}: a
 * sender over its limit) and failed; how many acknowledged transactions ended confirmed on every node
 * and at what rate; the latency to that stable confirmation (p50, p99, max, and p99 by 10-s window of
 * submission); the blocks any node had against those of the final chain (the orphan rate); and the
 * reorgs the nodes announced (how many, the deepest). Run by
 * {@code scripts/bench-network.sh RATE SECONDS [node options]}.
 */
public final class NetworkBenchmark {

    /** Nodes in the network: {@code BENCH_NODES}, 3 unless set. */
    private static final int NODES = Integer.parseInt(System.getenv().getOrDefault("BENCH_NODES", "3"));
    /** Nodes that mine, the first ones: {@code BENCH_MINERS}, every node unless set. */
    private static final int MINERS = Integer.parseInt(System.getenv().getOrDefault("BENCH_MINERS",
            String.valueOf(NODES)));
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
        List<String> options = new ArrayList<>(List.of("--meshchain.mining.interval=1s", "--meshchain.block.max-wait=10s",
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
            // BENCH_JOIN=first gives each node only the first node's address: the others it learns.
            boolean joinByFirst = "first".equals(System.getenv("BENCH_JOIN"));
            for (int i = 0; i < NODES; i++) {
                List<String> peers = new ArrayList<>();
                for (int j = 0; j < NODES; j++) {
                    if (j != i && (!joinByFirst || j == 0)) {
                        peers.add("http://127.0.0.1:" + ports[j]);
                    }
                }
                // BENCH_MINERS=N has the first N nodes mine and the others only follow, as in most networks.
                List<String> nodeOptions = new ArrayList<>(options);
                if (i >= MINERS) {
                    nodeOptions.add("--meshchain.mining.enabled=false");
                }
                nodes.add(new NodeProcess(jar, List.of(), "n" + (i + 1), ports[i], work.resolve("n" + (i + 1)), peers,
                        nodeOptions.toArray(String[]::new)).start());
            }
            nodes.forEach(NodeProcess::awaitReady);
            System.out.printf("network: %d nodes of %s (%d mining), %s, options %s%n", NODES, jar, Math.min(MINERS, NODES),
                    joinByFirst ? "each started with the first node's address only" : "full mesh", options);
            if (joinByFirst) {
                awaitJoined(nodes);
            }
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
            // BENCH_KEEP=1 keeps the nodes' data and logs, to read what they did.
            if (System.getenv("BENCH_KEEP") == null) {
                FileSystemUtils.deleteRecursively(work.toFile());
            } else {
                System.out.println("the nodes' data and logs: " + work);
            }
        }
    }

    /** Peers a node started with one address should come to hold: its target, or every other node. */
    private static final int JOINED_PEERS = Math.min(8, NODES - 1);
    /** How long the nodes may take to find their peers. */
    private static final Duration JOIN_WITHIN = Duration.ofSeconds(60);

    /** Waits until every node holds {@link #JOINED_PEERS} reachable peers, and says how long it took. */
    private static void awaitJoined(List<NodeProcess> nodes) {
        long start = System.nanoTime();
        long until = start + JOIN_WITHIN.toNanos();
        List<Integer> held = reachablePeers(nodes);
        while (System.nanoTime() < until && held.stream().anyMatch(count -> count < JOINED_PEERS)) {
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            held = reachablePeers(nodes);
        }
        System.out.printf("joined: %s every node holds %d reachable peers: %.1f s after the last was ready;"
                        + " reachable peers by node %s%n", held.stream().allMatch(count -> count >= JOINED_PEERS)
                        ? "" : "NOT", JOINED_PEERS, (System.nanoTime() - start) / 1e9, held);
    }

    private static List<Integer> reachablePeers(List<NodeProcess> nodes) {
        List<Integer> counts = new ArrayList<>();
        for (NodeProcess node : nodes) {
            int reachable = 0;
            for (JsonNode peer : node.summary().get("peers")) {
                reachable += peer.get("reachable").asBoolean() ? 1 : 0;
            }
            counts.add(reachable);
        }
        return counts;
    }

    /**
     * HTTP requests {@code node} has answered, but for those to actuator (the benchmark's own reads of
     * metrics): its clients' submissions and everything its peers sent (heartbeats, relays, chain pages).
     */
    private static double requestsAnswered(NodeProcess node) {
        double sum = 0;
        for (String line : node.get("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith("http_server_requests_seconds_count{") && !line.contains("uri=\"/actuator")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The nodes' block counters and heights before the measured load, which the report leaves out. */
    private record Baseline(double mined, double orphaned, long height, List<Double> requests) {

        static Baseline of(List<NodeProcess> nodes) {
            double mined = 0;
            double orphaned = 0;
            List<Double> requests = new ArrayList<>();
            for (NodeProcess node : nodes) {
                mined += node.counter("meshchain.blocks.mined", null);
                orphaned += node.counter("meshchain.blocks.orphaned", null);
                requests.add(requestsAnswered(node));
            }
            return new Baseline(mined, orphaned, nodes.stream().mapToLong(NodeClient::height).max().orElse(0),
                    requests);
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

    /** A transaction acknowledged: when it was due, and when the node answered 201 (from then on it owes the confirmation). */
    private record Offered(long submittedNanos, long acknowledgedNanos) {
    }

    private static void run(List<NodeProcess> nodes, SubmissionClient client, int rate, int seconds, Baseline baseline)
            throws Exception {
        Map<String, Offered> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger refusedSender = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        try (ChainWatch watch = new ChainWatch(nodes.stream().map(NodeProcess::url).toList(), baseline.height())) {
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
                // As clients with a pool of connections: at most IN_FLIGHT waiting answers per node. A
                // submission that finds none free waits, and its latency counts from when it was due.
                submissions.add(client.submit((int) (i % NODES), submission(sender, content, timestamp))
                        .handle((status, error) -> {
                            if (error == null && status == 201) {
                                acknowledged.put(id, new Offered(due, System.nanoTime()));
                            } else if (error == null && status == 503) {
                                refused.incrementAndGet();
                            } else if (error == null && status == 429) {
                                refusedSender.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                String cause = error != null ? rootCause(error).getClass().getSimpleName()
                                        : "HTTP " + status;
                                failures.computeIfAbsent(cause, c -> new AtomicInteger()).incrementAndGet();
                            }
                            return null;
                        }));
            }
            CompletableFuture.allOf(submissions.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long offeredFor = System.nanoTime() - start;
            long drainUntil = System.nanoTime() + DRAIN_WITHIN.toNanos();
            while (System.nanoTime() < drainUntil && !(settled(nodes)
                    && acknowledged.keySet().stream().allMatch(id -> watch.confirmedEverywhere(id).isPresent()))) {
                LockSupport.parkNanos(CHECK_EVERY.toNanos());
            }
            report(nodes, watch, total, offeredFor, acknowledged, refused.get(), refusedSender.get(), failed.get(), start,
                    baseline);
            if (!failures.isEmpty()) {
                System.out.println("failed submissions by cause: " + failures);
            }
            if (!watch.violations().isEmpty()) {
                System.out.println("the block streams broke their contract: " + watch.violations());
            }
            nodes.forEach(NetworkBenchmark::printWarnings);
        }
    }

    private static void report(List<NodeProcess> nodes, ChainWatch watch, long offered, long offeredForNanos,
                               Map<String, Offered> acknowledged, int refused, int refusedSender, int failed, long start,
                               Baseline baseline) {
        List<Long> latencies = new ArrayList<>();
        List<Long> sinceAcknowledged = new ArrayList<>();
        // Latency from submission, by the window of the run the submission was due in: whether the
        // tail comes from the first seconds (the nodes' JIT still compiling) or from all along.
        Map<Long, List<Long>> byWindow = new TreeMap<>();
        List<long[]> parts = new ArrayList<>();
        long lastConfirmed = start;
        // Block timestamps are wall-clock milliseconds; the client's moments are System.nanoTime().
        long wallMinusNanoTime = System.currentTimeMillis() * 1_000_000 - System.nanoTime();
        for (Map.Entry<String, Offered> entry : acknowledged.entrySet()) {
            ChainWatch.Arrival arrival = watch.arrival(entry.getKey());
            if (arrival == null) {
                continue;
            }
            Offered o = entry.getValue();
            long latency = Math.max(0, arrival.lastNanos() - o.submittedNanos());
            latencies.add(latency);
            byWindow.computeIfAbsent((o.submittedNanos() - start) / WINDOW.toNanos(), w -> new ArrayList<>()).add(latency);
            sinceAcknowledged.add(Math.max(0, arrival.lastNanos() - o.acknowledgedNanos()));
            lastConfirmed = Math.max(lastConfirmed, arrival.lastNanos());
            long cutoff = arrival.blockTimestampMillis() * 1_000_000 - wallMinusNanoTime;
            parts.add(new long[] {latency, cutoff - o.submittedNanos(), arrival.firstNanos() - cutoff,
                    arrival.lastNanos() - arrival.firstNanos()});
        }
        latencies.sort(null);
        sinceAcknowledged.sort(null);
        double window = Math.max(offeredForNanos, lastConfirmed - start) / 1e9;
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
        System.out.printf("confirmed on all %d nodes, in the same block: %d of %d acknowledged, %d never"
                + " (%.1f tx/s over %.1f s, first submission to last confirmation)%n", NODES, latencies.size(),
                acknowledged.size(), acknowledged.size() - latencies.size(), latencies.size() / window, window);
        if (!latencies.isEmpty()) {
            System.out.printf("latency from submission to a stable confirmation on every node: p50 %.2f s, p99 %.2f s,"
                    + " max %.2f s%n", percentile(latencies, 0.50), percentile(latencies, 0.99),
                    latencies.get(latencies.size() - 1) / 1e9);
            System.out.printf("latency from acknowledgement to a stable confirmation on every node: p50 %.2f s,"
                    + " p99 %.2f s, max %.2f s%n", percentile(sinceAcknowledged, 0.50),
                    percentile(sinceAcknowledged, 0.99), sinceAcknowledged.get(sinceAcknowledged.size() - 1) / 1e9);
            StringBuilder windows = new StringBuilder();
            byWindow.forEach((index, inWindow) -> {
                inWindow.sort(null);
                long from = index * WINDOW.toSeconds();
                windows.append(String.format(" %d-%d s: %.2f;", from, from + WINDOW.toSeconds(), percentile(inWindow, 0.99)));
            });
            System.out.println("p99 latency from submission, by when it was due:" + windows);
            printParts(parts);
        }
        List<Long> heights = nodes.stream().map(NodeClient::height).toList();
        Set<String> finalChain = finalChain(nodes.get(0), baseline.height());
        Set<String> seen = watch.blocksSeen();
        long orphans = seen.stream().filter(hash -> !finalChain.contains(hash)).count();
        Baseline after = Baseline.of(nodes);
        double mined = after.mined() - baseline.mined();
        // What each node answered beside its clients' submissions (the run's, a share each, round robin):
        // its peers' heartbeats, relays and chain pages, and the block stream followed here (one each).
        List<String> perTransaction = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            double clients = offered / NODES + (i < offered % NODES ? 1 : 0);
            double fromPeers = after.requests().get(i) - baseline.requests().get(i) - clients;
            perTransaction.add(String.format("%.2f", fromPeers / offered));
        }
        System.out.printf("requests a node answered from its peers per transaction offered: %s (peers held %s)%n",
                perTransaction, reachablePeers(nodes));
        System.out.printf("blocks: %d had by some node (%.0f sealed by the nodes' miners, the same block counted once"
                + " per node that sealed it), %d in the final chain, %d abandoned: orphan rate %.1f%%; heights %s%n",
                seen.size(), mined, finalChain.size(), orphans, seen.isEmpty() ? 0 : 100.0 * orphans / seen.size(),
                heights);
        System.out.printf("reorgs announced: %d on the %d nodes together, the deepest %d blocks%n", watch.reorgs(), NODES,
                watch.deepestReorg());
    }

    /**
     * Where a confirmation's time goes: from submission to the block's timestamp (its cutoff: the wait
     * for the next block), from the cutoff until the first node had the block (the settle margin and
     * sealing), and from the first node to the last (the block's trip). Each part's p50 and p99, and
     * its mean over the slowest 1% of confirmations: which part makes the tail.
     */
    private static void printParts(List<long[]> parts) {
        String[] names = {"to the block's cutoff", "cutoff to the first node", "first node to the last"};
        parts.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> slowest = parts.subList((int) (parts.size() * 0.99), parts.size());
        StringBuilder line = new StringBuilder("where the time went (p50 / p99 / mean of the slowest 1%):");
        for (int part = 1; part <= names.length; part++) {
            int index = part;
            List<Long> values = new ArrayList<>(parts.stream().map(p -> p[index]).sorted().toList());
            double slowMean = slowest.stream().mapToLong(p -> p[index]).average().orElse(0) / 1e9;
            line.append(String.format(" %s %.2f / %.2f / %.2f s;", names[part - 1], percentile(values, 0.50),
                    percentile(values, 0.99), slowMean));
        }
        System.out.println(line);
    }

    /** What the node logged at WARN or above during the run, by message, most frequent first, a few of them. */
    private static void printWarnings(NodeProcess node) {
        Map<String, Long> messages = new TreeMap<>();
        try (Stream<String> lines = Files.lines(node.log())) {
            lines.filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).forEach(line -> {
                String message = line.substring(line.indexOf(" : ") + 3).replaceAll("[0-9]+", "N");
                messages.merge(message.length() > 160 ? message.substring(0, 160) : message, 1L, Long::sum);
            });
        } catch (IOException e) {
            System.out.println(node.nodeId() + ": cannot read its log: " + e.getMessage());
            return;
        }
        if (!messages.isEmpty()) {
            System.out.println(node.nodeId() + " logged " + messages.values().stream().mapToLong(Long::longValue).sum()
                    + " warnings or errors; the most frequent:");
            messages.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                    .forEach(entry -> System.out.printf("  %5d  %s%n", entry.getValue(), entry.getKey()));
        }
    }

    /** The hashes of {@code node}'s chain above {@code fromHeight}. */
    private static Set<String> finalChain(NodeProcess node, long fromHeight) {
        Set<String> hashes = new HashSet<>();
        long height = node.height();
        for (long from = fromHeight + 1; from <= height; from += 1000) {
            for (JsonNode block : node.get("/chain?from=" + from + "&limit=1000").json().get("blocks")) {
                hashes.add(block.get("hash").asString());
            }
        }
        return hashes;
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
