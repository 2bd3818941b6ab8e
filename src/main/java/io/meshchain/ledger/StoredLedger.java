package io.meshchain.ledger;

import java.util.List;

/**
 * What a store recovered at start.
 *
 * @param blocks  the stored chain above genesis, lowest first, reorganisations applied
 * @param pending every transaction recorded as pending, plus those of blocks that a stored
 *                reorganisation abandoned; the ledger drops those the chain already holds
 */
public record StoredLedger(List<Block> blocks, List<PendingTransaction> pending) {

    public StoredLedger {
        blocks = List.copyOf(blocks);
        pending = List.copyOf(pending);
    }

    public static StoredLedger empty() {
        return new StoredLedger(List.of(), List.of());
    }
}
