package io.meshchain.api;

import io.meshchain.primitives.Block;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client's block stream: its {@link SseEmitter}, and its place in the {@link EventRing}, or its
 * replay of the ledger ({@link MissedBlocks}) before it gets there. It writes in turns on the
 * {@link StreamSenders}' threads, one turn at a time and in order, so that its events are never
 * reordered or written twice. It guards against clients too slow to keep up (one the ring overtakes
 * is cut off, and can resume with {@code Last-Event-ID}) and against clients that stop reading: the
 * stream keeps its place under the limits ({@link StreamSlots}) until its last write has returned or
 * failed, so that such clients cannot hold more connections and threads than the limits allow.
 */
final class ClientStream implements Runnable {

    /** The stream's own lines under the coordinator's name, as they were logged before its parts were split. */
    private static final Logger log = LoggerFactory.getLogger(ChainEventStream.class);

    private static final MediaType JSON_TEXT = new MediaType("application", "json", StandardCharsets.UTF_8);

    private final SseEmitter emitter;
    /** The client's address, whose place the stream holds. */
    private final String address;
    private final StreamSenders senders;
    private final EventRing ring;
    private final JsonMapper json;
    private final EventStreamMetrics metrics;
    private final StreamSlots slots;
    private final MissedBlocks.Out replayOut = new ReplayOut();
    /** Set while a turn of this stream is queued or running: one at a time, in order. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean stallCounted = new AtomicBoolean();
    /** Set once Spring has the response: writes before would pile up in the emitter's memory. */
    private volatile boolean ready;
    private volatile boolean closed;
    /** Set from the start: the first write sends the headers, and the client knows it is connected. */
    private volatile boolean commentDue = true;
    private volatile long lastWrite = System.nanoTime();
    /** When the write under way began; 0 when none is. */
    private volatile long writeStarted;
    // Read and written only by the turn that runs, one at a time (the queued flag orders them), and
    // before the first by the request that opens the stream.
    private long cursor;
    private MissedBlocks missed;
    private EventRing.Reorg truncate;

    ClientStream(String address, StreamSenders senders, EventRing ring, JsonMapper json, EventStreamMetrics metrics,
                 StreamSlots slots) {
        this.address = address;
        this.senders = senders;
        this.ring = ring;
        this.json = json;
        this.metrics = metrics;
        this.slots = slots;
        // No time limit: the client, a cut-off or the node stopping ends it.
        this.emitter = new SseEmitter(0L) {
            @Override
            protected void extendResponse(ServerHttpResponse response) {
                super.extendResponse(response);
                ready = true; // Spring takes the emitter's writes from now on
                wake();
            }
        };
        emitter.onCompletion(this::finish);
        emitter.onTimeout(this::finish);
        emitter.onError(error -> finish());
    }

    SseEmitter emitter() {
        return emitter;
    }

    /** Starts the stream at the ring's event {@code sequence}. Before its first turn. */
    void startAt(long sequence) {
        cursor = sequence;
    }

    /**
     * Starts the stream at the ring's event {@code sequence}, first telling the client that blocks it
     * has left the chain ({@code truncate}). Before its first turn.
     */
    void startAt(long sequence, EventRing.Reorg truncate) {
        this.cursor = sequence;
        this.truncate = truncate;
    }

    /** Starts the stream with the blocks its client missed, read from the ledger. Before its first turn. */
    void resume(MissedBlocks missed) {
        this.missed = missed;
    }

    /** Queues a turn unless one is queued or running; that one looks again before it ends. */
    void wake() {
        if (closed || !ready || !queued.compareAndSet(false, true)) {
            return;
        }
        try {
            senders.execute(this);
        } catch (RejectedExecutionException e) {
            // The node is stopping. (The queue has no bound: while hung writes hold every thread, a
            // turn waits there.)
            queued.set(false);
            finish();
        }
    }

    /** Writes a comment at the next turn, which it queues: nothing else was written for a while. */
    void keepAlive() {
        commentDue = true;
        wake();
    }

    /** When the write under way began ({@link System#nanoTime()}); 0 when none is. */
    long writeStarted() {
        return writeStarted;
    }

    /** When the last write ended ({@link System#nanoTime()}). */
    long lastWrite() {
        return lastWrite;
    }

    @Override
    public void run() {
        long head = ring.head();
        boolean more;
        try {
            more = turn();
        } catch (IOException | RuntimeException e) {
            // The client went away (the container completes the request after a failed write), or
            // the stream was completed meanwhile.
            log.debug("Block stream ended: {}", e.toString());
            close();
            more = false;
        }
        if (closed) {
            end(); // the turn is never given up: nothing runs after it
            return;
        }
        // Read before the turn is given up: from then on another turn may be changing them.
        boolean behind = missed == null && cursor < ring.head();
        queued.set(false);
        if (closed) {
            // Closed meanwhile by finish(), which found the turn held: whoever takes it back ends it.
            if (queued.compareAndSet(false, true)) {
                end();
            }
        } else if (more || commentDue || behind || ring.head() != head) {
            wake(); // including events that came while this turn ran: their wake found it queued
        }
    }

    /** Writes what is due; true when there is more to write at once. */
    private boolean turn() throws IOException {
        if (closed) {
            return false;
        }
        if (truncate != null) {
            writeReorg(truncate);
            truncate = null;
        }
        boolean more = missed != null ? replayTurn() : liveTurn();
        if (commentDue && !closed) {
            comment(); // nothing else was written this turn
        }
        return more;
    }

    private boolean liveTurn() throws IOException {
        List<EventRing.Event> events = ring.from(cursor, StreamSenders.BATCH);
        if (events == null) {
            metrics.overtaken();
            log.debug("Block stream cut off: its client fell more than the ring's events behind");
            close();
            return false;
        }
        for (EventRing.Event event : events) {
            if (closed) {
                return false;
            }
            write(event.name, event.id, event.data(json));
            cursor = event.sequence + 1;
        }
        return events.size() == StreamSenders.BATCH;
    }

    private boolean replayTurn() throws IOException {
        return switch (missed.turn(replayOut)) {
            case MORE -> true;
            case WAIT -> false;
            case JOINED -> {
                cursor = missed.joinedAt();
                missed = null;
                yield true;
            }
            case LOST -> resyncByReconnecting();
        };
    }

    /**
     * Ends a stream that cannot say where the chain switched under its replay: its client comes
     * back with the last id it had and reads on from the chain as it is then.
     */
    private boolean resyncByReconnecting() {
        metrics.overtaken();
        log.debug("Block stream cut off: the chain switched branches under its replay");
        close();
        return false;
    }

    private void writeReorg(EventRing.Reorg reorg) throws IOException {
        write(EventRing.REORG, reorg.forkIndex(), json.writeValueAsString(reorg));
    }

    private void write(String name, long id, String data) throws IOException {
        send(SseEmitter.event().name(name).id(Long.toString(id)).data(data, JSON_TEXT));
        metrics.sent(name);
    }

    private void comment() throws IOException {
        send(SseEmitter.event().comment(""));
    }

    private void send(SseEmitter.SseEventBuilder event) throws IOException {
        long started = System.nanoTime();
        writeStarted = started;
        senders.writeStarted(this);
        try {
            emitter.send(event);
        } catch (IOException e) {
            if (System.nanoTime() - started >= StreamSenders.STALL.toNanos()) {
                countStalled(); // the web server gave up on the write before the check cut the stream off
            }
            throw e;
        } finally {
            writeStarted = 0;
            senders.writeEnded(this);
        }
        lastWrite = System.nanoTime();
        commentDue = false;
    }

    /**
     * Counts the stream as cut off for stalling, once: its write hung for {@link StreamSenders#STALL},
     * which {@link StreamSenders#check} or the web server's write timeout may notice first.
     */
    void countStalled() {
        if (stallCounted.compareAndSet(false, true)) {
            metrics.stalled();
            log.debug("Block stream cut off: its client stopped reading");
        }
    }

    /** Forgets the stream: nothing more is written to it. It ends when its turn does ({@link #end}). */
    private void close() {
        closed = true;
        senders.remove(this);
    }

    /**
     * Closes the stream and ends it now, unless a turn is running, which then ends it once its write
     * has returned or failed.
     */
    void finish() {
        close();
        if (queued.compareAndSet(false, true)) {
            end();
        }
    }

    /**
     * Completes the response and gives the stream's place back. Called by whoever holds the turn,
     * which is then never given up, so once. Not sooner: a write that hangs holds a sender thread
     * and the connection until the web server fails it, and the stream counts against the limits
     * until then, so that clients that stop reading cannot take more than the limits allow.
     */
    private void end() {
        completeQuietly();
        slots.release(address);
    }

    private void completeQuietly() {
        try {
            emitter.complete();
        } catch (RuntimeException e) {
            log.debug("Block stream already ended: {}", e.toString());
        }
    }

    /** What the replay writes, written as the live stream writes it. */
    private final class ReplayOut implements MissedBlocks.Out {

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public void block(Block block) throws IOException {
            write(EventRing.BLOCK, block.index(), json.writeValueAsString(block));
        }

        @Override
        public void reorg(EventRing.Reorg reorg) throws IOException {
            writeReorg(reorg);
        }
    }
}
