package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * The real jar as a separate process, killed with SIGKILL while clients submit from several threads,
 * then restarted on the same data directory: every acknowledged transaction must still be known
 * (pending or confirmed), and the chain must not be shorter than any height a client saw.
 */
class CrashRecoveryIT {

    private static final int ROUNDS = 3;
    private static final int CLIENTS = 4;
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    @TempDir
    Path work;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong highestSeen = new AtomicLong();

    @Test
    void everyAcknowledgedTransactionSurvivesSigkill() throws Exception {
        Path jar = Path.of("target", "meshchain.jar");
        assertThat(jar).as("the jar is built by the package phase, before integration tests").exists();
        int port = TestNode.freePort();
        String base = "http://127.0.0.1:" + port;
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("crash test seed " + seed);

        for (int round = 1; round <= ROUNDS; round++) {
            Process node = start(jar, port, round);
            awaitReady(base);
            checkNothingLost(base);

            int target = 100 + random.nextInt(900);
            AtomicInteger ackedThisRound = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                String prefix = "r" + round + "c" + client + "n";
                threads.add(started(() -> submitUntilStopped(base, prefix, running, ackedThisRound)));
            }
            threads.add(started(() -> watchHeight(base, running)));
            await().atMost(Duration.ofSeconds(60)).until(() -> ackedThisRound.get() >= target);

            node.destroyForcibly();
            node.waitFor();
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
            System.out.printf("round %d: killed after %d acknowledged (%d in all), highest height seen %d%n",
                    round, ackedThisRound.get(), acknowledged.size(), highestSeen.get());
        }

        Process node = start(jar, port, ROUNDS + 1);
        try {
            awaitReady(base);
            checkNothingLost(base);
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

    private Process start(Path jar, int port, int round) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = work.resolve("node-" + round + ".log");
        return new ProcessBuilder(java, "-jar", jar.toString(),
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--meshchain.node-id=crash", "--meshchain.storage.path=" + work.resolve("data"),
                "--meshchain.mining.interval=100ms", "--meshchain.block.max-wait=200ms",
                "--spring.main.banner-mode=off")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private void awaitReady(String base) {
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> get(base + "/readyz").statusCode() == 200);
    }

    private void submitUntilStopped(String base, String prefix, AtomicBoolean running, AtomicInteger acked) {
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

    private void watchHeight(String base, AtomicBoolean running) {
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
