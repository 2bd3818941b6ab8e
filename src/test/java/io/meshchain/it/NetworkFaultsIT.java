package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partitions, crashes and slow peers against real node processes whose every peer link runs through
 * a fault-injecting proxy. Each scenario ends with the same invariant ({@link Agreement}): one tip
 * on every node, every acknowledged transaction in it exactly once, every block valid.
 * <p>
 * {@code -Dmeshchain.soak=true} (the {@code soak} Maven profile) runs longer versions of the same
 * scenarios. Either way the run ends with a table in {@code target/fault-report.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkFaultsIT {

    static final boolean SOAK = Boolean.getBoolean("meshchain.soak");
    private static final int CYCLES = SOAK ? 25 : 5;
    private static final int PER_PHASE = SOAK ? 40 : 8;
    private static final Duration AGREEMENT = Duration.ofSeconds(SOAK ? 300 : 120);
    private static final Duration MINED_WITHIN = Duration.ofSeconds(60);
    private static final ScenarioReport REPORT = new ScenarioReport();

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private FaultCluster cluster;

    @RegisterExtension
    final AfterTestExecutionCallback logsOnFailure = context -> {
        if (context.getExecutionException().isPresent() && cluster != null) {
            System.out.println("scenario failed, random seed " + seed);
            cluster.collectLogs(context.getDisplayName());
        }
    };

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @AfterAll
    static void printReport() {
        REPORT.print();
    }

    /** Submits {@code count} new transactions to {@code node}; returns those it acknowledged. */
    private List<String> submit(NodeClient node, int count, String label) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                String id = node.submit("faults", label + " " + i);
                acknowledged.add(id);
                ids.add(id);
            } catch (AssertionError | UncheckedIOException e) {
                // Not acknowledged (the node is down or refused it): nothing was promised.
            }
        }
        return ids;
    }

    private static void awaitMinedOn(NodeClient node, List<String> ids) {
        await().atMost(MINED_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertThat(node.chainTransactionIds()).containsAll(ids));
    }

    @Test
    @Order(1)
    void nodeCutOffWhileBothSidesMineRejoinsAndNothingIsLost() {
        cluster = new FaultCluster(3);
        NodeProcess majority = cluster.node(0);
        NodeProcess loner = cluster.node(2);
        cluster.isolate(2);

        List<String> majoritySide = submit(majority, PER_PHASE, "majority side");
        List<String> lonerSide = submit(loner, PER_PHASE, "cut-off side");
        awaitMinedOn(cluster.node(1), majoritySide);
        awaitMinedOn(loner, lonerSide);
        assertThat(loner.tipHash()).as("the two sides grew different chains").isNotEqualTo(majority.tipHash());

        cluster.heal();

        REPORT.add("1 one node cut off, healed", Agreement.awaitAgreement(cluster.nodes(), acknowledged, AGREEMENT));
    }

    @Test
    @Order(2)
    void repeatedRandomPartitionsAndHealsConverge() {
        cluster = new FaultCluster(3);
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            int cutOff = random.nextInt(cluster.size());
            if (random.nextBoolean()) {
                cluster.isolate(cutOff);
            } else {
                cluster.dropMidResponse(cutOff);
            }
            for (NodeProcess node : cluster.nodes()) {
                awaitMinedOn(node, submit(node, 1 + random.nextInt(PER_PHASE), "cycle " + cycle + " " + node.nodeId()));
            }
            cluster.heal();
        }

        REPORT.add("2 " + CYCLES + " random partitions", Agreement.awaitAgreement(cluster.nodes(), acknowledged, AGREEMENT));
    }

    @Test
    @Order(3)
    void nodeKilledAndRestartedLosesNothing() {
        cluster = new FaultCluster(3);
        NodeProcess victim = cluster.node(1);
        submit(victim, PER_PHASE, "before the kill");
        submit(cluster.node(0), PER_PHASE, "before the kill");

        victim.kill();
        List<String> meanwhile = submit(cluster.node(2), PER_PHASE, "while one node is down");
        awaitMinedOn(cluster.node(0), meanwhile);
        victim.start().awaitReady();
        submit(victim, PER_PHASE, "after the restart");

        REPORT.add("3 node killed (SIGKILL), restarted", Agreement.awaitAgreement(cluster.nodes(), acknowledged, AGREEMENT));
    }

    @Test
    @Order(4)
    void slowPeerDoesNotHoldUpIngestOrTheOtherPeers() {
        Duration readTimeout = Duration.ofSeconds(1);
        cluster = new FaultCluster(3, "--meshchain.network.read-timeout=" + readTimeout.toMillis() + "ms");
        NodeProcess entry = cluster.node(0);
        NodeProcess other = cluster.node(1);
        cluster.slowDown(2, readTimeout.toMillis() + 500);
        long before = lastSeen(entry, other);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PER_PHASE * 3; i++) {
            // Each submission must be answered within the read timeout: relaying to the slow peer
            // happens in the background and never holds it up.
            NodeClient.Response response = entry.post("/transactions",
                    "{\"sender\":\"faults\",\"content\":\"while a peer is slow " + i + "\"}", readTimeout);
            assertThat(response.status()).isEqualTo(201);
            String id = response.json().get("id").asString();
            acknowledged.add(id);
            ids.add(id);
        }
        awaitMinedOn(other, ids);
        await().atMost(Duration.ofSeconds(10)).until(() -> lastSeen(entry, other) > before);

        cluster.heal();

        REPORT.add("4 slow peer", Agreement.awaitAgreement(cluster.nodes(), acknowledged, AGREEMENT));
    }

    /** When {@code node} last heard from {@code peer}, by its own heartbeat summary. */
    private static long lastSeen(NodeClient node, NodeClient peer) {
        for (var view : node.summary().get("peers")) {
            if (peer.nodeId().equals(view.get("nodeId").asString(null)) && view.hasNonNull("lastSeen")) {
                return view.get("lastSeen").asLong();
            }
        }
        return 0;
    }
}
