package io.meshchain.ledger;

import io.meshchain.ledger.rules.TransactionRules;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.StoredChainCheck;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the ledger a store holds, before the node serves anyone: the blocks at the tip are checked by
 * the same rules as a peer's block and against the store's index (the whole chain when the settings
 * ask for it, or when the store had to rebuild its index), and the pool is rebuilt from its journal
 * without transactions the chain holds or now refuses. A stored block that breaks a rule stops the
 * node rather than throwing away data (it means the settings changed, e.g. another difficulty).
 */
final class LedgerStartup {

    private static final Logger log = LoggerFactory.getLogger(LedgerStartup.class);

    /** Blocks at the tip checked again at every start, by every rule and against the index. */
    static final int TAIL_CHECK_BLOCKS = 12;

    private LedgerStartup() {
    }

    /**
     * The ledger {@code store} holds, checked, with its pool restored.
     *
     * @throws StoredChainInvalidException when a stored block breaks a rule
     */
    static LedgerState open(LedgerParameters parameters, Clock clock, LedgerStore store) {
        Block genesis = Genesis.block(parameters.difficulty());
        StoredLedger stored = store.open(genesis);
        LedgerState state = new LedgerState(parameters, clock, genesis, new Chain(store, stored.tip()));
        check(state, store, stored);
        restorePool(state, stored.pending());
        return state;
    }

    private static void check(LedgerState state, LedgerStore store, StoredLedger stored) {
        long height = state.chain().height();
        LedgerParameters parameters = state.parameters();
        ChainVerifier verifier = new ChainVerifier(store, parameters, state.clock().millis(), state.genesis().hash());
        if (stored.fullCheckDue() || parameters.startupCheck() == StoredChainCheck.FULL) {
            log.info("Checking every block of the stored chain, {} blocks{}", height,
                    stored.fullCheckDue() ? ", since its index was built anew" : "");
            long start = System.nanoTime();
            verifier.verify(1, height);
            log.info("Every stored block keeps every rule and agrees with the index ({} blocks in {} ms)", height,
                    (System.nanoTime() - start) / 1_000_000);
            if (stored.fullCheckDue()) {
                store.fullCheckPassed();
            }
        } else if (height > 0) {
            verifier.verify(Math.max(1, height - TAIL_CHECK_BLOCKS + 1), height);
        }
    }

    /** Puts back in the pool what its journal held and may still be mined. */
    private static void restorePool(LedgerState state, List<PendingTransaction> stored) {
        long now = state.clock().millis();
        Chain chain = state.chain();
        Set<String> confirmed = chain.transactionHeights(stored.stream().map(p -> p.transaction().id()).toList())
                .keySet();
        ChainBindings bindings = new ChainBindings(chain, chain.height());
        bindings.prefetch(stored.stream().map(p -> p.transaction().sender()).collect(Collectors.toSet()));
        for (PendingTransaction pending : stored) {
            Transaction transaction = pending.transaction();
            if (!confirmed.contains(transaction.id()) && TransactionRules.check(transaction, now).isEmpty()
                    && bindings.admits(transaction)
                    && (transaction.isSigned() || !state.parameters().signaturesRequired())) {
                state.pool().add(pending);
            }
        }
    }
}
