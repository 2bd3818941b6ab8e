package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.meshchain.ledger.ChainFixture.NOW;

/**
 * A node's ledger for the tests of {@link ChainService} and its parts: a service on an in-memory
 * store and a clock the test moves, the events it publishes, and what those tests do to it time and
 * again (submit, mine what is due, read the pool and the chain). Each test makes its own.
 */
final class LedgerFixture {

    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    static final int CAPACITY = 20;
    /** The block interval of {@link #withInterval}'s nodes. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final MutableClock clock = new MutableClock(NOW);
    private final List<Object> events = new ArrayList<>();
    private final InMemoryLedgerStore store = new InMemoryLedgerStore();
    private final ChainService service = new ChainService(
            new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY), clock, events::add, store);

    /** Five transactions a block, at {@link ChainFixture#DIFFICULTY}, a lone one due after {@link #MAX_WAIT}. */
    ChainService service() {
        return service;
    }

    /** The service's clock, starting at {@link ChainFixture#NOW}. */
    MutableClock clock() {
        return clock;
    }

    /** Every event the service published, in order; the nodes of {@link #withInterval} publish here too. */
    List<Object> events() {
        return events;
    }

    InMemoryLedgerStore store() {
        return store;
    }

    /** Mines the block due on the service and appends it. */
    Block mineDue() throws BlockRejectedException {
        return service.appendMined(ChainFixture.mine(service.dueTemplate().orElseThrow()));
    }

    /** Submits {@code count} new transactions to the service, in the pool's canonical order. */
    List<Transaction> submitAll(int count) {
        List<Transaction> transactions = ChainFixture.txs(count);
        transactions.forEach(tx -> service.submit(tx, null));
        return transactions;
    }

    /** What {@code service} holds pending, up to a thousand. */
    static List<Transaction> pending(ChainService service) {
        return service.pending(0, 1000).transactions();
    }

    /** The ids of the transactions of the service's chain, in the chain's order. */
    List<String> chainTransactionIds() {
        return service.page(0, Integer.MAX_VALUE).blocks().stream().flatMap(b -> b.transactionIds().stream()).toList();
    }

    /** A node of a network whose blocks come a second apart, holding up to five transactions. */
    ChainService withInterval(MutableClock at) {
        return new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY)
                .withBlockInterval(INTERVAL), at, events::add, new InMemoryLedgerStore());
    }

    /**
     * Eleven blocks on genesis, the last six of them stamped alike: the median of the last eleven
     * timestamps is then the tip's own.
     */
    List<Block> chainWhoseLastSixBlocksShareATimestamp() {
        List<Block> chain = new ArrayList<>();
        Block tip = service.genesis();
        for (int i = 0; i < 11; i++) {
            tip = ChainFixture.mine(tip, List.of(ChainFixture.tx()), NOW - 100 + Math.min(i, 5));
            chain.add(tip);
        }
        return chain;
    }
}
