package io.meshchain.api;

import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainService;
import io.meshchain.system.MeshchainProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The block stream behind {@code GET /chain/events}: every open stream is told of each block that
 * joins the chain, and of each switch to another branch before that branch's blocks, in the order
 * the node announced them (once they are on disk).
 * <p>
 * This class only coordinates: it admits a stream under the node's limits ({@link StreamSlots}) or
 * refuses it, decides where it starts, takes in each change of the chain and wakes the streams, and
 * ends them all when the node stops. The jobs are each a class of their own:
 * <ul>
 * <li>{@link EventRing}, the live ring: recent events kept once for every stream, so that nothing is
 * queued per client; a client too slow to keep up is overtaken and cut off;</li>
 * <li>{@link MissedBlocks}, the replay: a stream that resumes ({@code Last-Event-ID}) reads the blocks
 * it missed from the ledger one at a time, then joins the ring where the announced chain is what it
 * has sent;</li>
 * <li>{@link StreamSenders}, the sender threads: streams that have something to write take turns, a
 * batch at a time; a hung write gets another thread kept in its place, up to a cap, a stalled client is
 * cut off, and an idle stream gets a keep-alive comment;</li>
 * <li>{@link ClientStream}, one client's stream: its emitter, its place, its turns;</li>
 * <li>{@link EventStreamMetrics}, the meters.</li>
 * </ul>
 */
@Component
class ChainEventStream implements SmartLifecycle {

    private final ChainService chain;
    private final JsonMapper json;
    private final int maxStreams;
    private final int maxStreamsPerAddress;
    private final StreamSlots slots;
    private final EventRing ring;
    private final StreamSenders senders;
    private final EventStreamMetrics metrics;
    /** True from the start (the web server may take requests before this bean's phase starts) until stop. */
    private volatile boolean running = true;

    ChainEventStream(ChainService chain, JsonMapper json, MeshchainProperties properties, MeterRegistry meters) {
        this.chain = chain;
        this.json = json;
        this.maxStreams = properties.events().maxStreams();
        this.maxStreamsPerAddress = properties.events().maxStreamsPerAddress();
        this.slots = new StreamSlots(maxStreams, maxStreamsPerAddress);
        this.ring = new EventRing(EventRing.MAX_EVENTS, EventRing.MAX_BYTES, chain.tip());
        this.senders = new StreamSenders();
        this.metrics = new EventStreamMetrics(meters, slots, ring);
    }

    /**
     * Opens a stream to a client at {@code address}. Without {@code lastEventId} it starts with the next
     * change of the chain; with one it first sends the blocks after that index.
     *
     * @throws StreamsUnavailableException when the node holds as many streams as it allows, in all or to
     *                                     that address, or stops
     */
    SseEmitter open(OptionalLong lastEventId, String address) {
        if (!running) {
            throw new StreamsUnavailableException("the node is shutting down");
        }
        switch (slots.take(address)) {
            case NODE_FULL -> {
                metrics.refusedNodeFull();
                throw new StreamsUnavailableException("this node already serves " + maxStreams
                        + " block streams (meshchain.events.max-streams)");
            }
            case ADDRESS_FULL -> {
                metrics.refusedAddressFull();
                throw new StreamsUnavailableException("this node already serves " + maxStreamsPerAddress
                        + " block streams to this client's address (meshchain.events.max-streams-per-address)");
            }
            case TAKEN -> { }
        }
        try {
            return register(lastEventId, address);
        } catch (RuntimeException e) {
            slots.release(address);
            throw e;
        }
    }

    private SseEmitter register(OptionalLong lastEventId, String address) {
        ClientStream stream = new ClientStream(address, senders, ring, json, metrics, slots);
        EventRing.Position position = ring.position();
        long resumeAfter = lastEventId.orElse(-1);
        if (resumeAfter < 0) {
            stream.startAt(position.head());
        } else if (resumeAfter > position.tip().height()) {
            // The client saw blocks this node does not have (it read another node, or this one lost
            // unforced blocks in a crash): everything above this node's tip is gone, as far as it knows.
            stream.startAt(position.head(), new EventRing.Reorg(position.tip().height(), List.of()));
        } else {
            String seen = chain.hashAt(resumeAfter).orElseThrow(() -> new IllegalStateException(
                    "no block " + resumeAfter + " at or below the announced tip " + position.tip().height()));
            stream.resume(new MissedBlocks(chain, ring, new ChainPoint(resumeAfter, seen)));
        }
        senders.add(stream);
        if (!running) {
            stream.finish(); // stop() may have gone through the streams before this one was added: it ends at once
        }
        return stream.emitter();
    }

    /**
     * Takes in a change of the chain and wakes every stream; changes arrive in the order they were
     * made. First of the change's listeners: one that throws keeps Spring from calling those after it,
     * and a change missing from the ring would be a gap in every stream.
     */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void chainAdvanced(ChainAdvanced change) {
        if (senders.serveNone()) {
            // Before the change, not after: a stream that registers meanwhile starts at the change's
            // first event at the earliest, and nothing from there on is dropped.
            ring.keepNewest(EventRing.IDLE_EVENTS, EventRing.IDLE_BYTES);
        }
        ring.append(change);
        senders.wakeAll();
    }

    @Scheduled(fixedDelay = 1, timeUnit = TimeUnit.SECONDS)
    void keepAlive() {
        keepIdleStreamsAlive(System.nanoTime());
    }

    /**
     * Keeps idle streams alive, cuts off stalled ones and keeps a thread for each hung write
     * ({@link StreamSenders#check}).
     *
     * @param now {@link System#nanoTime()} as the check sees it
     */
    void keepIdleStreamsAlive(long now) {
        senders.check(now);
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every stream before the web server waits for requests to finish: an open stream never finishes. */
    @Override
    public void stop() {
        running = false;
        senders.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
