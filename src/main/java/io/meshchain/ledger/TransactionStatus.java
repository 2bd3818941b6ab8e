package io.meshchain.ledger;

import io.meshchain.primitives.Transaction;
import java.util.Objects;

/**
 * Where a transaction stands on this node.
 *
 * @param transaction   the transaction
 * @param confirmed     true when it is in the chain, false when pending
 * @param blockIndex    height of its block when confirmed, else -1
 * @param blockHash     hash of its block when confirmed, else null
 * @param confirmations blocks from its block to the tip, inclusive, when confirmed, else 0
 */
public record TransactionStatus(Transaction transaction, boolean confirmed, long blockIndex, String blockHash,
                                long confirmations) {

    public TransactionStatus {
        Objects.requireNonNull(transaction, "transaction");
    }

    static TransactionStatus pending(Transaction transaction) {
        return new TransactionStatus(transaction, false, -1, null, 0);
    }
}
