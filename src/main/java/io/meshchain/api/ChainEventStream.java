package io.meshchain.api;

import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ChainService;
import io.meshchain.primitives.Block;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
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
 * and each stream keeps only its place in it. Sender threads write to the streams that have
 * something to write, a batch at a time, so that many fast clients share them fairly; an idle stream
 * holds none, and for a stream whose write hangs another thread is kept for the rest, up to a fixed
 * number in all ({@link #MAX_SENDER_THREADS}). A client too slow to keep up is overtaken by the ring
 * and cut off: it can come back with {@code Last-Event-ID} and read on from the ledger. A stream that
 * resumes reads the blocks it missed from the ledger one at a time, then joins the ring where the
 * announced chain is what it has sent. A comment is written to a stream that had nothing else for
 * {@link #KEEP_ALIVE}, so proxies keep it open and a client that went away is noticed. A node serves
 * so many streams, and so many to one client address ({@link StreamSlots}); beyond them a new one is
 * refused.
 */
@Component
class ChainEventStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChainEventStream.class);

    /** Events the ring keeps: a client further behind than this is cut off. */
    static final int RING_EVENTS = 4096;
    /** About how much memory the ring's events may take, however large their blocks. */
    static final long RING_BYTES = 16L * 1024 * 1024;
    /**
     * Events the ring keeps while no stream is open, before it takes in the next change, and about how
     * much memory they may take: enough for a client that comes back soon after a switch to be told of it.
     */
    static final int IDLE_RING_EVENTS = 256;
    static final long IDLE_RING_BYTES = 1024 * 1024;
    /**
     * Threads that write to streams, taking turns from one queue (a stream has one turn queued or
     * running at a time). A write to a client that stopped reading blocks its thread until Tomcat's
     * connection timeout ({@code server.tomcat.connection-timeout}, 10 s) fails it, and nothing can
     * unblock it sooner; so for every write hung for {@link #HUNG}, one more thread is kept, up to
     * {@link #MAX_SENDER_THREADS}. Idle threads end after 30 s.
     */
    static final int SENDER_THREADS = 16;
    /**
     * Sender threads at most, however many writes hang: a hung write holds its thread, the event it
     * writes and the connection until it fails. Without a cap, 1,000 clients that stopped reading held
     * a thread each. 48 writes hung at once (three addresses' worth at the default
     * {@code meshchain.events.max-streams-per-address}) still leave 16 threads to the other streams.
     * Beyond that, turns wait in the queue in order, and each turn of a client that stopped reading
     * holds a thread until its write fails (10 s): hundreds of such clients from many addresses
     * delay the other streams by 10 s for every 64 of them queued ahead. Writes that do not block
     * would lift that; {@link SseEmitter} writes blocking.
     */
    static final int MAX_SENDER_THREADS = 64;
    /** A write under way for this long holds its thread: another takes its place for the other streams. */
    static final Duration HUNG = Duration.ofSeconds(1);
    /** A write that has not returned after this long means a client that stopped reading: it is cut off. */
    static final Duration STALL = Duration.ofSeconds(10);
    /** Events written to one stream before the others get a turn. */
    static final int BATCH = 64;
    /** Blocks a resuming stream remembers having sent, to say where a switch of branches forked. */
    static final int REPLAY_MEMORY = 256;
    /**
     * A stream with nothing else written for this long gets a comment. Checked every second, so no
     * stream goes more than 11 s without a write.
     */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(10);

    private static final MediaType JSON_TEXT = new MediaType("application", "json", StandardCharsets.UTF_8);

    private final ChainService chain;
    private final JsonMapper json;
    private final int maxStreams;
    private final int maxStreamsPerAddress;
    private final StreamSlots slots;
    private final EventRing ring;
    private final ThreadPoolExecutor senders;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    /** Streams with a write under way, cut off or not. */
    private final Set<Stream> writing = ConcurrentHashMap.newKeySet();
    private final Counter blocksSent;
    private final Counter reorgsSent;
    private final Counter overtaken;
    private final Counter stalled;
    private final Counter refusedNodeFull;
    private final Counter refusedAddressFull;
    /** True from the start (the web server may take requests before this bean's phase starts) until stop. */
    private volatile boolean running = true;

    ChainEventStream(ChainService chain, JsonMapper json, MeshchainProperties properties, MeterRegistry meters) {
        this.chain = chain;
        this.json = json;
        this.maxStreams = properties.events().maxStreams();
        this.maxStreamsPerAddress = properties.events().maxStreamsPerAddress();
        this.slots = new StreamSlots(maxStreams, maxStreamsPerAddress);
        this.ring = new EventRing(RING_EVENTS, RING_BYTES, chain.tip());
        // The queue holds at most a turn per stream; the pool grows past SENDER_THREADS only by
        // keepIdleStreamsAlive, for writes that hang.
        this.senders = new ThreadPoolExecutor(SENDER_THREADS, MAX_SENDER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new CustomizableThreadFactory("chain-events-"));
        this.senders.allowCoreThreadTimeOut(true);
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
                refusedNodeFull.increment();
                throw new StreamsUnavailableException("this node already serves " + maxStreams
                        + " block streams (meshchain.events.max-streams)");
            }
            case ADDRESS_FULL -> {
                refusedAddressFull.increment();
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
        Stream stream = new Stream(address);
        EventRing.Position position = ring.position();
        long resumeAfter = lastEventId.orElse(-1);
        if (resumeAfter < 0) {
            stream.cursor = position.head();
        } else if (resumeAfter > position.tip().height()) {
            // The client saw blocks this node does not have (it read another node, or this one lost
            // unforced blocks in a crash): everything above this node's tip is gone, as far as it knows.
            stream.cursor = position.head();
            stream.truncate = new EventRing.Reorg(position.tip().height(), List.of());
        } else {
            String seen = chain.hashAt(resumeAfter).orElseThrow(() -> new IllegalStateException(
                    "no block " + resumeAfter + " at or below the announced tip " + position.tip().height()));
            stream.replay = new Replay(resumeAfter, seen);
        }
        stream.commentDue = true; // the first write sends the headers: the client knows it is connected
        streams.add(stream);
        if (!running) {
            stream.finish(); // stop() may have gone through the streams before this one was added: it ends at once
        }
        return stream.emitter;
    }

    /**
     * Takes in a change of the chain and wakes every stream; changes arrive in the order they were
     * made. First of the change's listeners: one that throws keeps Spring from calling those after it,
     * and a change missing from the ring would be a gap in every stream.
     */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void chainAdvanced(ChainAdvanced change) {
        if (streams.isEmpty()) {
            // Before the change, not after: a stream that registers meanwhile starts at the change's
            // first event at the earliest, and nothing from there on is dropped.
            ring.keepNewest(IDLE_RING_EVENTS, IDLE_RING_BYTES);
        }
        ring.append(change);
        streams.forEach(Stream::wake);
    }

    @Scheduled(fixedDelay = 1, timeUnit = TimeUnit.SECONDS)
    void keepAlive() {
        keepIdleStreamsAlive(System.nanoTime());
    }

    /**
     * Marks a comment due on every stream that had nothing written for {@link #KEEP_ALIVE}, cuts off
     * every stream whose write has hung for {@link #STALL}, and keeps a sender thread for every write
     * hung for {@link #HUNG} besides the usual ones.
     *
     * @param now {@link System#nanoTime()} as the check sees it
     */
    void keepIdleStreamsAlive(long now) {
        long hung = writing.stream().filter(stream -> {
            long started = stream.writeStarted;
            return started != 0 && now - started >= HUNG.toNanos();
        }).count();
        senders.setCorePoolSize((int) Math.min(SENDER_THREADS + hung, MAX_SENDER_THREADS));
        for (Stream stream : streams) {
            long started = stream.writeStarted;
            if (started != 0 && now - started >= STALL.toNanos()) {
                stream.countStalled();
                stream.finish(); // ended now, or by its turn once the hung write returns or fails: it counts till then
            } else if (now - stream.lastWrite >= KEEP_ALIVE.toNanos()) {
                stream.commentDue = true;
                stream.wake();
            }
        }
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

        /** The blocks the client was given, oldest first; the first is where it said it was. */
        private final ArrayDeque<ChainPoint> sent = new ArrayDeque<>();
        /** Whether {@link #sent} still starts where the client said it was. */
        private boolean fromStart = true;

        Replay(long height, String hash) {
            sent.addLast(new ChainPoint(height, hash));
        }

        ChainPoint last() {
            return sent.peekLast();
        }

        void sent(Block block) {
            sent.addLast(new ChainPoint(block.index(), block.hash()));
            if (sent.size() > REPLAY_MEMORY) {
                sent.removeFirst();
                fromStart = false;
            }
        }

        /**
         * Where the chain as it is now leaves what the client was given: the highest remembered block
         * that the chain still holds; empty when it holds none of them.
         */
        Optional<ChainPoint> fork(ChainService chain) {
            for (Iterator<ChainPoint> newestFirst = sent.descendingIterator(); newestFirst.hasNext(); ) {
                ChainPoint point = newestFirst.next();
                if (chain.hashAt(point.height()).filter(point.hash()::equals).isPresent()) {
                    return Optional.of(point);
                }
            }
            return Optional.empty();
        }

        /** Where the client said it was, while that is still remembered. */
        Optional<ChainPoint> start() {
            return fromStart ? Optional.of(sent.peekFirst()) : Optional.empty();
        }

        /** Starts again at {@code fork}, below where the client said it was; returns the hashes sent since. */
        List<String> restartAt(ChainPoint fork) {
            List<String> sentSince = new ArrayList<>();
            sent.stream().skip(1).forEach(point -> sentSince.add(point.hash()));
            sent.clear();
            sent.addLast(fork);
            fromStart = true;
            return sentSince;
        }

        /** Forgets what was sent above {@code fork}; returns the hashes forgotten, lowest first. */
        List<String> rewindTo(ChainPoint fork) {
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
        /** The client's address, whose place the stream holds. */
        private final String address;
        /** Set while a turn of this stream is queued or running: one at a time, in order. */
        private final AtomicBoolean queued = new AtomicBoolean();
        private final AtomicBoolean stallCounted = new AtomicBoolean();
        /** Set once Spring has the response: writes before would pile up in the emitter's memory. */
        private volatile boolean ready;
        private volatile boolean closed;
        private volatile boolean commentDue;
        private volatile long lastWrite = System.nanoTime();
        /** When the write under way began; 0 when none is. */
        private volatile long writeStarted;
        // Read and written only by the turn that runs, one at a time (the queued flag orders them).
        private long cursor;
        private Replay replay;
        private EventRing.Reorg truncate;

        Stream(String address) {
            this.address = address;
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
            boolean behind = replay == null && cursor < ring.head();
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

        /**
         * Sends the next blocks the client missed, a batch at most, or joins the ring once it has them
         * all. A block is read from the ledger only once the one before it is written: a write that
         * hangs holds the block it writes, not a page of those after it (1,000 clients that stopped
         * reading held 53,594 blocks that way).
         */
        private boolean replayTurn() throws IOException {
            long announced = ring.tip().height();
            ChainPoint last = replay.last();
            int written = 0;
            while (last.height() < announced && written < BATCH) {
                Optional<Block> next = blockAt(last.height() + 1);
                if (next.isEmpty()) {
                    break; // the chain is not that tall now: it switched branches, which is seen to below
                }
                if (!next.get().previousHash().equals(last.hash())) {
                    return rewind();
                }
                if (closed) {
                    return false;
                }
                write(EventRing.BLOCK, next.get().index(), json.writeValueAsString(next.get()));
                replay.sent(next.get());
                last = replay.last();
                written++;
            }
            if (written > 0) {
                return true;
            }
            OptionalLong join = ring.joinAt(last.height(), last.hash());
            if (join.isPresent()) {
                cursor = join.getAsLong();
                replay = null;
                return true;
            }
            if (chain.hashAt(last.height()).filter(last.hash()::equals).isPresent()) {
                // The chain still holds what was sent: the announced chain went on past it (read on), or
                // its announcement is still to come (the next event wakes this stream).
                return ring.tip().height() > last.height();
            }
            return rewind();
        }

        /** The block at {@code index} of the chain as it is now; empty when the chain is not that tall. */
        private Optional<Block> blockAt(long index) {
            try (ChainReader reader = chain.reader()) {
                List<Block> blocks = reader.blocks(index, 1);
                return blocks.isEmpty() ? Optional.empty() : Optional.of(blocks.get(0));
            }
        }

        /** The chain switched branches under the replay: says where, as a live stream would be told. */
        private boolean rewind() throws IOException {
            Optional<ChainPoint> fork = replay.fork(chain);
            if (fork.isPresent()) {
                List<String> removed = replay.rewindTo(fork.get());
                if (removed.isEmpty()) {
                    return resyncByReconnecting(); // what was sent and the chain agree after all: two snapshots raced
                }
                return reorg(new EventRing.Reorg(fork.get().height(), removed));
            }
            // Even the block the client said it had left the chain: the switch forked below it. The
            // announced switch says where, and which blocks it removed, those the client had among them.
            Optional<ChainPoint> start = replay.start();
            Optional<EventRing.Reorg> switched = start.flatMap(point -> ring.reorgRemoving(point.hash()));
            if (switched.isEmpty()) {
                return resyncByReconnecting(); // not announced yet, or no longer held
            }
            long forkIndex = switched.get().forkIndex();
            Optional<String> forkHash = chain.hashAt(forkIndex);
            int hadAbove = (int) (start.get().height() - forkIndex);
            if (forkHash.isEmpty() || hadAbove > switched.get().removed().size()) {
                return resyncByReconnecting();
            }
            List<String> removed = new ArrayList<>(switched.get().removed().subList(0, hadAbove));
            removed.addAll(replay.restartAt(new ChainPoint(forkIndex, forkHash.get())));
            return reorg(new EventRing.Reorg(forkIndex, removed));
        }

        private boolean reorg(EventRing.Reorg reorg) throws IOException {
            write(EventRing.REORG, reorg.forkIndex(), json.writeValueAsString(reorg));
            return true;
        }

        /**
         * Ends a stream that cannot say where the chain switched under its replay: its client comes
         * back with the last id it had and reads on from the chain as it is then.
         */
        private boolean resyncByReconnecting() {
            overtaken.increment();
            log.debug("Block stream cut off: the chain switched branches under its replay");
            close();
            return false;
        }

        private void write(String name, long id, String data) throws IOException {
            send(SseEmitter.event().name(name).id(Long.toString(id)).data(data, JSON_TEXT));
            (EventRing.BLOCK.equals(name) ? blocksSent : reorgsSent).increment();
        }

        private void comment() throws IOException {
            send(SseEmitter.event().comment(""));
        }

        private void send(SseEmitter.SseEventBuilder event) throws IOException {
            long started = System.nanoTime();
            writeStarted = started;
            writing.add(this);
            try {
                emitter.send(event);
            } catch (IOException e) {
                if (System.nanoTime() - started >= STALL.toNanos()) {
                    countStalled(); // the web server gave up on the write before the check cut the stream off
                }
                throw e;
            } finally {
                writeStarted = 0;
                writing.remove(this);
            }
            lastWrite = System.nanoTime();
            commentDue = false;
        }

        /**
         * Counts the stream as cut off for stalling, once: its write hung for {@link #STALL}, which
         * {@link #keepIdleStreamsAlive} or the web server's write timeout may notice first.
         */
        void countStalled() {
            if (stallCounted.compareAndSet(false, true)) {
                stalled.increment();
                log.debug("Block stream cut off: its client stopped reading");
            }
        }

        /** Forgets the stream: nothing more is written to it. It ends when its turn does ({@link #end}). */
        void close() {
            closed = true;
            streams.remove(this);
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
    }
}
