package io.meshchain.ledger;

import io.meshchain.primitives.Transaction;
import java.util.Objects;

/**
 * A transaction of the chain and the height of its block.
 *
 * @param transaction the transaction
 * @param height      the height of the block that holds it
 */
public record ConfirmedTransaction(Transaction transaction, long height) {

    public ConfirmedTransaction {
        Objects.requireNonNull(transaction, "transaction");
    }
}
