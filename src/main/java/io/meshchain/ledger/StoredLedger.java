package io.meshchain.ledger;

import io.meshchain.primitives.StoredBlock;
import java.util.List;
import java.util.Objects;

/**
 * What a store recovered at start.
 *
 * @param tip     the tip of the stored chain (the genesis block's entry when no block is stored)
 * @param pending every transaction recorded as pending, oldest first, transactions that a
 *                reorganisation returned to the pool ahead of the rest; the ledger drops those its
 *                chain holds
 * @param fullCheckDue true when the store rebuilt its index from its block log (a directory
 *                     written by an earlier version, an index that disagreed with the log or could
 *                     not be opened), at this start or at one whose check did not finish: the ledger
 *                     then checks the whole chain and tells the store with
 *                     {@link ChainStore#fullCheckPassed()}
 */
public record StoredLedger(StoredBlock tip, List<PendingTransaction> pending, boolean fullCheckDue) {

    public StoredLedger {
        Objects.requireNonNull(tip, "tip");
        pending = List.copyOf(pending);
    }
}
