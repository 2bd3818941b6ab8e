package io.meshchain.ledger;

import io.meshchain.primitives.Transaction;
import java.util.Objects;

/**
 * A transaction in the pending pool, when it started waiting there, and from which cutoff a block may
 * take it.
 *
 * @param transaction  the transaction
 * @param waitingSince epoch milliseconds; the miner seals a block once the oldest has waited long enough
 * @param eligibleFrom from which cutoff a block may take it, with a block interval ({@link BlockSchedule}):
 *                     the moment it reached the first node that took it, or its timestamp when that is
 *                     later. That node says when, with its relay, so every node holds the same moment;
 *                     a block never takes a transaction whose relays may still be on their way
 */
public record PendingTransaction(Transaction transaction, long waitingSince, long eligibleFrom) {

    public PendingTransaction {
        Objects.requireNonNull(transaction, "transaction");
    }

    /** A transaction that reached this node first, at {@code waitingSince}. */
    public PendingTransaction(Transaction transaction, long waitingSince) {
        this(transaction, waitingSince, firstEligible(transaction, waitingSince));
    }

    /**
     * When a transaction that first reached the network at {@code arrived} may go into a block: not
     * before it arrived, however it was stamped. A client that stamps its transactions and sends them
     * late (a queue of its own, a retry) would otherwise have one node seal it into a block its peers,
     * which got it later still, sealed without it.
     */
    static long firstEligible(Transaction transaction, long arrived) {
        return Math.max(transaction.timestamp(), arrived);
    }

    /**
     * How much earlier than its arrival here a relay may say a transaction reached the network. No
     * relay between honest nodes takes that long; it bounds what a peer's word can move.
     */
    static final long MAX_RELAY_LAG_MILLIS = 10_000;

    /**
     * When a transaction that reached this node at {@code arrived} may go into a block, given what the
     * relaying node said ({@code relayed}, null for a client's submission): the relaying node's moment,
     * never before the transaction's timestamp nor later than this node's own (a relay cannot make a
     * transaction wait longer than its arrival here would), nor more than {@link #MAX_RELAY_LAG_MILLIS}
     * before this node's arrival.
     */
    static long eligibleOnArrival(Transaction transaction, long arrived, Long relayed) {
        long own = firstEligible(transaction, arrived);
        if (relayed == null) {
            return own;
        }
        long earliest = Math.max(transaction.timestamp(), arrived - MAX_RELAY_LAG_MILLIS);
        return Math.max(earliest, Math.min(relayed, own));
    }
}
