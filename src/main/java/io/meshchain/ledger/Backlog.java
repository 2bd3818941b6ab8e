package io.meshchain.ledger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * Whether the pool takes one more transaction while the network confirms more slowly than clients
 * submit: push back early, so that a transaction acknowledged now is confirmed within about the
 * target wait, rather than after a backlog that takes hours to mine.
 * <p>
 * The node projects how long what is pending would take to confirm at the rate its chain has
 * confirmed transactions over the last {@link #WINDOW_MILLIS} (blocks it mined and blocks it
 * adopted alike). It refuses while that projection is over the target wait <em>and</em> a due block
 * is overdue by more than {@link #GRACE_MILLIS}. The second condition tells a busy network from an
 * idle one: a rate measured while clients sent little says nothing of what the network can do, but
 * while the network keeps up, due blocks are mined at once. When nothing was confirmed in the window
 * (a node just started, or a network whose miners all stopped), there is no rate to project with:
 * the node then refuses once a due block is overdue by the target wait itself.
 * <p>
 * Thread-safe: a small monitor of its own, so that metrics can read the rate without the ledger's lock.
 */
final class Backlog {

    /** How far back the confirmation rate looks. */
    static final long WINDOW_MILLIS = 10_000;
    /** How late a due block may be before the node counts itself behind: the miner looks once a second. */
    static final long GRACE_MILLIS = 2_000;
    /** The shortest span a rate is measured over, so that one block just after an idle spell is not a spike. */
    private static final long MIN_SPAN_MILLIS = 1_000;
    /** The longest {@code Retry-After} given when there is no target wait to bound it. */
    private static final long MAX_RETRY_AFTER_MILLIS = 60_000;

    private final long targetWaitMillis;
    private final ArrayDeque<Confirmed> window = new ArrayDeque<>();
    private long confirmedInWindow;

    /** @param targetWait how long an acknowledged transaction should wait at most; zero turns this off */
    Backlog(Duration targetWait) {
        this.targetWaitMillis = targetWait.toMillis();
    }

    /** Records transactions that entered this node's chain at {@code now}. */
    synchronized void confirmed(long now, int count) {
        if (count > 0) {
            window.addLast(new Confirmed(now, count));
            confirmedInWindow += count;
        }
        prune(now);
    }

    /**
     * How late a due block may be without any refusal, whatever the rate: below this, what the caller
     * passes as overdue need not be exact.
     */
    long overdueTolerated() {
        return targetWaitMillis == 0 ? Long.MAX_VALUE : Math.min(GRACE_MILLIS, targetWaitMillis);
    }

    /** Transactions per second confirmed over the window; empty when none were. */
    synchronized OptionalLong ratePerSecond(long now) {
        double perMilli = ratePerMilli(now);
        return Double.isNaN(perMilli) ? OptionalLong.empty() : OptionalLong.of(Math.round(perMilli * 1000));
    }

    /**
     * Whether one more transaction is refused, and for how long.
     *
     * @param pending     transactions in the pool now
     * @param overdueMillis how long the pool has held a due block that is not yet mined (0 or less: none)
     * @return the seconds a client should wait before retrying; empty when the transaction is taken
     */
    synchronized OptionalLong refusal(long now, int pending, long overdueMillis) {
        if (targetWaitMillis == 0) {
            return OptionalLong.empty();
        }
        double rate = ratePerMilli(now);
        if (Double.isNaN(rate)) {
            return overdueMillis > targetWaitMillis ? OptionalLong.of(seconds(targetWaitMillis)) : OptionalLong.empty();
        }
        double projected = pending / rate;
        if (overdueMillis <= GRACE_MILLIS || projected < targetWaitMillis) {
            return OptionalLong.empty();
        }
        // Until the backlog beyond the target has been confirmed at the current rate.
        long drain = (long) Math.ceil(projected - targetWaitMillis);
        return OptionalLong.of(Math.min(seconds(drain), seconds(targetWaitMillis)));
    }

    /**
     * About how long what is pending takes to confirm at the current rate, in whole seconds for a
     * {@code Retry-After}: at most the target wait (or a minute without one), and the mining interval's
     * order when there is no rate to go by.
     */
    synchronized long secondsToConfirm(long now, int pending) {
        double rate = ratePerMilli(now);
        long most = targetWaitMillis == 0 ? MAX_RETRY_AFTER_MILLIS : targetWaitMillis;
        if (Double.isNaN(rate)) {
            return seconds(Math.min(GRACE_MILLIS, most));
        }
        return seconds(Math.min((long) Math.ceil(pending / rate), most));
    }

    private double ratePerMilli(long now) {
        prune(now);
        if (window.isEmpty()) {
            return Double.NaN;
        }
        long span = Math.min(WINDOW_MILLIS, Math.max(MIN_SPAN_MILLIS, now - window.peekFirst().at()));
        return (double) confirmedInWindow / span;
    }

    private void prune(long now) {
        while (!window.isEmpty() && window.peekFirst().at() <= now - WINDOW_MILLIS) {
            confirmedInWindow -= window.removeFirst().count();
        }
    }

    /** Whole seconds, at least one: what a {@code Retry-After} header carries. */
    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    private record Confirmed(long at, int count) {
    }
}
