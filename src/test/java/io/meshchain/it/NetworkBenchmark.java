package io.meshchain.it;

import io.meshchain.pow.Hashes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
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
 * counts from when it was due); each node's chain is followed every 100 ms to see when each
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
    private static final Duration FOLLOW_EVERY = Duration.ofMillis(100);
    /** Submissions waiting for an answer from one node at most, as a client pool of that many connections. */
    private static final int IN_FLIGHT = 64;
    /** The latency tail is also shown by window of the run, this long each. */
    private static final Duration WINDOW = Duration.ofSeconds(10);
    /** Blocks below a node's tip a follower reads again at every look. */
    private static final int REREAD = 50;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
            Baseline baseline = warmUp > 0 ? warmUp(nodes, rate, warmUp) : Baseline.of(nodes);
            run(nodes, rate, seconds, baseline);
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
    private static Baseline warmUp(List<NodeProcess> nodes, int rate, int seconds) {
        String run = "warm-up " + Long.toString(System.currentTimeMillis(), 36);
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<Void>>> submissions = new ArrayList<>();
        Semaphore inFlight = new Semaphore(IN_FLIGHT * NODES);
        for (long i = 0; i < (long) rate * seconds; i++) {
            LockSupport.parkNanos(start + i * 1_000_000_000L / rate - System.nanoTime());
            NodeProcess node = nodes.get((int) (i % NODES));
            inFlight.acquireUninterruptibly();
            submissions.add(HTTP.sendAsync(submission(node, "bench" + (i % 64), run + " " + i, System.currentTimeMillis()),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(submissions.toArray(CompletableFuture[]::new)).join();
        long drainUntil = System.nanoTime() + DRAIN_WITHIN.toNanos();
        while (System.nanoTime() < drainUntil && !settled(nodes)) {
            LockSupport.parkNanos(FOLLOW_EVERY.toNanos());
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

    private static HttpRequest submission(NodeProcess node, String sender, String content, long timestamp) {
        return HttpRequest.newBuilder(URI.create(node.url() + "/transactions"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sender\":\"" + sender + "\",\"content\":\"" + content
                        + "\",\"timestamp\":" + timestamp + "}"))
                .build();
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

        synchronized void confirmedOn(int node, long nanos) {
            if (confirmedNanos[node] == 0) {
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

    private static void run(List<NodeProcess> nodes, int rate, int seconds, Baseline baseline) throws Exception {
        Map<String, Offered> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger refusedSender = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        Semaphore[] inFlight = new Semaphore[NODES];
        Arrays.setAll(inFlight, i -> new Semaphore(IN_FLIGHT));
        List<Thread> followers = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            int node = i;
            Thread follower = new Thread(() -> follow(nodes.get(node), node, acknowledged), "follow-n" + (i + 1));
            follower.setDaemon(true);
            follower.start();
            followers.add(follower);
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
            int target = (int) (i % NODES);
            NodeProcess node = nodes.get(target);
            // As clients with a pool of connections: at most IN_FLIGHT waiting answers per node. A
            // submission that finds none free waits, and its latency counts from when it was due.
            inFlight[target].acquireUninterruptibly();
            String sender = "bench" + (i % 64);
            String content = "payment " + run + " " + i;
            long timestamp = System.currentTimeMillis();
            String id = Hashes.transactionId(sender, content, timestamp);
            long submitted = due;
            submissions.add(HTTP.sendAsync(submission(node, sender, content, timestamp), HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
                inFlight[target].release();
                if (error == null && response.statusCode() == 201) {
                    acknowledged.put(id, new Offered(submitted, System.nanoTime()));
                } else if (error == null && response.statusCode() == 503) {
                    refused.incrementAndGet();
                } else if (error == null && response.statusCode() == 429) {
                    refusedSender.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    String cause = error != null ? rootCause(error).getClass().getSimpleName() : "HTTP " + response.statusCode();
                    failures.computeIfAbsent(cause, c -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            }));
        }
        CompletableFuture.allOf(submissions.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long offeredFor = System.nanoTime() - start;
        long drainUntil = System.nanoTime() + DRAIN_WITHIN.toNanos();
        while (System.nanoTime() < drainUntil && acknowledged.values().stream().anyMatch(o -> o.confirmedEverywhere() == 0)) {
            LockSupport.parkNanos(FOLLOW_EVERY.toNanos());
        }
        followers.forEach(Thread::interrupt);
        int foundLate = lookUpUnconfirmed(nodes, acknowledged);
        report(nodes, total, offeredFor, acknowledged, refused.get(), refusedSender.get(), failed.get(), start, baseline);
        if (!failures.isEmpty()) {
            System.out.println("failed submissions by cause: " + failures);
        }
        if (foundLate > 0) {
            System.out.printf("(%d of them were confirmed at a height the followers had passed, after a "
                + "reorganisation; found by GET /transactions/{id} at the end, and left out of the latencies)%n", foundLate);
        }
    }

    /**
     * Asks every node about the acknowledged transactions the followers did not see confirmed
     * everywhere: a reorganisation can place one at a height a follower had already read. Returns how
     * many were confirmed after all.
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
     * Follows one node's chain from the genesis block, noting when each offered transaction first
     * appears in it. A look costs one heartbeat summary while the tip stays; when it moves, the blocks
     * from the last one read are fetched, and when that one's hash changed (a reorganisation), the last
     * REREAD blocks are read again. Reading little matters: with blocks of 1,000 transactions, reading
     * 50 blocks ten times a second would cost the nodes more than the load itself.
     */
    private static void follow(NodeProcess node, int index, Map<String, Offered> offered) {
        long next = 1;
        String seenTip = "";
        Map<Long, String> hashes = new HashMap<>();
        List<String> unmatched = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                String tip = node.get("/heartbeat").json().get("tipHash").asString();
                if (!tip.equals(seenTip)) {
                    long from = Math.max(1, next - 1);
                    NodeClient.Response page = node.get("/chain?from=" + from + "&limit=1000");
                    JsonNode blocks = page.status() == 200 ? page.json().get("blocks") : null;
                    if (blocks != null && next > 1 && !blocks.isEmpty()
                            && !blocks.get(0).get("hash").asString().equals(hashes.get(from))) {
                        page = node.get("/chain?from=" + Math.max(1, next - REREAD) + "&limit=1000");
                        blocks = page.status() == 200 ? page.json().get("blocks") : null;
                    }
                    long now = System.nanoTime();
                    if (blocks != null) {
                        String last = "";
                        for (JsonNode block : blocks) {
                            for (JsonNode tx : block.get("transactions")) {
                                Offered found = offered.get(tx.get("id").asString());
                                if (found != null) {
                                    found.confirmedOn(index, now);
                                } else {
                                    unmatched.add(tx.get("id").asString());
                                }
                            }
                            long height = block.get("index").asLong();
                            last = block.get("hash").asString();
                            hashes.put(height, last);
                            hashes.remove(height - REREAD);
                            next = Math.max(next, height + 1);
                        }
                        seenTip = last.equals(tip) ? tip : ""; // a longer chain than one page: look again at once
                        // An answer may race the acknowledgement it holds: look again for those not yet known.
                        unmatched.removeIf(id -> {
                            Offered found = offered.get(id);
                            if (found != null) {
                                found.confirmedOn(index, now);
                                return true;
                            }
                            return false;
                        });
                    }
                }
                Thread.sleep(FOLLOW_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LockSupport.parkNanos(FOLLOW_EVERY.toNanos());
            }
        }
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
