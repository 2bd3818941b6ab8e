package io.meshchain.ledger;

/**
 * Published when the node pushed back on new transactions that keep every rule ({@link Pushback}).
 *
 * @param rule  why: {@link Pushback#POOL_FULL}, {@link Pushback#BACKLOG}, {@link Pushback#SENDER_LIMIT} or
 *              {@link Pushback#BUSY}
 * @param count how many, of one submission or batch
 */
public record TransactionsRefused(String rule, int count) {
}
