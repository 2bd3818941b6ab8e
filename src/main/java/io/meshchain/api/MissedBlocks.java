package io.meshchain.api;

import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ChainService;
import io.meshchain.primitives.Block;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A resuming stream's replay of the blocks its client missed ({@code Last-Event-ID}): read from the
 * ledger, one at a time, until the stream can join the {@link EventRing} where the announced chain is
 * what it has sent. It guards against missed events and against memory: a client that was cut off or
 * went away reads on without a gap or a repeat, and a block is read only once the one before it is
 * written, so a write that hangs holds the block it writes, not a page of those after it (1,000
 * clients that stopped reading held 53,594 blocks that way). When the chain switches branches under
 * the replay the client is told where, as a live stream would be told ({@code reorg}); when that
 * cannot be said, the stream is cut off and its client reads on from the chain as it is then.
 */
final class MissedBlocks {

    /** Blocks a resuming stream remembers having sent, to say where a switch of branches forked. */
    static final int MEMORY = 256;

    /** Where the replay writes: the stream that resumes. */
    interface Out {

        /** Whether the stream was closed meanwhile: nothing more is written to it. */
        boolean closed();

        void block(Block block) throws IOException;

        void reorg(EventRing.Reorg reorg) throws IOException;
    }

    /** What a turn of the replay came to. */
    enum Step {
        /** Something was written, or there is more to write at once. */
        MORE,
        /** Nothing to write until the chain changes (its next event wakes the stream), or the stream was closed. */
        WAIT,
        /** Every missed block is sent: the stream goes on in the ring, from {@link #joinedAt()}. */
        JOINED,
        /** The chain switched branches under the replay and it cannot say where: the stream is to be cut off. */
        LOST
    }

    private final ChainService chain;
    private final EventRing ring;
    /** The blocks the client was given, oldest first; the first is where it said it was. */
    private final ArrayDeque<ChainPoint> sent = new ArrayDeque<>();
    /** Whether {@link #sent} still starts where the client said it was. */
    private boolean fromStart = true;
    private long joinedAt = -1;

    /** A replay for a client that said it has the chain up to {@code seen}. */
    MissedBlocks(ChainService chain, EventRing ring, ChainPoint seen) {
        this.chain = chain;
        this.ring = ring;
        sent.addLast(seen);
    }

    /** The ring's sequence number where the stream goes on, once a turn has {@link Step#JOINED}. */
    long joinedAt() {
        return joinedAt;
    }

    /**
     * Sends the next blocks the client missed, a batch at most ({@link StreamSenders#BATCH}), or joins
     * the ring once it has them all.
     */
    Step turn(Out out) throws IOException {
        long announced = ring.tip().height();
        ChainPoint last = last();
        int written = 0;
        while (last.height() < announced && written < StreamSenders.BATCH) {
            Optional<Block> next = blockAt(last.height() + 1);
            if (next.isEmpty()) {
                break; // the chain is not that tall now: it switched branches, which is seen to below
            }
            if (!next.get().previousHash().equals(last.hash())) {
                return rewind(out);
            }
            if (out.closed()) {
                return Step.WAIT;
            }
            out.block(next.get());
            sent(next.get());
            last = last();
            written++;
        }
        if (written > 0) {
            return Step.MORE;
        }
        OptionalLong join = ring.joinAt(last.height(), last.hash());
        if (join.isPresent()) {
            joinedAt = join.getAsLong();
            return Step.JOINED;
        }
        if (chain.hashAt(last.height()).filter(last.hash()::equals).isPresent()) {
            // The chain still holds what was sent: the announced chain went on past it (read on), or
            // its announcement is still to come (the next event wakes this stream).
            return ring.tip().height() > last.height() ? Step.MORE : Step.WAIT;
        }
        return rewind(out);
    }

    /** The block at {@code index} of the chain as it is now; empty when the chain is not that tall. */
    private Optional<Block> blockAt(long index) {
        try (ChainReader reader = chain.reader()) {
            List<Block> blocks = reader.blocks(index, 1);
            return blocks.isEmpty() ? Optional.empty() : Optional.of(blocks.get(0));
        }
    }

    /** The chain switched branches under the replay: says where, as a live stream would be told. */
    private Step rewind(Out out) throws IOException {
        Optional<ChainPoint> fork = fork();
        if (fork.isPresent()) {
            List<String> removed = rewindTo(fork.get());
            if (removed.isEmpty()) {
                return Step.LOST; // what was sent and the chain agree after all: two snapshots raced
            }
            out.reorg(new EventRing.Reorg(fork.get().height(), removed));
            return Step.MORE;
        }
        // Even the block the client said it had left the chain: the switch forked below it. The
        // announced switch says where, and which blocks it removed, those the client had among them.
        Optional<ChainPoint> start = start();
        Optional<EventRing.Reorg> switched = start.flatMap(point -> ring.reorgRemoving(point.hash()));
        if (switched.isEmpty()) {
            return Step.LOST; // not announced yet, or no longer held
        }
        long forkIndex = switched.get().forkIndex();
        Optional<String> forkHash = chain.hashAt(forkIndex);
        int hadAbove = (int) (start.get().height() - forkIndex);
        if (forkHash.isEmpty() || hadAbove > switched.get().removed().size()) {
            return Step.LOST;
        }
        List<String> removed = new ArrayList<>(switched.get().removed().subList(0, hadAbove));
        removed.addAll(restartAt(new ChainPoint(forkIndex, forkHash.get())));
        out.reorg(new EventRing.Reorg(forkIndex, removed));
        return Step.MORE;
    }

    private ChainPoint last() {
        return sent.peekLast();
    }

    private void sent(Block block) {
        sent.addLast(new ChainPoint(block.index(), block.hash()));
        if (sent.size() > MEMORY) {
            sent.removeFirst();
            fromStart = false;
        }
    }

    /**
     * Where the chain as it is now leaves what the client was given: the highest remembered block
     * that the chain still holds; empty when it holds none of them.
     */
    private Optional<ChainPoint> fork() {
        for (Iterator<ChainPoint> newestFirst = sent.descendingIterator(); newestFirst.hasNext(); ) {
            ChainPoint point = newestFirst.next();
            if (chain.hashAt(point.height()).filter(point.hash()::equals).isPresent()) {
                return Optional.of(point);
            }
        }
        return Optional.empty();
    }

    /** Where the client said it was, while that is still remembered. */
    private Optional<ChainPoint> start() {
        return fromStart ? Optional.of(sent.peekFirst()) : Optional.empty();
    }

    /** Starts again at {@code fork}, below where the client said it was; returns the hashes sent since. */
    private List<String> restartAt(ChainPoint fork) {
        List<String> sentSince = new ArrayList<>();
        sent.stream().skip(1).forEach(point -> sentSince.add(point.hash()));
        sent.clear();
        sent.addLast(fork);
        fromStart = true;
        return sentSince;
    }

    /** Forgets what was sent above {@code fork}; returns the hashes forgotten, lowest first. */
    private List<String> rewindTo(ChainPoint fork) {
        List<String> removed = new ArrayList<>();
        while (sent.peekLast().height() > fork.height()) {
            removed.add(0, sent.removeLast().hash());
        }
        return removed;
    }
}
