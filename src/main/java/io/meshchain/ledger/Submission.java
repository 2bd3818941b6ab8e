package io.meshchain.ledger;

/**
 * The outcome of submitting a transaction.
 *
 * @param status  where the transaction now stands
 * @param created true when this node did not know it before; false for a repeated submission
 */
public record Submission(TransactionStatus status, boolean created) {
}
