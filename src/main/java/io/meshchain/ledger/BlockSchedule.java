package io.meshchain.ledger;

import java.time.Duration;

/**
 * When blocks come, with a block interval: the block rate follows the network, not the transaction
 * rate. A block is stamped with its cutoff, a moment a whole number of intervals after its parent's
 * timestamp: the first such moment at or after the earliest moment a pending transaction may go into
 * a block (one interval at least). It takes the pending transactions stamped up to the cutoff, in
 * canonical order, up to a block's worth, and is due once the cutoff has passed by the settle margin
 * ({@link ChainService#settleMillis()}). A transaction that reached the network after the cutoff its
 * timestamp falls in (a client that stamped it and sent it late) goes into a later block, on every
 * node alike: the first node that took it says from when with its relays
 * ({@link PendingTransaction#eligibleFrom()}).
 * <p>
 * The cutoff and the stamp depend on the parent and the transactions alone, never on a node's clock
 * or on when its miner looked: every node holding the same transactions seals the same block for a
 * height, so the nodes that race for every height (they all become due at the same moment) agree,
 * and the race costs nothing. Only a transaction stamped before a cutoff that reached one node but
 * not another by then makes their blocks differ, and fork choice settles that in one exchange.
 */
final class BlockSchedule {

    private final long intervalMillis;

    BlockSchedule(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    /** Whether blocks follow an interval; without one, the seed's rule: a block as soon as a full one is pending. */
    long intervalMillis() {
        return intervalMillis;
    }

    boolean hasInterval() {
        return intervalMillis > 0;
    }

    /**
     * The cutoff, and timestamp, of the block on a parent stamped {@code parentTimestamp} when the
     * earliest a pending transaction may go into a block is {@code earliestPending}.
     */
    long cutoff(long parentTimestamp, long earliestPending) {
        long first = parentTimestamp + intervalMillis;
        if (earliestPending <= first) {
            return first; // and no arithmetic on a transaction stamped long ago
        }
        return parentTimestamp + Math.floorDiv(earliestPending - parentTimestamp + intervalMillis - 1, intervalMillis)
                * intervalMillis;
    }
}
