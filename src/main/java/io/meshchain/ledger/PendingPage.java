package io.meshchain.ledger;

import io.meshchain.primitives.Transaction;
import java.util.List;

/**
 * A page of the pending pool, taken in one atomic read.
 *
 * @param total        transactions in the pool at that moment
 * @param offset       how many of the oldest were skipped
 * @param transactions the page, oldest first
 */
public record PendingPage(int total, int offset, List<Transaction> transactions) {

    public PendingPage {
        transactions = List.copyOf(transactions);
    }
}
