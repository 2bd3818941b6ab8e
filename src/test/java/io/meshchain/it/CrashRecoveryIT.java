package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.storage.StorageFixture;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real jar as a separate process, killed with SIGKILL while clients submit from several threads,
 * then restarted on the same data directory: every acknowledged transaction must still be known
 * (pending or confirmed), and the chain must not be shorter than any height a client saw. The node is
 * killed at random moments, the moment it starts compacting its pool's journal, and the moment it
 * starts switching to a better chain from a peer (reorganisation).
 */
class CrashRecoveryIT {

    private static final int ROUNDS = 3;
    private static final int CLIENTS = 4;
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    /** What the node logs as it starts to switch chains. */
    private static final String SWITCHING = "Switching to a better chain";

    @TempDir
    Path work;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong highestSeen = new AtomicLong();
    private int starts;
    /** How far {@link #logged} has read the current log. */
    private long logRead;

    @Test
    void everyAcknowledgedTransactionSurvivesSigkill() throws Exception {
        int port = TestNode.freePort();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("crash test seed " + seed);

        for (int round = 1; round <= ROUNDS; round++) {
            Process node = start(port);
            int target = 100 + random.nextInt(900);
            try (Clients clients = new Clients(base(port), "r" + round)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> clients.acked() >= target);
                kill(node);
                System.out.printf("round %d: killed after %d acknowledged (%d in all), highest height seen %d%n",
                        round, clients.acked(), acknowledged.size(), highestSeen.get());
            }
        }
        restartAndCheck(port);
    }

    /**
     * The node mines nothing itself: the test fills its pool, then mines blocks of 1,000 through
     * {@code POST /proof} until the journal holds twice the pool and the node compacts it, and kills
     * the node the moment the new journal's file appears, while it is being written.
     */
    @Test
    void everyAcknowledgedTransactionSurvivesSigkillDuringCompaction() throws Exception {
        int port = TestNode.freePort();
        // One sender fills a pool that nothing mines: neither the sender limit nor admission control may stop it.
        String[] settings = {"--meshchain.mining.enabled=false", "--meshchain.block.max-transactions=1000",
                "--meshchain.pool.sender-limit=1000000", "--meshchain.pool.target-wait=0"};
        Process node = start(port, settings);
        try (Clients clients = new Clients(base(port), "compaction")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> clients.acked() >= 12_000);
        }
        Path newJournal = data().resolve("pending.log.tmp");
        AtomicBoolean killed = new AtomicBoolean();
        Thread killer = started(() -> killed.set(killWhen(node, () -> Files.exists(newJournal), Duration.ofSeconds(60))));
        while (!killed.get() && node.isAlive()) {
            mineThroughProof(base(port));
        }
        killer.join();
        assertThat(killed).as("the node was killed while it wrote its new journal").isTrue();
        System.out.printf("compaction: killed while writing the new journal, after %d acknowledged%n",
                acknowledged.size());
        restartAndCheck(port, settings);
    }

    /**
     * The node holds a chain of 1,500 blocks and mines the clients' transactions on top; then a peer
     * offers a better branch from block 10, and the node is killed while it switches to it: the switch
     * returns every transaction of the abandoned blocks to the pool. Here the switch takes about 100 ms
     * from its log line (journal, block log, index); the kill comes at a random moment of the first 80.
     */
    @Test
    void everyAcknowledgedTransactionSurvivesSigkillDuringAReorganisation() throws Exception {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> stored = ChainFixture.extend(genesis, 1_500);
        StorageFixture.writeChain(data(), stored);
        List<Block> shared = new ArrayList<>(List.of(genesis));
        shared.addAll(stored.subList(0, 10));
        int port = TestNode.freePort();
        long seed = System.nanoTime();
        long delayNanos = Duration.ofMillis(80).toNanos() * new Random(seed).nextInt(1000) / 1000;
        System.out.printf("reorganisation: seed %d, kill %.1f ms after the switch begins%n", seed, delayNanos / 1e6);
        try (FakePeer peer = new FakePeer(List.of(genesis))) {
            Process node = start(port, "--meshchain.peers=" + peer.url());
            Path log = logOf(starts);
            try (Clients clients = new Clients(base(port), "reorg")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> clients.acked() >= 200 && highestSeen.get() > 1_500);
                List<Block> branch = new ArrayList<>(shared);
                // Far enough ahead that the node, mining the clients' transactions back to back while it
                // fetches the branch, cannot pass it meanwhile, even on a slow machine.
                branch.addAll(ChainFixture.extend(shared.get(10), (int) highestSeen.get() + 1_000));
                AtomicLong switchSeen = new AtomicLong();
                Thread killer = started(() -> killWhen(node, () -> {
                    if (switchSeen.get() == 0 && logged(log, SWITCHING)) {
                        switchSeen.set(System.nanoTime());
                    }
                    return switchSeen.get() != 0 && System.nanoTime() - switchSeen.get() >= delayNanos;
                }, Duration.ofSeconds(60)));
                peer.serve(branch);
                killer.join();
                assertThat(node.isAlive()).as("the node started switching and was killed").isFalse();
                System.out.printf("reorganisation: killed after %d acknowledged, at height %d%n", clients.acked(),
                        highestSeen.get());
            }
        }
        restartAndCheck(port);
        String opened = Files.readAllLines(logOf(starts)).stream().filter(line -> line.contains("Opened the ledger"))
                .findFirst().orElse("");
        System.out.println("reorganisation: after the restart, " + opened.replaceAll(".*Opened the ledger", "opened the ledger"));
    }

    private Path data() {
        return work.resolve("data");
    }

    private Path logOf(int start) {
        return work.resolve("node-" + start + ".log");
    }

    private static String base(int port) {
        return "http://127.0.0.1:" + port;
    }

    private void restartAndCheck(int port, String... settings) throws IOException, InterruptedException {
        Process node = start(port, settings);
        try {
            checkNothingLost(base(port));
        } finally {
            node.destroy();
            node.waitFor();
        }
    }

    private void checkNothingLost(String base) {
        long height = JSON.readTree(get(base + "/heartbeat").body()).get("height").asLong();
        assertThat(height).as("height after restart").isGreaterThanOrEqualTo(highestSeen.get());
        for (String id : acknowledged) {
            HttpResponse<String> response = get(base + "/transactions/" + id);
            assertThat(response.statusCode()).as("acknowledged transaction %s", id).isEqualTo(200);
        }
    }

    /** Starts the jar on the test's data directory and waits until it is ready; nothing was lost before. */
    private Process start(int port, String... settings) throws IOException {
        Path jar = NodeProcess.JAR;
        assertThat(jar).as("the jar is built by the package phase, before integration tests").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString(),
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--meshchain.node-id=crash", "--meshchain.storage.path=" + data(),
                "--meshchain.mining.interval=100ms", "--meshchain.block.max-wait=200ms",
                "--meshchain.heartbeat.interval=500ms", "--spring.main.banner-mode=off"));
        command.addAll(List.of(settings));
        starts++;
        Process node = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logOf(starts).toFile())
                .start();
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> get(base(port) + "/readyz").statusCode() == 200);
        checkNothingLost(base(port));
        return node;
    }

    private static void kill(Process node) throws InterruptedException {
        node.destroyForcibly();
        node.waitFor();
    }

    /**
     * Kills the node with SIGKILL the moment {@code condition} holds, checking it without pause: within
     * a fraction of a millisecond, while the work it shows is under way. Returns whether it did within
     * {@code within}.
     */
    private static boolean killWhen(Process node, Check condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try {
            while (System.nanoTime() < deadline && node.isAlive()) {
                if (condition.holds()) {
                    kill(node);
                    return true;
                }
                Thread.onSpinWait();
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws IOException;
    }

    /** Whether the log holds {@code text}; reads only what was added since the last call for this log. */
    private boolean logged(Path log, String text) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, logRead - text.length());
            long length = file.length();
            if (length <= logRead) {
                return false;
            }
            byte[] fresh = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(fresh);
            logRead = length;
            return new String(fresh, StandardCharsets.UTF_8).contains(text);
        }
    }

    /** Mines the node's template, up to 1,000 pending transactions, through {@code POST /proof}. */
    private static void mineThroughProof(String base) {
        try {
            var template = JSON.readTree(get(base + "/proof").body());
            if (template.get("transactions").isEmpty()) {
                return;
            }
            List<Transaction> transactions = new ArrayList<>();
            for (var tx : template.get("transactions")) {
                transactions.add(new Transaction(tx.get("id").asString(),
                        tx.get("sender").asString(), tx.get("content").asString(), tx.get("timestamp").asLong()));
            }
            Block block = ChainFixture.mine(template.get("index").asLong(), template.get("previousHash").asString(),
                    transactions, template.get("timestamp").asLong(), template.get("difficulty").asInt());
            String ids = String.join(",", transactions.stream().map(tx -> "\"" + tx.id() + "\"").toList());
            HTTP.send(HttpRequest.newBuilder(URI.create(base + "/proof")).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"index\":" + block.index()
                            + ",\"previousHash\":\"" + block.previousHash() + "\",\"timestamp\":" + block.timestamp()
                            + ",\"transactionIds\":[" + ids + "],\"proof\":" + block.proof() + "}")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException | UncheckedIOException e) {
            // killed meanwhile
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Clients submitting from several threads, and one watching the height, until closed. */
    private final class Clients implements AutoCloseable {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger acked = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();

        Clients(String base, String name) {
            for (int client = 0; client < CLIENTS; client++) {
                String prefix = name + "c" + client + "n";
                threads.add(started(() -> submitUntilStopped(base, prefix)));
            }
            threads.add(started(() -> watchHeight(base)));
        }

        int acked() {
            return acked.get();
        }

        private void submitUntilStopped(String base, String prefix) {
            for (int i = 0; running.get(); i++) {
                String body = "{\"sender\":\"crash\",\"content\":\"" + prefix + i + "\"}";
                try {
                    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/transactions"))
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 201 || response.statusCode() == 200) {
                        acknowledged.add(JSON.readTree(response.body()).get("id").asString());
                        acked.incrementAndGet();
                    }
                } catch (IOException e) {
                    // The node was killed: this submission was never acknowledged.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void watchHeight(String base) {
            while (running.get()) {
                try {
                    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/heartbeat"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        highestSeen.accumulateAndGet(JSON.readTree(response.body()).get("height").asLong(), Math::max);
                    }
                } catch (IOException e) {
                    // killed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Thread started(Runnable task) {
        Thread thread = new Thread(task);
        thread.start();
        return thread;
    }
}
