package io.meshchain.api;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ChainService;
import io.meshchain.system.MeshchainProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The block stream behind {@code GET /chain/events}: every open stream is told of each block that
 * joins the chain, and of each switch to another branch before that branch's blocks, in the order
 * the node announced them (once they are on disk).
 * <p>
 * Nothing is queued per client. Events are kept once, in an {@link EventRing} every stream shares,
 * and each stream keeps only its place in it; a few sender threads (a bounded pool, not one thread
 * per client) write to the streams that have something to write, a batch at a time, so that many
 * fast clients share them fairly. A client too slow to keep up is overtaken by the ring and cut off:
 * it can come back with {@code Last-Event-ID} and read on from the ledger. A stream that resumes reads
 * the blocks it missed from the ledger a page at a time, then joins the ring where the announced
 * chain is what it has sent. A comment is written to a stream that had nothing else for
 * {@link #KEEP_ALIVE}, so proxies keep it open and a client that went away is noticed.
 */
@Component
class ChainEventStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChainEventStream.class);

    /** Events the ring keeps: a client further behind than this is cut off. */
    static final int RING_EVENTS = 4096;
    /** About how much memory the ring's events may take, however large their blocks. */
    static final long RING_BYTES = 16L * 1024 * 1024;
    /**
     * Threads that write to streams. A write to a client that stopped reading blocks its thread until
     * Tomcat's connection timeout (60 s by default) fails it; that stream is cut off after
     * {@link #STALL}, and the other threads serve the rest meanwhile.
     */
    static final int SENDER_THREADS = 16;
    /** A write that has not returned after this long means a client that stopped reading: it is cut off. */
    static final Duration STALL = Duration.ofSeconds(10);
    /** Events written to one stream before the others get a turn. */
    static final int BATCH = 64;
    /** Blocks read from the ledger at a time for a stream that resumes. */
    static final int REPLAY_PAGE = 100;
    /** Blocks a resuming stream remembers having sent, to say where a switch of branches forked. */
    static final int REPLAY_MEMORY = 256;
    /**
     * A stream with nothing else written for this long gets a comment. Checked every 5 s, so no stream
     * goes more than 14 s without a write.
     */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(9);

    private static final MediaType JSON_TEXT = new MediaType("application", "json", StandardCharsets.UTF_8);

    private final ChainService chain;
    private final JsonMapper json;
    private final int maxStreams;
    private final EventRing ring;
    private final ThreadPoolExecutor senders;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final Counter blocksSent;
    private final Counter reorgsSent;
    private final Counter overtaken;
    private final Counter stalled;
    private final Counter refused;
    private volatile boolean running;

    ChainEventStream(ChainService chain, JsonMapper json, MeshchainProperties properties, MeterRegistry meters) {
        this.chain = chain;
        this.json = json;
        this.maxStreams = properties.events().maxStreams();
        this.ring = new EventRing(RING_EVENTS, RING_BYTES, chain.tip());
        // At most one task per stream is ever queued, so the queue's bound is never what refuses one.
        this.senders = new ThreadPoolExecutor(SENDER_THREADS, SENDER_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(maxStreams + SENDER_THREADS), new CustomizableThreadFactory("chain-events-"));
        this.senders.allowCoreThreadTimeOut(true);
        Gauge.builder("meshchain.events.streams", open, AtomicInteger::get)
                .description("Block streams (GET /chain/events) open").register(meters);
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
        refused = Counter.builder("meshchain.events.refused")
                .description("Block streams refused because the node had as many open as it allows").register(meters);
    }

    /**
     * Opens a stream. Without {@code lastEventId} it starts with the next change of the chain; with
     * one it first sends the blocks after that index.
     *
     * @throws StreamsUnavailableException when the node holds as many streams as it allows, or stops
     */
    SseEmitter open(OptionalLong lastEventId) {
        if (!running) {
            throw new StreamsUnavailableException("the node is shutting down");
        }
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            refused.increment();
            throw new StreamsUnavailableException("this node already serves " + maxStreams
                    + " block streams (meshchain.events.max-streams)");
        }
        SseEmitter emitter = new SseEmitter(0L); // no time limit: the client or a cut-off ends it
        Stream stream = new Stream(emitter);
        emitter.onCompletion(stream::close);
        emitter.onTimeout(stream::close);
        emitter.onError(error -> stream.close());
        EventRing.Position position = ring.position();
        long resumeAfter = lastEventId.orElse(-1);
        if (resumeAfter < 0) {
            stream.cursor = position.head();
        } else if (resumeAfter > position.view().height()) {
            // The client saw blocks this node does not have (it read another node, or this one lost
            // unforced blocks in a crash): everything above this node's tip is gone, as far as it knows.
            stream.cursor = position.head();
            stream.truncate = new EventRing.Reorg(position.view().height(), List.of());
        } else {
            String seen = chain.hashAt(resumeAfter).orElseThrow();
            stream.replay = new Replay(resumeAfter, seen);
        }
        streams.add(stream);
        stream.commentDue = true; // the first write sends the headers: the client knows it is connected
        stream.wake();
        return emitter;
    }

    /** Takes in a change of the chain and wakes every stream; changes arrive in the order they were made. */
    @EventListener
    void chainAdvanced(ChainAdvanced change) {
        ring.append(change);
        streams.forEach(Stream::wake);
    }

    @Scheduled(fixedDelay = 5, timeUnit = TimeUnit.SECONDS)
    void keepAlive() {
        keepIdleStreamsAlive();
    }

    /**
     * Marks a comment due on every stream that had nothing written for {@link #KEEP_ALIVE}, and cuts
     * off every stream whose write has hung for {@link #STALL}.
     */
    void keepIdleStreamsAlive() {
        long now = System.nanoTime();
        for (Stream stream : streams) {
            long writing = stream.writeStarted;
            if (writing != 0 && now - writing >= STALL.toNanos()) {
                stalled.increment();
                log.debug("Block stream cut off: its client stopped reading");
                stream.close(); // its turn completes the response once the hung write returns or fails
            } else if (now - stream.lastWrite >= KEEP_ALIVE.toNanos()) {
                stream.commentDue = true;
                stream.wake();
            }
        }
    }

    int openStreams() {
        return open.get();
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every stream before the web server waits for requests to finish: an open stream never finishes. */
    @Override
    public void stop() {
        running = false;
        streams.forEach(Stream::finish);
        senders.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** What a stream that resumes has sent of the ledger, and where it reads on. */
    private static final class Replay {

        /** The views the client was given, oldest first; the first is where it said it was. */
        private final ArrayDeque<EventRing.View> sent = new ArrayDeque<>();
        /** Whether {@link #sent} still starts where the client said it was. */
        private boolean fromStart = true;

        Replay(long height, String hash) {
            sent.addLast(new EventRing.View(height, hash));
        }

        EventRing.View last() {
            return sent.peekLast();
        }

        void sent(Block block) {
            sent.addLast(new EventRing.View(block.index(), block.hash()));
            if (sent.size() > REPLAY_MEMORY) {
                sent.removeFirst();
                fromStart = false;
            }
        }

        /**
         * Where the chain as it is now leaves what the client was given: the highest height at which
         * both have the same block, one of those remembered. Where even the oldest remembered differs,
         * and it is where the client said it was, that is taken as the fork: what the client holds up
         * to there, this node cannot know (a client checks that a block's previousHash is its tip's).
         */
        Optional<EventRing.View> fork(ChainService chain) {
            for (Iterator<EventRing.View> newestFirst = sent.descendingIterator(); newestFirst.hasNext(); ) {
                EventRing.View view = newestFirst.next();
                if (chain.hashAt(view.height()).filter(view.hash()::equals).isPresent()) {
                    return Optional.of(view);
                }
            }
            return fromStart ? Optional.of(sent.peekFirst()) : Optional.empty();
        }

        /** Forgets what was sent above {@code fork}; returns the hashes forgotten, lowest first. */
        List<String> rewindTo(EventRing.View fork) {
            List<String> removed = new ArrayList<>();
            while (sent.peekLast().height() > fork.height()) {
                removed.add(0, sent.removeLast().hash());
            }
            return removed;
        }
    }

    /** One client's stream: its place in the ring, or its replay of the ledger before it gets there. */
    private final class Stream implements Runnable {

        private final SseEmitter emitter;
        /** Set while a turn of this stream is queued or running: one at a time, in order. */
        private final AtomicBoolean queued = new AtomicBoolean();
        private volatile boolean closed;
        private volatile boolean commentDue;
        private volatile long lastWrite = System.nanoTime();
        /** When the write under way began; 0 when none is. */
        private volatile long writeStarted;
        // Read and written only by the turn that runs, one at a time (the queued flag orders them).
        private long cursor;
        private Replay replay;
        private EventRing.Reorg truncate;

        Stream(SseEmitter emitter) {
            this.emitter = emitter;
        }

        /** Queues a turn unless one is queued or running; that one looks again before it ends. */
        void wake() {
            if (closed || !queued.compareAndSet(false, true)) {
                return;
            }
            try {
                senders.execute(this);
            } catch (RejectedExecutionException e) {
                queued.set(false);
                finish(); // the node is stopping
            }
        }

        @Override
        public void run() {
            boolean more;
            try {
                more = turn();
            } catch (IOException | RuntimeException e) {
                // The client went away (the container completes the request after a failed write), or
                // the stream was completed meanwhile.
                log.debug("Block stream ended: {}", e.toString());
                close();
                more = false;
            } finally {
                queued.set(false);
            }
            if (closed) {
                completeQuietly();
            } else if (more || commentDue || replay == null && cursor < ring.head()) {
                wake();
            }
        }

        /** Writes what is due; true when there is more to write at once. */
        private boolean turn() throws IOException {
            if (closed) {
                return false;
            }
            if (truncate != null) {
                write(EventRing.REORG, truncate.forkIndex(), json.writeValueAsString(truncate));
                truncate = null;
            }
            boolean more = replay != null ? replayTurn() : liveTurn();
            if (commentDue && !closed) {
                comment(); // nothing else was written this turn
            }
            return more;
        }

        private boolean liveTurn() throws IOException {
            List<EventRing.Event> events = ring.from(cursor, BATCH);
            if (events == null) {
                overtaken.increment();
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
            return events.size() == BATCH;
        }

        /** Sends the next page of blocks the client missed, or joins the ring once it has them all. */
        private boolean replayTurn() throws IOException {
            EventRing.View announced = ring.view();
            EventRing.View last = replay.last();
            if (last.height() < announced.height()) {
                List<Block> blocks;
                try (ChainReader reader = chain.reader()) {
                    long to = Math.min(announced.height(), reader.tip().height());
                    int count = (int) Math.min(REPLAY_PAGE, to - last.height());
                    blocks = count > 0 ? reader.blocks(last.height() + 1, count) : List.of();
                }
                if (!blocks.isEmpty() && !blocks.get(0).previousHash().equals(last.hash())) {
                    return rewind();
                }
                for (Block block : blocks) {
                    if (closed) {
                        return false;
                    }
                    write(EventRing.BLOCK, block.index(), json.writeValueAsString(block));
                    replay.sent(block);
                }
                if (!blocks.isEmpty()) {
                    return true;
                }
            }
            last = replay.last();
            OptionalLong join = ring.joinAt(last.height(), last.hash());
            if (join.isPresent()) {
                cursor = join.getAsLong();
                replay = null;
                return true;
            }
            if (chain.hashAt(last.height()).filter(last.hash()::equals).isPresent()) {
                // The chain still holds what was sent: the announced chain went on past it (read on), or
                // its announcement is still to come (the next event wakes this stream).
                return ring.view().height() > last.height();
            }
            return rewind();
        }

        /** The chain switched branches under the replay: says where, as a live stream would be told. */
        private boolean rewind() throws IOException {
            Optional<EventRing.View> fork = replay.fork(chain);
            if (fork.isEmpty()) {
                overtaken.increment();
                close();
                return false;
            }
            List<String> removed = replay.rewindTo(fork.get());
            EventRing.Reorg reorg = new EventRing.Reorg(fork.get().height(), removed);
            write(EventRing.REORG, reorg.forkIndex(), json.writeValueAsString(reorg));
            return true;
        }

        private void write(String name, long id, String data) throws IOException {
            send(SseEmitter.event().name(name).id(Long.toString(id)).data(data, JSON_TEXT));
            (EventRing.BLOCK.equals(name) ? blocksSent : reorgsSent).increment();
        }

        private void comment() throws IOException {
            send(SseEmitter.event().comment(""));
        }

        private void send(SseEmitter.SseEventBuilder event) throws IOException {
            writeStarted = System.nanoTime();
            try {
                emitter.send(event);
            } finally {
                writeStarted = 0;
            }
            lastWrite = System.nanoTime();
            commentDue = false;
        }

        /** Forgets the stream; the response is completed by whoever owns it (a turn, or {@link #finish}). */
        void close() {
            closed = true;
            if (streams.remove(this)) {
                open.decrementAndGet();
            }
        }

        /** Closes the stream and completes its response now, unless a turn is running, which then does. */
        void finish() {
            close();
            if (queued.compareAndSet(false, true)) {
                completeQuietly();
            }
        }

        private void completeQuietly() {
            try {
                emitter.complete();
            } catch (RuntimeException e) {
                log.debug("Block stream already ended: {}", e.toString());
            }
        }
    }
}
