package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool's journal rewritten with only what is pending once it holds mostly transactions since
 * mined ({@link PoolCompaction}), through {@link ChainService}.
 */
class PoolCompactionTest {

    private final LedgerFixture ledger = new LedgerFixture();
    private final InMemoryLedgerStore store = ledger.store();

    @Test
    void aBlockCompactsAStaleJournalWithoutRewritingTheChain() throws Exception {
        List<Transaction> transactions = ledger.submitAll(7);
        store.compactAbove(6);
        Block block = ledger.mineDue();

        assertThat(store.pendingRewrites()).isEqualTo(1);
        assertThat(store.blockRecords()).as("the chain's record is only appended to").containsExactly(List.of(block));
        assertThat(store.pending()).extracting(PendingTransaction::transaction)
                .containsExactlyElementsOf(transactions.subList(5, 7));
        assertThat(block.transactions()).isEqualTo(transactions.subList(0, 5));
    }
}
