package io.meshchain.api;

import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.Transaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live ring: the chain's recent changes as events of the block stream, in the order the node
 * announced them, shared by every open stream: each stream only keeps its place in it, so nothing is
 * queued per client. It guards the node's memory against clients that fall behind: it holds at most
 * {@code maxEvents} events and about {@code maxBytes} of them, and a stream whose place falls out of it
 * has been overtaken and is cut off. It also knows the announced chain's tip after every event, which
 * is where a stream that replayed old blocks from the ledger ({@link MissedBlocks}) joins it.
 */
final class EventRing {

    /** Events the ring keeps for the node's streams: a client further behind than this is cut off. */
    static final int MAX_EVENTS = 4096;
    /** About how much memory the ring's events may take, however large their blocks. */
    static final long MAX_BYTES = 16L * 1024 * 1024;
    /**
     * Events the ring keeps while no stream is open, before it takes in the next change, and about how
     * much memory they may take: enough for a client that comes back soon after a switch to be told of it.
     */
    static final int IDLE_EVENTS = 256;
    static final long IDLE_BYTES = 1024 * 1024;

    /** A {@code reorg} event's data: blocks above {@code forkIndex} left the chain. */
    record Reorg(long forkIndex, List<String> removed) {
    }

    /** One event of the stream; its data is written as JSON once, when a stream first needs it. */
    static final class Event {

        final long sequence;
        final String name;
        final long id;
        /** The announced chain's tip after this event. */
        final ChainPoint after;
        final long bytes;
        private final Object payload;
        private volatile String data;

        Event(long sequence, String name, long id, ChainPoint after, long bytes, Object payload) {
            this.sequence = sequence;
            this.name = name;
            this.id = id;
            this.after = after;
            this.bytes = bytes;
            this.payload = payload;
        }

        String data(JsonMapper json) {
            String text = data;
            if (text == null) {
                text = json.writeValueAsString(payload);
                data = text;
            }
            return text;
        }
    }

    static final String BLOCK = "block";
    static final String REORG = "reorg";

    private final int maxEvents;
    private final long maxBytes;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long nextSequence = 1;
    private long bytes;
    private ChainPoint tip;

    EventRing(int maxEvents, long maxBytes, ChainTip tip) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.tip = new ChainPoint(tip.height(), tip.hash());
    }

    /** Adds the events of a change: a {@code reorg} first when blocks left the chain, then a {@code block} each. */
    synchronized void append(ChainAdvanced change) {
        if (!change.removed().isEmpty()) {
            Block first = change.added().get(0);
            long forkIndex = first.index() - 1;
            add(REORG, forkIndex, new ChainPoint(forkIndex, first.previousHash()), 64L * (change.removed().size() + 1),
                    new Reorg(forkIndex, change.removed()));
        }
        for (Block block : change.added()) {
            add(BLOCK, block.index(), new ChainPoint(block.index(), block.hash()), estimatedBytes(block), block);
        }
    }

    private void add(String name, long id, ChainPoint after, long size, Object payload) {
        events.addLast(new Event(nextSequence++, name, id, after, size, payload));
        bytes += size;
        tip = after;
        keepNewest(maxEvents, maxBytes);
    }

    /**
     * Drops the oldest events until at most {@code count} of them and {@code size} of their bytes remain,
     * keeping the newest event whatever its size. While no stream is open nobody reads the ring, and
     * blocks held in it only for its limits would outlive the young generation: a node catching up
     * 15,000 blocks a second kept 4,096 of them alive, and tenured them, for nothing.
     */
    synchronized void keepNewest(int count, long size) {
        while (events.size() > 1 && (events.size() > count || bytes > size)) {
            bytes -= events.removeFirst().bytes;
        }
    }

    /** Events held. */
    synchronized int size() {
        return events.size();
    }

    /** Where the ring stands: the announced chain's tip after the last event, and the next event's number. */
    record Position(ChainPoint tip, long head) {
    }

    /** The announced chain's tip after the last event. */
    synchronized ChainPoint tip() {
        return tip;
    }

    synchronized Position position() {
        return new Position(tip, nextSequence);
    }

    /** The sequence number the next event will get: where a new stream starts. */
    synchronized long head() {
        return nextSequence;
    }

    /**
     * Up to {@code limit} events from {@code sequence} on; empty when there are none yet, null when
     * the event at {@code sequence} has already been dropped (the stream was overtaken).
     */
    synchronized List<Event> from(long sequence, int limit) {
        if (sequence >= nextSequence) {
            return List.of();
        }
        if (events.isEmpty() || sequence < events.peekFirst().sequence) {
            return null;
        }
        List<Event> found = new ArrayList<>(Math.min(limit, (int) (nextSequence - sequence)));
        for (Event event : events) {
            if (event.sequence >= sequence) {
                found.add(event);
                if (found.size() == limit) {
                    break;
                }
            }
        }
        return found;
    }

    /**
     * Where a stream whose client has seen the chain up to {@code height} and {@code hash} goes on:
     * the sequence after the latest event that left the announced chain there. Empty when no event
     * still held did (the announcement is yet to come, or the chain went another way).
     */
    synchronized OptionalLong joinAt(long height, String hash) {
        if (tip.height() == height && tip.hash().equals(hash)) {
            return OptionalLong.of(nextSequence);
        }
        for (Iterator<Event> newestFirst = events.descendingIterator(); newestFirst.hasNext(); ) {
            Event event = newestFirst.next();
            if (event.after.height() == height && event.after.hash().equals(hash)) {
                return OptionalLong.of(event.sequence + 1);
            }
        }
        return OptionalLong.empty();
    }

    /** The latest switch still held that removed the block with {@code hash}, if any. */
    synchronized Optional<Reorg> reorgRemoving(String hash) {
        for (Iterator<Event> newestFirst = events.descendingIterator(); newestFirst.hasNext(); ) {
            Event event = newestFirst.next();
            if (event.payload instanceof Reorg reorg && reorg.removed().contains(hash)) {
                return Optional.of(reorg);
            }
        }
        return Optional.empty();
    }

    /**
     * About what a block's event takes in memory, as its object and as its JSON once written, both
     * counted at two bytes a character (the most a Java string takes); cheap to compute.
     */
    static long estimatedBytes(Block block) {
        long size = 1024;
        for (Transaction transaction : block.transactions()) {
            size += 600 + 4L * (transaction.sender().length() + transaction.content().length());
            if (transaction.signature() != null) {
                size += 600;
            }
        }
        return size;
    }
}
