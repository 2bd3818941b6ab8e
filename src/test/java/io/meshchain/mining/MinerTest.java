package io.meshchain.mining;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.MeshchainProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MinerTest {

    private final MutableClock clock = new MutableClock(ChainFixture.NOW);
    private final ChainService chain = new ChainService(
            new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 100), clock, event -> { }, new InMemoryLedgerStore());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Miner miner;

    @AfterEach
    void stop() {
        miner.stop();
    }

    private Miner miner(int threads) {
        Miner started = new Miner(chain, TestProperties.of("n1", List.of(), null, threads), meters);
        started.start();
        return started;
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void minesADueBlockThatKeepsEveryRuleAndCountsItsHashes(int threads) {
        miner = miner(threads);
        List<Transaction> transactions = ChainFixture.txs(5);
        transactions.forEach(tx -> chain.submit(tx, null));

        Optional<Block> mined = miner.mineDueBlock();

        assertThat(mined).isPresent();
        Block block = mined.get();
        assertThat(block.transactions()).isEqualTo(transactions);
        assertThat(block.hash()).isEqualTo(block.computeHash());
        assertThat(Difficulty.isMetBy(block.hash(), ChainFixture.DIFFICULTY)).isTrue();
        assertThat(chain.tip().hash()).isEqualTo(block.hash());
        assertThat(meters.get("meshchain.mining.hashes").counter().count()).isPositive();
        assertThat(meters.get("meshchain.blocks.mined").counter().count()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void minesNothingUntilABlockIsDue(int threads) {
        miner = miner(threads);
        chain.submit(ChainFixture.tx(), null);

        assertThat(miner.mineDueBlock()).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        assertThat(miner.mineDueBlock()).isPresent();
        assertThat(miner.mineDueBlock()).isEmpty();
        assertThat(chain.tip().height()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void minesFullBlocksBackToBackAndLeavesALoneTransactionToItsWait(int threads) {
        miner = miner(threads);
        List<Transaction> transactions = ChainFixture.txs(16);
        transactions.forEach(tx -> chain.submit(tx, null));

        assertThat(miner.mineDueBlocks()).isEqualTo(3);

        assertThat(chain.tip().height()).isEqualTo(3);
        assertThat(chain.pending(0, 100).transactions()).containsExactly(transactions.get(15));
        clock.advance(Duration.ofSeconds(10));
        assertThat(miner.mineDueBlocks()).as("the lone transaction, once it has waited").isEqualTo(1);
        assertThat(chain.pendingCount()).isZero();
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void stoppedMinerMinesNothing(int threads) {
        miner = miner(threads);
        ChainFixture.txs(5).forEach(tx -> chain.submit(tx, null));
        miner.stop();

        assertThat(miner.mineDueBlock()).isEmpty();
        assertThat(miner.mineDueBlocks()).isZero();
        assertThat(chain.tip().height()).isZero();
    }

    /**
     * A miner that found nothing pending waits for a transaction rather than for its next look: the
     * first one is mined once due, though the miner looks only every ten seconds.
     */
    @Test
    void aMinerWaitingWithNothingPendingWakesForTheFirstTransaction() throws Exception {
        AtomicReference<Miner> wired = new AtomicReference<>();
        ChainService interval = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10),
                100).withBlockInterval(Duration.ofSeconds(1)), clock, event -> {
                    if (event instanceof TransactionAccepted accepted && wired.get() != null) {
                        wired.get().transactionAccepted(accepted);
                    }
                }, new InMemoryLedgerStore());
        MeshchainProperties base = TestProperties.of("n1", List.of(), null, 1);
        MeshchainProperties lookEveryTenSeconds = new MeshchainProperties(base.nodeId(), base.peers(), base.peersFile(),
                base.discovery(), base.heartbeat(), base.network(), new MeshchainProperties.Mining(true,
                Duration.ofSeconds(10), ChainFixture.DIFFICULTY, 1), base.block(), base.pool(), base.storage(),
                base.http(), base.transactions(), base.events(), base.sync());
        miner = new Miner(interval, lookEveryTenSeconds, meters);
        wired.set(miner);
        miner.start();
        CompletableFuture<Integer> mining = CompletableFuture.supplyAsync(miner::mineDueBlocks);
        await().atMost(Duration.ofSeconds(5)).until(() -> miner.state() == Miner.State.IDLE && !mining.isDone());

        interval.submit(ChainFixture.tx(), null);
        clock.advance(Duration.ofSeconds(1)); // its block's cutoff has passed by the settle margin

        await().atMost(Duration.ofSeconds(5)).until(() -> interval.tip().height() == 1);
        miner.stop();
        assertThat(mining.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    /**
     * Nodes racing for a height with the same transactions must seal the same block, or the race
     * costs a block: the lowest proof is found whatever the number of threads splitting the search.
     */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3, 4})
    void sealsTheBlockOneThreadWouldWhateverItsThreads(int threads) {
        List<Transaction> transactions = ChainFixture.txs(5);
        ChainService other = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 100),
                clock, event -> { }, new InMemoryLedgerStore());
        transactions.forEach(tx -> chain.submit(tx, null));
        transactions.forEach(tx -> other.submit(tx, null));
        Miner single = new Miner(other, TestProperties.of("n2", List.of(), null, 1), new SimpleMeterRegistry());
        single.start();
        miner = miner(threads);

        Block alone = single.mineDueBlock().orElseThrow();
        Block split = miner.mineDueBlock().orElseThrow();
        single.stop();

        assertThat(split.hash()).isEqualTo(alone.hash());
    }
}
