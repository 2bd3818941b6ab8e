package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three real nodes on loopback: transactions spread, blocks spread, and every node ends on one chain. */
class ClusterIT {

    private static final Duration AGREEMENT = Duration.ofSeconds(45);

    private final List<TestNode> nodes = new ArrayList<>();

    private TestNode reserve(String nodeId) {
        TestNode node = TestNode.reserve(nodeId);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(TestNode::close);
    }

    private static void awaitSameTip(List<TestNode> nodes) {
        await().atMost(AGREEMENT).untilAsserted(() ->
                assertThat(nodes.stream().map(TestNode::tipHash).distinct()).hasSize(1));
    }

    @Test
    void transactionSentToOneNodeIsConfirmedOnAllThree() {
        TestNode a = reserve("a");
        TestNode b = reserve("b");
        TestNode c = reserve("c");
        a.start(List.of(b, c), true);
        b.start(List.of(a, c), true);
        c.start(List.of(a, b), true);

        String id = a.submit("gzan3055", "hello from a");

        await().atMost(AGREEMENT).untilAsserted(() -> {
            for (TestNode node : List.of(a, b, c)) {
                assertThat(node.status(id)).as(node.nodeId()).isEqualTo("confirmed");
            }
        });
        awaitSameTip(List.of(a, b, c));
        for (TestNode node : List.of(a, b, c)) {
            assertThat(node.chainTransactionIds()).containsOnlyOnce(id);
            assertThat(node.summary().get("peers")).allSatisfy(peer -> assertThat(peer.get("reachable").asBoolean()).isTrue());
        }
    }

    @Test
    void nodeStartedEmptyCatchesUp() {
        TestNode a = reserve("a");
        TestNode b = reserve("b");
        TestNode late = reserve("late");
        a.start(List.of(b, late), true);
        b.start(List.of(a, late), true);
        // Three rounds, each confirmed before the next: blocks come an interval apart, whatever the load.
        List<String> ids = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            int from = round * 4;
            List<String> batch = Stream.iterate(from, i -> i + 1).limit(4).map(i -> a.submit("alice", "payment " + i))
                    .toList();
            ids.addAll(batch);
            await().atMost(AGREEMENT).until(() -> batch.stream().allMatch(id -> a.status(id).equals("confirmed")));
        }
        assertThat(a.height()).isGreaterThanOrEqualTo(3);

        late.start(List.of(a, b), false);

        awaitSameTip(List.of(a, b, late));
        assertThat(late.height()).isGreaterThanOrEqualTo(3);
        assertThat(late.chainTransactionIds()).containsAll(ids).doesNotHaveDuplicates();
    }

    /**
     * Blocks a, b and c agree on compete with a block at the same height from m, a node only c can
     * see. m's block is stamped earlier, so by the seed's tie rule every node must switch to it, and
     * the transaction of the abandoned block must go back to the pool rather than be lost.
     */
    @Test
    void competingBlocksAtOneHeightConvergeToTheSameTip() {
        TestNode a = reserve("a");
        TestNode b = reserve("b");
        TestNode c = reserve("c");
        TestNode m = reserve("m");
        // m keeps to itself (no peer exchange: c's heartbeats do not make c its peer), so it mines its
        // competitor on genesis, not on the block the others hold.
        m.start(List.of(), "--meshchain.mining.enabled=false", "--meshchain.peers.exchange=false");
        a.start(List.of(b, c), false);
        b.start(List.of(a, c), false);
        c.start(List.of(a, b, m), false);

        String ours = a.submit("alice", "mined by a");
        ExternalMiner.Mined first = ExternalMiner.mine(a, 0, tx -> tx.id().equals(ours));
        await().atMost(AGREEMENT).untilAsserted(() ->
                assertThat(Stream.of(a, b, c).map(TestNode::tipHash)).containsOnly(first.hash()));

        // c relays a's transaction on to m, so m's block names its own transaction only.
        String theirs = m.submit("bob", "mined by m");
        ExternalMiner.Mined competitor = ExternalMiner.mine(m, first.timestamp() - 1, tx -> tx.id().equals(theirs));

        await().atMost(AGREEMENT).untilAsserted(() ->
                assertThat(Stream.of(a, b, c, m).map(TestNode::tipHash)).containsOnly(competitor.hash()));
        for (TestNode node : List.of(a, b, c)) {
            assertThat(node.status(theirs)).as(node.nodeId()).isEqualTo("confirmed");
            assertThat(node.status(ours)).as(node.nodeId()).isEqualTo("pending");
        }
    }
}
