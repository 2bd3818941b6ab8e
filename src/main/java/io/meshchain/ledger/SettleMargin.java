package io.meshchain.ledger;

/**
 * How long this node lets a transaction settle before one of its blocks takes it: long enough that
 * relays have brought every transaction stamped before a block's cutoff to every node, so that nodes
 * racing for a height hold the same transactions and seal the same block. The network feature sizes
 * it from what it measures of its peers; the ledger never waits less than
 * {@link ChainService#MIN_SETTLE_MILLIS}.
 */
@FunctionalInterface
public interface SettleMargin {

    /** The margin now, in milliseconds. */
    long millis();
}
