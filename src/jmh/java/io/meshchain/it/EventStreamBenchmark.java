package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * Benchmark (not a test) of the block stream: {@code streams} clients of {@code GET /chain/events} on
 * one node run as the image runs it ({@code -Xmx384m}), while the node adopts a chain from a peer a
 * block at a time, with a switch of branches (two blocks replaced by three) half-way. For every client
 * and every block, the delay from the node adopting the block (its tip as {@code GET /heartbeat}
 * shows it, polled every 20 ms) to the client reading its event; whether every client's events
 * describe the node's chain, in order; and the node's heap after a full collection with no stream
 * and with them all open.
 *
 * <pre>scripts/bench-events.sh [streams] [blocks]     defaults: 1000 40</pre>
 */
final class EventStreamBenchmark {

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int length = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int fork = length / 2;
        List<Block> first = ChainFixture.extend(GENESIS, fork);
        // The branch forks two blocks below the first's tip and outgrows it: a switch of two blocks for three.
        List<Block> branch = ChainFixture.extend(first.get(fork - 3), length - fork + 2);
        List<Block> served = new ArrayList<>(first.subList(0, fork - 2));
        served.addAll(branch);

        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "events-bench");
        System.out.printf("Block stream: %d streams, %d blocks with a switch of 2 blocks for 3 at %d, node -Xmx384m%n",
                streams, length, fork);
        Map<String, Long> adopted = new ConcurrentHashMap<>();
        List<EventStreamClient> clients = new ArrayList<>();
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        try (FakePeer peer = new FakePeer(List.of(GENESIS));
             NodeProcess node = new NodeProcess(List.of("-Xmx384m"), "streams", TestNode.freePort(), work,
                     List.of(peer.url()), "--meshchain.mining.enabled=false", "--meshchain.heartbeat.interval=200ms",
                     "--meshchain.events.max-streams=" + streams,
                     "--meshchain.events.max-streams-per-address=" + streams)) {
            node.start().awaitReady();
            String before = heapAfterFullCollection(node.pid());

            long opening = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                clients.add(EventStreamClient.open(node.url(), -1, false));
            }
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> clients.stream().allMatch(c -> c.connections() == 1));
            System.out.printf("  %d streams open in %.1f s%n", streams, (System.nanoTime() - opening) / 1e9);
            String open = heapAfterFullCollection(node.pid());

            List<Block> chain = new ArrayList<>(List.of(GENESIS));
            poller.scheduleWithFixedDelay(() -> {
                String tip = node.tipHash();
                adopted.putIfAbsent(tip, System.nanoTime());
            }, 0, 20, TimeUnit.MILLISECONDS);
            for (int height = 1; height <= length; height++) {
                if (height == fork + 1) {
                    // The branch: the node replaces blocks fork-1 and fork with three of the branch at once.
                    chain.subList(fork - 1, chain.size()).clear();
                    chain.addAll(branch.subList(0, 3));
                } else {
                    chain.add(height <= fork ? first.get(height - 1) : branch.get(height - fork + 1));
                }
                peer.serve(chain);
                String tip = chain.get(chain.size() - 1).hash();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> adopted.containsKey(tip));
                Thread.sleep(250); // one block about every quarter of a second, not all at once
            }
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                    .until(() -> clients.stream().allMatch(c -> c.height() == length));
            poller.shutdownNow();
            report(clients, adopted, first, served);
            System.out.printf("  node heap after a full collection: before the streams %s; with them open %s%n",
                    before, open);
            System.out.printf("  node resident memory: %d MB (at most %d MB)%n",
                    NodeFiguresBenchmark.residentMegabytes(node.pid(), "VmRSS"),
                    NodeFiguresBenchmark.residentMegabytes(node.pid(), "VmHWM"));
            System.out.printf("  node counters: events sent %.0f, streams cut off %.0f%n",
                    node.counter("meshchain.events.sent", null), node.counter("meshchain.events.cut.off", null));
        } finally {
            poller.shutdownNow();
            clients.forEach(EventStreamClient::close);
            FileSystemUtils.deleteRecursively(work);
        }
    }

    private static void report(List<EventStreamClient> clients, Map<String, Long> adopted, List<Block> first,
                               List<Block> served) {
        List<Long> delays = new ArrayList<>();
        int inOrder = 0;
        int sawSwitch = 0;
        List<String> expected = served.stream().map(Block::hash).toList();
        for (EventStreamClient client : clients) {
            for (EventStreamClient.Event event : client.events()) {
                if (event.name().equals("block")) {
                    Long at = adopted.get(event.data().get("hash").asString());
                    if (at == null) {
                        // a block that was never the tip: adopted with the next one, in one step
                        at = adoptedWithLater(adopted, event, first, served);
                    }
                    delays.add(Math.max(0, event.receivedNanos() - at));
                }
            }
            if (client.violations().isEmpty() && client.firstHeight() == 1 && client.hashes().equals(expected)) {
                inOrder++;
            }
            if (client.events().stream().anyMatch(e -> e.name().equals("reorg"))) {
                sawSwitch++;
            }
        }
        Collections.sort(delays);
        System.out.printf("  clients whose events describe the node's chain exactly, in order: %d of %d; told of the"
                + " switch: %d%n", inOrder, clients.size(), sawSwitch);
        System.out.printf("  delay from adoption to a client reading the block (%d events): p50 %.0f ms, p99 %.0f ms,"
                + " max %.0f ms; within 1 s: %.2f%%%n", delays.size(), percentile(delays, 0.50) / 1e6,
                percentile(delays, 0.99) / 1e6, delays.get(delays.size() - 1) / 1e6,
                100.0 * delays.stream().filter(d -> d <= 1_000_000_000L).count() / delays.size());
    }

    /** When a block adopted together with later ones became part of the chain: when the first of those was seen. */
    private static long adoptedWithLater(Map<String, Long> adopted, EventStreamClient.Event event, List<Block> first,
                                         List<Block> served) {
        long index = event.data().get("index").asLong();
        for (List<Block> chain : List.of(served, first)) {
            for (Block block : chain) {
                Long at = adopted.get(block.hash());
                if (block.index() > index && at != null) {
                    return at;
                }
            }
        }
        throw new IllegalStateException("no adoption seen for block " + index);
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** The node's heap in use after a full collection, as {@code jcmd GC.heap_info} puts it. */
    private static String heapAfterFullCollection(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
            if (line.contains("used")) {
                return line.strip().replaceAll("\\s+", " ");
            }
        }
        return "(unknown)";
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return output;
    }
}
