package io.meshchain.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The block stream's meters, named in one place whichever part of the stream counts: streams open,
 * events held, events written, streams cut off (a client too far behind, or one that stopped reading)
 * and streams refused (the node's limits). Dashboards and alerts read these names; they do not change
 * when the stream's parts do.
 */
final class EventStreamMetrics {

    private final Counter blocksSent;
    private final Counter reorgsSent;
    private final Counter overtaken;
    private final Counter stalled;
    private final Counter refusedNodeFull;
    private final Counter refusedAddressFull;

    EventStreamMetrics(MeterRegistry meters, StreamSlots slots, EventRing ring) {
        Gauge.builder("meshchain.events.streams", slots, StreamSlots::taken)
                .description("Block streams (GET /chain/events) open, those cut off whose last write has not "
                        + "ended yet included").register(meters);
        Gauge.builder("meshchain.events.held", ring, EventRing::size)
                .description("Recent events the node holds for block streams").register(meters);
        blocksSent = Counter.builder("meshchain.events.sent").tag("event", EventRing.BLOCK)
                .description("Events written to block streams").register(meters);
        reorgsSent = Counter.builder("meshchain.events.sent").tag("event", EventRing.REORG)
                .description("Events written to block streams").register(meters);
        overtaken = Counter.builder("meshchain.events.cut.off").tag("reason", "behind")
                .description("Block streams cut off: their client fell too far behind, or stopped reading")
                .register(meters);
        stalled = Counter.builder("meshchain.events.cut.off").tag("reason", "stalled")
                .description("Block streams cut off: their client fell too far behind, or stopped reading")
                .register(meters);
        refusedNodeFull = Counter.builder("meshchain.events.refused").tag("reason", "max-streams")
                .description("Block streams refused because the node had as many open as it allows, in all or to "
                        + "the client's address").register(meters);
        refusedAddressFull = Counter.builder("meshchain.events.refused").tag("reason", "max-streams-per-address")
                .description("Block streams refused because the node had as many open as it allows, in all or to "
                        + "the client's address").register(meters);
    }

    /** An event {@code name} ({@link EventRing#BLOCK} or {@link EventRing#REORG}) written to a stream. */
    void sent(String name) {
        (EventRing.BLOCK.equals(name) ? blocksSent : reorgsSent).increment();
    }

    /** A stream cut off because it fell behind: overtaken by the ring, or its replay lost its place. */
    void overtaken() {
        overtaken.increment();
    }

    /** A stream cut off because its client stopped reading. */
    void stalled() {
        stalled.increment();
    }

    /** A stream refused: the node serves as many as it allows in all. */
    void refusedNodeFull() {
        refusedNodeFull.increment();
    }

    /** A stream refused: the node serves as many as it allows to the client's address. */
    void refusedAddressFull() {
        refusedAddressFull.increment();
    }
}
