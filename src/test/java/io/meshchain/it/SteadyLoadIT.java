package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Three nodes with the default block settings under a steady load, followed through their block
 * streams as a client keeping a copy of the chain would: the nodes stay one chain while transactions
 * keep coming. Every reorg any node announces is at most two blocks deep, and every acknowledged
 * transaction ends in one and the same block on every node.
 */
class SteadyLoadIT {

    /** Transactions a second, round robin over the nodes: 25 a node's block, at the default interval. */
    private static final int RATE = 75;
    private static final Duration LOAD = Duration.ofSeconds(12);

    @Test
    void nodesStayOneChainWhileTransactionsKeepComing() throws Exception {
        try (TestNode n1 = TestNode.reserve("steady-1"); TestNode n2 = TestNode.reserve("steady-2");
             TestNode n3 = TestNode.reserve("steady-3")) {
            List<TestNode> nodes = List.of(n1, n2, n3);
            for (TestNode node : nodes) {
                node.start(nodes.stream().filter(other -> other != node).map(TestNode::url).toList());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> nodes.stream().allMatch(node -> node.get("/readyz").status() == 200));
            Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
            AtomicLong sent = new AtomicLong();
            try (ChainWatch watch = new ChainWatch(nodes.stream().map(TestNode::url).toList(), 0)) {
                ScheduledExecutorService load = Executors.newScheduledThreadPool(3);
                try {
                    load.scheduleAtFixedRate(() -> {
                        long i = sent.getAndIncrement();
                        NodeClient.Response answer = nodes.get((int) (i % nodes.size())).post("/transactions",
                                "{\"sender\": \"steady" + (i % 16) + "\", \"content\": \"payment " + i + "\"}");
                        if (answer.status() == 201) {
                            acknowledged.put(answer.json().get("id").asString(), true);
                        }
                    }, 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);
                    await().atMost(LOAD.plusSeconds(5)).until(() -> sent.get() >= RATE * LOAD.toSeconds());
                } finally {
                    load.shutdown();
                    assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                }

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(acknowledged.keySet())
                        .allSatisfy(id -> assertThat(watch.blockEverywhere(id)).as(id).isNotNull()));

                assertThat(acknowledged).as("acknowledged").hasSizeGreaterThan((int) (RATE * LOAD.toSeconds() * 9 / 10));
                assertThat(watch.deepestReorg()).as("the deepest reorg any node announced").isLessThanOrEqualTo(2);
                assertThat(watch.violations()).isEmpty();
                assertThat(nodes.stream().map(TestNode::tipHash).distinct()).as("one chain").hasSize(1);
            }
        }
    }
}
