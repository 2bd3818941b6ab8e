package io.meshchain.ledger;

/**
 * Published once when a transaction new to this node enters the pending pool.
 *
 * @param transaction the transaction
 * @param relayedBy   node id of the peer that relayed it, or null when a client submitted it
 */
public record TransactionAccepted(Transaction transaction, String relayedBy) {
}
