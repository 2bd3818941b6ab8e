package io.meshchain.ledger;

/**
 * Published when the pool pushed back on new transactions that keep every rule ({@link Pushback}).
 *
 * @param rule  why: {@link Pushback#POOL_FULL}, {@link Pushback#BACKLOG} or {@link Pushback#SENDER_LIMIT}
 * @param count how many, of one submission or batch
 */
public record TransactionsRefused(String rule, int count) {
}
