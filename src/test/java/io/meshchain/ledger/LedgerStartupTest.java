package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.StoredChainCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static io.meshchain.ledger.ChainFixture.NOW;
import static io.meshchain.ledger.LedgerFixture.CAPACITY;
import static io.meshchain.ledger.LedgerFixture.MAX_WAIT;
import static io.meshchain.ledger.LedgerFixture.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node opening what its store holds ({@link LedgerStartup}), through {@link ChainService}: the chain
 * and the pool restored without what the chain holds, the blocks at the tail checked (every block
 * when asked, or after the store rebuilt its index), and a stored block that breaks a rule stopping
 * the node rather than being thrown away.
 */
class LedgerStartupTest {

    private final LedgerFixture ledger = new LedgerFixture();
    private final ChainService service = ledger.service();
    private final MutableClock clock = ledger.clock();
    private final List<Object> events = ledger.events();

    @Test
    void restoresTheStoredChainAndPoolWithoutTransactionsTheChainHolds() {
        List<Block> chain = ChainFixture.extend(Genesis.block(ChainFixture.DIFFICULTY), 3);
        Transaction confirmed = chain.get(1).transactions().get(0);
        Transaction waiting = ChainFixture.tx();
        InMemoryLedgerStore stored = InMemoryLedgerStore.holding(chain,
                List.of(new PendingTransaction(confirmed, NOW), new PendingTransaction(waiting, NOW)));

        ChainService restored = new ChainService(service.parameters(), clock, events::add, stored);

        assertThat(restored.tip().hash()).isEqualTo(chain.get(2).hash());
        assertThat(pending(restored)).containsExactly(waiting);
        assertThat(restored.status(confirmed.id())).hasValueSatisfying(status -> assertThat(status.blockIndex()).isEqualTo(2));
        assertThat(stored.blockRecords()).as("start-up writes no block").isEmpty();
        assertThat(stored.pendingRewrites()).as("nor rewrites a small journal").isZero();
    }

    @Test
    void storedChainThatBreaksARuleStopsTheNodeInsteadOfBeingDiscarded() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        Block good = ChainFixture.mine(genesis, List.of(ChainFixture.tx()), NOW);
        Block bad = ChainFixture.withoutWork(good, List.of(ChainFixture.tx()), NOW + 1);
        InMemoryLedgerStore stored = InMemoryLedgerStore.holding(List.of(good, bad), List.of());

        assertThatThrownBy(() -> new ChainService(service.parameters(), clock, events::add, stored))
                .isInstanceOf(StoredChainInvalidException.class)
                .hasMessageContaining("block 2")
                .hasMessageContaining("proof-of-work");
        assertThat(stored.blockRecords()).isEmpty();
        assertThat(stored.pendingRewrites()).isZero();
    }

    /** A clock set back after blocks were taken does not make them invalid: only a block new to the node is held to the clock. */
    @Test
    void aNodeStartsOnItsOwnChainAfterItsClockWasSetBack() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> stored = ChainFixture.extend(genesis, 3);
        long tip = stored.get(2).timestamp();

        ChainService restarted = new ChainService(service.parameters(), new MutableClock(tip - 600_000), events::add,
                InMemoryLedgerStore.holding(stored, List.of()));

        assertThat(restarted.tip().hash()).isEqualTo(stored.get(2).hash());
    }

    @Test
    void startUpChecksTheTailAndAFullCheckEveryBlock() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> chain = new ArrayList<>(ChainFixture.extend(genesis, 2));
        chain.add(ChainFixture.withoutWork(chain.get(1), List.of(ChainFixture.tx()), NOW));
        chain.addAll(ChainFixture.extend(chain.get(2), 2 * LedgerStartup.TAIL_CHECK_BLOCKS));
        LedgerParameters full = new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY,
                StoredChainCheck.FULL);
        MutableClock later = new MutableClock(NOW + Duration.ofDays(1).toMillis());

        ChainService tailChecked = new ChainService(service.parameters(), later, events::add,
                InMemoryLedgerStore.holding(chain, List.of()));
        assertThat(tailChecked.tip().height()).as("block 3 is below the tail").isEqualTo(chain.size());

        assertThatThrownBy(() -> new ChainService(full, later, events::add, InMemoryLedgerStore.holding(chain, List.of())))
                .isInstanceOf(StoredChainInvalidException.class).hasMessageContaining("block 3")
                .hasMessageContaining("proof-of-work");
        assertThatThrownBy(() -> new ChainService(service.parameters(), later, events::add,
                InMemoryLedgerStore.rebuilt(chain)))
                .as("an index built anew is followed by a full check").isInstanceOf(StoredChainInvalidException.class);
    }

    @Test
    void fullCheckAfterARebuildIsRecordedOnlyWhenEveryBlockPasses() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> good = ChainFixture.extend(genesis, 3 * LedgerStartup.TAIL_CHECK_BLOCKS);
        MutableClock later = new MutableClock(NOW + Duration.ofDays(1).toMillis());
        InMemoryLedgerStore rebuilt = InMemoryLedgerStore.rebuilt(good);

        new ChainService(service.parameters(), later, events::add, rebuilt);

        assertThat(rebuilt.fullCheckDue()).as("checked once, not at every start").isFalse();

        List<Block> bad = new ArrayList<>(ChainFixture.extend(genesis, 1));
        bad.add(ChainFixture.withoutWork(bad.get(0), List.of(ChainFixture.tx()), NOW));
        bad.addAll(ChainFixture.extend(bad.get(1), 2 * LedgerStartup.TAIL_CHECK_BLOCKS));
        InMemoryLedgerStore damaged = InMemoryLedgerStore.rebuilt(bad);
        assertThatThrownBy(() -> new ChainService(service.parameters(), later, events::add, damaged))
                .isInstanceOf(StoredChainInvalidException.class);
        assertThat(damaged.fullCheckDue()).as("asked for again at the next start").isTrue();
    }
}
