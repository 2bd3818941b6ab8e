package io.meshchain.ledger;

/**
 * Why the pool did not take a transaction that keeps every rule, and when to try again. The
 * transaction is not acknowledged; the same one, retried later, may be.
 *
 * @param rule              {@link #POOL_FULL}, {@link #BACKLOG} or {@link #SENDER_LIMIT}
 * @param detail            what a person reads
 * @param retryAfterSeconds how long a client should wait before retrying, at least 1
 */
public record Pushback(String rule, String detail, long retryAfterSeconds) {

    /** The pool holds {@code meshchain.pool.capacity} transactions. */
    public static final String POOL_FULL = "pool-full";
    /** The network confirms more slowly than clients submit: what is pending would wait too long. */
    public static final String BACKLOG = "backlog";
    /** The sender has {@code meshchain.pool.sender-limit} transactions pending already. */
    public static final String SENDER_LIMIT = "sender-limit";

    /**
     * The node works on {@code meshchain.pool.max-in-flight} client submissions already: refused before
     * the pool is asked, by the API's load shedding.
     */
    public static final String BUSY = "busy";

    /** Retry-After for a full pool: about the time a few blocks take to make room. */
    static final long POOL_FULL_RETRY_AFTER_SECONDS = 5;

    static Pushback poolFull(int capacity) {
        return new Pushback(POOL_FULL, "the pending pool is full (" + capacity
                + " transactions); retry once blocks have been mined", POOL_FULL_RETRY_AFTER_SECONDS);
    }

    static Pushback backlog(long retryAfterSeconds) {
        return new Pushback(BACKLOG, "the network is confirming more slowly than transactions arrive; what is pending "
                + "would wait longer than this node's target, so it takes no more for now", retryAfterSeconds);
    }

    static Pushback senderLimit(String sender, int limit, long retryAfterSeconds) {
        return new Pushback(SENDER_LIMIT, "sender " + sender + " has " + limit
                + " transactions pending, the most this node holds for one sender; retry once some are confirmed",
                retryAfterSeconds);
    }
}
