package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster under a burst far above what it confirms: clients hammer three nodes from a few senders
 * for a few seconds. Every node's pool stays bounded (each sender may have at most its limit
 * pending, relays included), the excess is refused with {@code 503} or {@code 429} and a
 * {@code Retry-After}, and every acknowledged transaction ends up in a block on every node.
 */
class BurstIT {

    private static final int SENDERS = 4;
    private static final int SENDER_LIMIT = 40;
    private static final int CLIENTS = 8;
    private static final Duration BURST = Duration.ofSeconds(5);
    /**
     * A proof of work costly enough (about 260,000 hashes a block) that the three nodes confirm far
     * fewer transactions than eight clients submit, on any machine.
     */
    private static final int DIFFICULTY = 18;
    /**
     * Transactions of blocks abandoned in a race go back to the pool whatever the limit, since they
     * were acknowledged before: some blocks of five may sit above the senders' limits for a moment.
     * Twenty blocks' worth: a clean-clone run saw 53, once the miner hashed with SIMD lanes (likely
     * more blocks mined in the moment a race lasts). Without the sender limit the pools reach about 400.
     */
    private static final int RETURNED_MARGIN = 100;

    private final List<TestNode> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopNodes() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void everyPoolStaysBoundedAndEveryAcknowledgedTransactionIsConfirmedEverywhere() throws Exception {
        for (String id : List.of("a", "b", "c")) {
            nodes.add(TestNode.reserve(id));
        }
        for (TestNode node : nodes) {
            node.start(nodes.stream().filter(peer -> peer != node).map(TestNode::url).toList(),
                    "--meshchain.pool.sender-limit=" + SENDER_LIMIT, "--meshchain.pool.target-wait=2s",
                    "--meshchain.mining.difficulty=" + DIFFICULTY);
        }

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> refused = new ConcurrentHashMap<>();
        AtomicInteger refusedWithoutRetryAfter = new AtomicInteger();
        Map<String, Integer> largestPool = new ConcurrentHashMap<>();
        long until = System.nanoTime() + BURST.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> nodes.forEach(node -> largestPool.merge(node.nodeId(),
                node.get("/transactions?limit=1").json().get("total").asInt(), Math::max)), 0, 20, TimeUnit.MILLISECONDS);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                work.add(clients.submit(() -> {
                    for (int i = 0; System.nanoTime() < until; i++) {
                        TestNode node = nodes.get((client + i) % nodes.size());
                        String sender = "burst" + ((client + i) % SENDERS);
                        HttpResponse<String> response = submit(node, sender, "burst " + client + " " + i);
                        if (response.statusCode() == 201) {
                            acknowledged.add(NodeClient.JSON.readTree(response.body()).get("id").asString());
                        } else {
                            assertThat(response.statusCode()).as(response.body()).isIn(503, 429);
                            refused.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                            if (response.headers().firstValueAsLong("Retry-After").orElse(0) < 1) {
                                refusedWithoutRetryAfter.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get(BURST.toSeconds() + 30, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
            sampler.shutdownNow();
        }

        assertThat(refused).as("a burst beyond what three nodes confirm is pushed back").isNotEmpty();
        assertThat(refusedWithoutRetryAfter).as("every refusal says when to retry").hasValue(0);
        assertThat(largestPool).hasSize(nodes.size()).allSatisfy((node, pending) ->
                assertThat(pending).as("largest pool on " + node).isLessThanOrEqualTo(SENDERS * SENDER_LIMIT + RETURNED_MARGIN));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (TestNode node : nodes) {
                Set<String> missing = new HashSet<>(acknowledged);
                node.chainTransactionIds().forEach(missing::remove);
                assertThat(missing).as("acknowledged transactions not in a block on " + node.nodeId()).isEmpty();
            }
        });
    }

    private HttpResponse<String> submit(TestNode node, String sender, String content) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.url() + "/transactions"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sender\":\"" + sender + "\",\"content\":\"" + content
                        + "\",\"timestamp\":" + System.currentTimeMillis() + "}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
