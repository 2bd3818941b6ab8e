package io.meshchain.it;

import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.rules.BlockContext;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.meshchain.ledger.rules.MedianTimePast;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The invariant every fault scenario ends with: all nodes hold the same tip, every transaction any
 * node acknowledged is in that chain exactly once, and every block keeps every rule.
 */
final class Agreement {

    /** The network settings of application.yml, which the nodes these tests start run with. */
    private static final int DIFFICULTY = 8;
    private static final int MAX_TRANSACTIONS = 2500;
    private static final long BLOCK_INTERVAL_MILLIS = 1000;

    /**
     * What a scenario ended with.
     *
     * @param acknowledged transactions acknowledged by any node
     * @param lost         acknowledged but not in the agreed chain
     * @param duplicated   in the agreed chain more than once
     * @param seconds      from the end of the faults to agreement
     */
    record Outcome(int acknowledged, int lost, int duplicated, double seconds) {
    }

    private Agreement() {
    }

    /** Waits until the invariant holds, then checks it once more in full and reports. */
    static Outcome awaitAgreement(List<? extends NodeClient> nodes, Collection<String> acknowledged, Duration within) {
        long start = System.nanoTime();
        await().atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
            assertThat(nodes.stream().map(NodeClient::tipHash).distinct()).as("tips").hasSize(1);
            assertThat(nodes.get(0).chainTransactionIds()).as("acknowledged transactions in the chain")
                    .containsAll(acknowledged);
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        return verify(nodes, acknowledged, seconds);
    }

    private static Outcome verify(List<? extends NodeClient> nodes, Collection<String> acknowledged, double seconds) {
        String tip = nodes.get(0).tipHash();
        for (NodeClient node : nodes) {
            assertThat(node.tipHash()).as("tip of %s", node.nodeId()).isEqualTo(tip);
        }
        ChainPage chain = NodeClient.JSON.readValue(nodes.get(0).get("/chain").body(), ChainPage.class);
        checkEveryRule(chain.blocks());
        Map<String, Integer> occurrences = new HashMap<>();
        chain.blocks().forEach(block -> block.transactionIds().forEach(id -> occurrences.merge(id, 1, Integer::sum)));
        int lost = 0;
        int duplicated = 0;
        for (String id : new HashSet<>(acknowledged)) {
            int count = occurrences.getOrDefault(id, 0);
            lost += count == 0 ? 1 : 0;
            duplicated += count > 1 ? 1 : 0;
        }
        Outcome outcome = new Outcome(new HashSet<>(acknowledged).size(), lost, duplicated, seconds);
        assertThat(lost).as("acknowledged transactions lost").isZero();
        assertThat(duplicated).as("transactions in the chain twice").isZero();
        return outcome;
    }

    /** Checks the agreed chain block by block with the node's own validator. */
    private static void checkEveryRule(List<Block> blocks) {
        Set<String> below = new HashSet<>();
        long now = System.currentTimeMillis();
        MedianTimePast medianTimePast = MedianTimePast.after(blocks.get(0).timestamp());
        for (int i = 1; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            try {
                BlockValidator.validate(block, new BlockContext(StoredBlock.of(blocks.get(i - 1), BigInteger.ONE),
                        medianTimePast.median(), DIFFICULTY, MAX_TRANSACTIONS, now, below::contains,
                        blocks.get(0).hash(), id -> false, sender -> null, false, BLOCK_INTERVAL_MILLIS));
                medianTimePast.add(block.timestamp());
            } catch (BlockRejectedException e) {
                throw new AssertionError("the agreed chain has a block that breaks a rule: " + e.getMessage(), e);
            }
            below.addAll(block.transactionIds());
        }
    }
}
