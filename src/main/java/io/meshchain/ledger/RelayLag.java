package io.meshchain.ledger;

/**
 * How late relays bring transactions to this node: for each transaction a peer relayed with the
 * moment it may go into a block ({@link PendingTransaction#eligibleFrom()}), how long after that
 * moment it arrived here. The slowest of the last {@link #WINDOW_SECONDS} seconds sizes the settle
 * margin: a block of this node takes a transaction only once relays stamped as late as the slowest
 * seen lately have had time to arrive, so that its block holds what its peers' blocks hold.
 * <p>
 * Relays that take longer under load (a queue at a busy peer, a pause for garbage collection) make
 * this node wait longer before it mines, and the margin falls again within the window once they are
 * quick. It is measured on the ledger's own traffic rather than on heartbeats: a heartbeat's round
 * trip says nothing of a relay that waits behind a thousand others.
 */
final class RelayLag {

    /** Seconds over which the slowest relay counts. */
    static final int WINDOW_SECONDS = 10;

    /** For each slot, the epoch second it holds and the slowest relay seen in that second. */
    private final long[] seconds = new long[WINDOW_SECONDS];
    private final long[] slowest = new long[WINDOW_SECONDS];

    /** Records a transaction that may go into a block from {@code eligibleFrom} and reached this node {@code now}. */
    synchronized void record(long now, long eligibleFrom) {
        long second = Math.floorDiv(now, 1_000);
        int slot = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
        if (seconds[slot] != second) {
            seconds[slot] = second;
            slowest[slot] = 0;
        }
        slowest[slot] = Math.max(slowest[slot], Math.max(0, now - eligibleFrom));
    }

    /** The slowest relay of the last {@link #WINDOW_SECONDS} seconds, in milliseconds; 0 when none came. */
    synchronized long slowestRecent(long now) {
        long second = Math.floorDiv(now, 1_000);
        long max = 0;
        for (int slot = 0; slot < WINDOW_SECONDS; slot++) {
            if (second - seconds[slot] < WINDOW_SECONDS && seconds[slot] <= second) {
                max = Math.max(max, slowest[slot]);
            }
        }
        return max;
    }
}
