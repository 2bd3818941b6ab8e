package io.meshchain.api;

import java.util.HashMap;
import java.util.Map;

/**
 * The places a node has for block streams: so many in all, and so many for each client address, so
 * that one client cannot take every stream, and the threads and memory behind them, from the others.
 * Streams open and end seldom next to what they write, so one lock guards both counts.
 */
final class StreamSlots {

    /** A place taken, or the limit that refused it. */
    enum Outcome {
        TAKEN,
        /** As many streams open as the node allows ({@code meshchain.events.max-streams}). */
        NODE_FULL,
        /** As many open to the address as one is allowed ({@code meshchain.events.max-streams-per-address}). */
        ADDRESS_FULL
    }

    private final int max;
    private final int maxPerAddress;
    /** Places held by each address that holds any: an address whose streams all ended is forgotten. */
    private final Map<String, Integer> byAddress = new HashMap<>();
    private int taken;

    StreamSlots(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    synchronized Outcome take(String address) {
        if (taken >= max) {
            return Outcome.NODE_FULL;
        }
        int held = byAddress.getOrDefault(address, 0);
        if (held >= maxPerAddress) {
            return Outcome.ADDRESS_FULL;
        }
        byAddress.put(address, held + 1);
        taken++;
        return Outcome.TAKEN;
    }

    /** Gives back a place that {@link #take} gave {@code address}; once for each. */
    synchronized void release(String address) {
        byAddress.computeIfPresent(address, (key, held) -> held > 1 ? held - 1 : null);
        taken--;
    }

    /** Places taken. */
    synchronized int taken() {
        return taken;
    }
}
