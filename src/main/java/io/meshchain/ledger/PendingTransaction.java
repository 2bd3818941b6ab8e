package io.meshchain.ledger;

import java.util.Objects;

/**
 * A transaction in the pending pool and when it started waiting there.
 *
 * @param transaction  the transaction
 * @param waitingSince epoch milliseconds; the miner seals a block once the oldest has waited long enough
 */
public record PendingTransaction(Transaction transaction, long waitingSince) {

    public PendingTransaction {
        Objects.requireNonNull(transaction, "transaction");
    }
}
