package io.meshchain.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes that each know only the first node's address find one another (peer exchange, and callers
 * taken as peers in turn), and a transaction given to one that never heard of the miner's address
 * still reaches every node and is confirmed everywhere.
 */
class JoinByOneNodeIT {

    private static final Duration JOIN = Duration.ofSeconds(30);
    private static final Duration AGREEMENT = Duration.ofSeconds(45);

    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(TestNode::close);
    }

    /** The node ids of the peers {@code node} reaches now. */
    private static Set<String> reachablePeers(TestNode node) {
        Set<String> ids = new HashSet<>();
        for (JsonNode peer : node.summary().get("peers")) {
            if (peer.get("reachable").asBoolean() && peer.hasNonNull("nodeId")) {
                ids.add(peer.get("nodeId").asString());
            }
        }
        return ids;
    }

    @Test
    void nodesGivenOnlyTheFirstNodesAddressFindEachOtherAndShareTransactions() {
        TestNode first = TestNode.reserve("join-1");
        nodes.add(first);
        first.start(List.of(), "--meshchain.mining.enabled=false");
        for (int i = 2; i <= 4; i++) {
            TestNode node = TestNode.reserve("join-" + i);
            nodes.add(node);
            node.start(List.of(first.url()), i == 2 ? "--meshchain.mining.enabled=true"
                    : "--meshchain.mining.enabled=false");
        }

        await().atMost(JOIN).untilAsserted(() -> {
            for (TestNode node : nodes) {
                Set<String> others = new HashSet<>();
                nodes.stream().filter(other -> other != node).forEach(other -> others.add(other.nodeId()));
                assertThat(reachablePeers(node)).as(node.nodeId()).isEqualTo(others);
            }
        });
        for (TestNode node : nodes) {
            assertThat(node.summary().get("url").asString()).isEqualTo(node.url());
        }

        // join-4 learned join-2's address from join-1; the transaction reaches the miner and every node.
        String id = nodes.get(3).submit("alice", "from the last to join");
        await().atMost(AGREEMENT).untilAsserted(() -> {
            for (TestNode node : nodes) {
                assertThat(node.status(id)).as(node.nodeId()).isEqualTo("confirmed");
            }
        });
    }
}
