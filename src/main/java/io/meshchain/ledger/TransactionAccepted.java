package io.meshchain.ledger;

import io.meshchain.primitives.Transaction;

/**
 * Published once when a transaction new to this node enters the pending pool.
 *
 * @param transaction  the transaction
 * @param relayedBy    the peer that relayed it, or null when a client submitted it
 * @param eligibleFrom the first cutoff whose block may take it ({@link PendingTransaction#eligibleFrom()}),
 *                     which relays carry on
 */
public record TransactionAccepted(Transaction transaction, RelayedBy relayedBy, long eligibleFrom) {
}
