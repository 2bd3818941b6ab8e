package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer advertising a longer chain with enormous work, whose chain is broken in one way. The node
 * must refuse it, name the rule it broke in its metrics, keep its own chain and keep serving clients.
 */
class LyingPeerIT {

    private static final int LENGTH = 10;
    private static final int BROKEN_AT = 5;

    static Stream<Arguments> brokenChains() {
        return Stream.of(
                Arguments.of("proof-of-work", (Function<Block, List<Block>>) LyingPeerIT::withBadProof),
                Arguments.of("links-to-parent", (Function<Block, List<Block>>) LyingPeerIT::withBrokenLink),
                Arguments.of("valid-transactions", (Function<Block, List<Block>>) LyingPeerIT::withTamperedTransaction),
                Arguments.of("same-genesis", (Function<Block, List<Block>>) LyingPeerIT::fromAnotherGenesis));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenChains")
    void brokenChainIsNeverAdoptedAndTheNodeKeepsServing(String rule, Function<Block, List<Block>> broken) {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> served = new ArrayList<>(List.of(genesis));
        served.addAll(broken.apply(genesis));
        try (FakePeer liar = new FakePeer(served); TestNode node = TestNode.reserve("honest")) {
            node.start(List.of(liar.url()), "--meshchain.mining.enabled=true");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(node.counter("meshchain.blocks.rejected", "rule:" + rule)).isGreaterThanOrEqualTo(1));

            assertThat(liar.chainRequests()).isPositive();
            int requestsAfterRefusal = liar.chainRequests();
            // The refused tip is remembered: later heartbeats do not download the same chain again.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> liar.chainRequests() == requestsAfterRefusal);
            assertThat(node.height()).isZero();
            assertThat(node.tipHash()).isEqualTo(genesis.hash());
            String id = node.submit("gzan3055", "still serving");
            await().atMost(Duration.ofSeconds(30)).until(() -> node.status(id).equals("confirmed"));
            assertThat(node.get("/actuator/health").status()).isEqualTo(200);
        }
    }

    private static List<Block> honest(Block from, int length) {
        return ChainFixture.extend(from, length);
    }

    /** Block 5 has a correct hash, but no work behind it; the blocks after it are mined on it. */
    static List<Block> withBadProof(Block genesis) {
        List<Block> chain = new ArrayList<>(honest(genesis, BROKEN_AT - 1));
        Block unworked = ChainFixture.withoutWork(chain.get(chain.size() - 1), List.of(ChainFixture.tx()),
                ChainFixture.NOW);
        chain.add(unworked);
        chain.addAll(honest(unworked, LENGTH - BROKEN_AT));
        return chain;
    }

    /** Block 5 is well mined, but on a parent that is not block 4. */
    static List<Block> withBrokenLink(Block genesis) {
        List<Block> chain = new ArrayList<>(honest(genesis, BROKEN_AT - 1));
        Block orphan = ChainFixture.mine(BROKEN_AT, "1".repeat(64), List.of(ChainFixture.tx()), ChainFixture.NOW,
                ChainFixture.DIFFICULTY);
        chain.add(orphan);
        chain.addAll(honest(orphan, LENGTH - BROKEN_AT));
        return chain;
    }

    /** Block 5 carries a transaction whose content was changed after the block was mined. */
    static List<Block> withTamperedTransaction(Block genesis) {
        List<Block> chain = new ArrayList<>(honest(genesis, LENGTH));
        Block original = chain.get(BROKEN_AT - 1);
        Transaction tx = original.transactions().get(0);
        Transaction tampered = new Transaction(tx.id(), tx.sender(), "pay mallory everything", tx.timestamp());
        chain.set(BROKEN_AT - 1, new Block(original.index(), original.timestamp(), original.previousHash(),
                original.difficulty(), original.proof(), List.of(tampered), original.hash()));
        return chain;
    }

    /** A valid chain, grown from another network's genesis block. */
    static List<Block> fromAnotherGenesis(Block genesis) {
        Block foreign = ChainFixture.mine(0, "2".repeat(64), List.of(ChainFixture.tx()), 0, ChainFixture.DIFFICULTY);
        return honest(foreign, LENGTH);
    }
}
