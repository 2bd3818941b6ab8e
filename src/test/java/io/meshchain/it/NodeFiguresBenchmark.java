package io.meshchain.it;

import static org.awaitility.Awaitility.await;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.storage.StorageFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;

/**
 * Benchmark (not a test) of whole nodes, as separate processes of the real jar started as a user
 * starts it ({@code java -jar}, no JVM options): time from start to
 * ready and resident memory, empty and with a 10,000-block chain; the bytes one heartbeat costs per
 * peer at heights 100 and 10,000; and the seconds a fresh node takes to catch up 10,000 blocks.
 * Run by {@code scripts/bench.sh}, which prints these beside the JMH figures.
 */
public final class NodeFiguresBenchmark {

    private static final int LONG_CHAIN = 10_000;
    private static final int SHORT_CHAIN = 100;
    private static final Duration QUIET_PERIOD = Duration.ofSeconds(10);
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    private static final String QUIET = "--meshchain.heartbeat.interval=" + HEARTBEAT_INTERVAL.toSeconds() + "s";
    private static final int SETTLE_SECONDS = 3;

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("meshchain-bench");
        try {
            List<Block> chain = ChainFixture.extend(Genesis.block(ChainFixture.DIFFICULTY), LONG_CHAIN);
            System.out.println("node figures (one process per node, loopback)");
            startAndMemory(work, "empty", List.of());
            startAndMemory(work, "10,000 blocks", chain);
            heartbeatBytes(work, chain.subList(0, SHORT_CHAIN));
            heartbeatBytes(work, chain);
            catchUp(work, chain);
        } finally {
            FileSystemUtils.deleteRecursively(work.toFile());
        }
    }

    private static NodeProcess node(Path work, String id, List<Block> chain, List<String> peers, String... extra)
            throws IOException {
        Path directory = Files.createDirectories(work.resolve(id));
        if (!chain.isEmpty()) {
            StorageFixture.writeChain(directory.resolve("data"), chain);
        }
        String[] settings = new String[extra.length + 1];
        settings[0] = "--meshchain.mining.enabled=false";
        System.arraycopy(extra, 0, settings, 1, extra.length);
        return new NodeProcess(List.of(), id, TestNode.freePort(), directory, peers, settings);
    }

    private static void startAndMemory(Path work, String label, List<Block> chain) throws Exception {
        try (NodeProcess node = node(work, "start-" + chain.size(), chain, List.of())) {
            long start = System.nanoTime();
            node.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> node.get("/readyz").status() == 200);
            double seconds = (System.nanoTime() - start) / 1e9;
            long height = node.height();
            TimeUnit.SECONDS.sleep(SETTLE_SECONDS); // let start-up garbage be collected before reading memory
            System.out.printf("  start to ready, %s: %.2f s (height %d); resident memory %d MB%n", label, seconds,
                    height, residentMegabytes(node));
            node.stop();
        }
    }

    private static long residentMegabytes(NodeProcess node) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(node.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        return -1;
    }

    private static void heartbeatBytes(Path work, List<Block> chain) throws Exception {
        try (NodeProcess served = node(work, "served-" + chain.size(), chain, List.of(), QUIET)) {
            served.start().awaitReady();
            FaultProxy link = new FaultProxy(Integer.parseInt(served.url().replaceAll(".*:", "")));
            try (link; NodeProcess caller = node(work, "caller-" + chain.size(), chain, List.of(link.url()), QUIET)) {
                caller.start().awaitReady();
                await().atMost(Duration.ofSeconds(30)).until(() -> link.responseBytes() > 0);
                long requests = link.requestBytes();
                long responses = link.responseBytes();
                long start = System.nanoTime();
                TimeUnit.MILLISECONDS.sleep(QUIET_PERIOD.toMillis()); // the measurement window
                double seconds = (System.nanoTime() - start) / 1e9;
                double heartbeats = seconds / HEARTBEAT_INTERVAL.toSeconds();
                long up = link.requestBytes() - requests;
                long down = link.responseBytes() - responses;
                System.out.printf("  one heartbeat at height %d: %.0f bytes (%.0f request + %.0f answer, HTTP headers "
                                + "included; about %.0f heartbeats in %.1f s)%n", chain.size(), (up + down) / heartbeats,
                        up / heartbeats, down / heartbeats, heartbeats, seconds);
                caller.stop();
            }
            served.stop();
        }
    }

    private static void catchUp(Path work, List<Block> chain) throws Exception {
        try (NodeProcess source = node(work, "source", chain, List.of())) {
            source.start().awaitReady();
            try (NodeProcess fresh = node(work, "fresh", List.of(), List.of(source.url()))) {
                fresh.start().awaitReady();
                long start = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> fresh.height() == chain.size());
                System.out.printf("  fresh node catches up %,d blocks: %.2f s after it was ready%n", chain.size(),
                        (System.nanoTime() - start) / 1e9);
                fresh.stop();
            }
            source.stop();
        }
    }
}
