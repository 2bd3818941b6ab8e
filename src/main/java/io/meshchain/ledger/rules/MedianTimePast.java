package io.meshchain.ledger.rules;

import java.util.Arrays;

/**
 * Bitcoin's median-time-past: the median of the timestamps of the last {@value #SPAN} blocks of a
 * chain (fewer near genesis), which the next block's timestamp must exceed. No miner can stamp a
 * block back to the distant past, yet one node's clock running ahead or behind cannot stall the
 * chain: the median moves only when most recent blocks agree.
 * <p>
 * A sliding window: {@link #add} a block's timestamp to move it one block up the chain. Not
 * thread-safe; each validation makes its own.
 */
public final class MedianTimePast {

    /** Blocks whose timestamps make the median, as in Bitcoin. */
    public static final int SPAN = 11;

    private final long[] window = new long[SPAN];
    private final long[] sorted = new long[SPAN];
    private int size;
    private int next;

    /**
     * The window after the blocks with {@code timestamps}, oldest first: the last {@value #SPAN} of
     * them count. A chain holds at least its genesis block, so there is at least one.
     */
    public static MedianTimePast after(long... timestamps) {
        if (timestamps.length == 0) {
            throw new IllegalArgumentException("a chain holds at least its genesis block");
        }
        MedianTimePast past = new MedianTimePast();
        for (long timestamp : timestamps) {
            past.add(timestamp);
        }
        return past;
    }

    /** Moves the window up by one block, stamped {@code timestamp}. */
    public void add(long timestamp) {
        window[next] = timestamp;
        next = (next + 1) % SPAN;
        size = Math.min(size + 1, SPAN);
    }

    /** The median of the window: of an even count near genesis, the upper of the two middle ones, as Bitcoin takes it. */
    public long median() {
        System.arraycopy(window, 0, sorted, 0, size);
        Arrays.sort(sorted, 0, size);
        return sorted[size / 2];
    }
}
