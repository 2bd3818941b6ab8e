package io.meshchain.api;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The sender threads that write to the open block streams, and the streams they serve. A stream with
 * something to write takes a turn on one of them, a batch at most ({@link #BATCH}), so that many fast
 * clients share them fairly; an idle stream holds none. It guards against slow clients: for every
 * write hung for {@link #HUNG} another thread is kept for the other streams, up to
 * {@link #MAX_SENDER_THREADS} in all; a stream whose write hangs for {@link #STALL} is cut off; and a
 * stream with nothing else written for {@link #KEEP_ALIVE} gets a comment, so that proxies keep it
 * open and a client that went away is noticed.
 */
final class StreamSenders {

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
    /**
     * A stream with nothing else written for this long gets a comment. Checked every second, so no
     * stream goes more than 11 s without a write.
     */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(10);

    private final ThreadPoolExecutor senders;
    private final Set<ClientStream> streams = ConcurrentHashMap.newKeySet();
    /** Streams with a write under way, cut off or not. */
    private final Set<ClientStream> writing = ConcurrentHashMap.newKeySet();

    StreamSenders() {
        // The queue holds at most a turn per stream; the pool grows past SENDER_THREADS only by
        // check, for writes that hang.
        this.senders = new ThreadPoolExecutor(SENDER_THREADS, MAX_SENDER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new CustomizableThreadFactory("chain-events-"));
        this.senders.allowCoreThreadTimeOut(true);
    }

    /** Serves {@code stream} from now on: it is woken with every change and checked every second. */
    void add(ClientStream stream) {
        streams.add(stream);
    }

    /** Serves {@code stream} no more: it was closed. */
    void remove(ClientStream stream) {
        streams.remove(stream);
    }

    /** Whether no stream is served. */
    boolean serveNone() {
        return streams.isEmpty();
    }

    /** Gives every stream served a turn, to write what came. */
    void wakeAll() {
        streams.forEach(ClientStream::wake);
    }

    /**
     * Queues a stream's turn.
     *
     * @throws RejectedExecutionException once the senders have stopped
     */
    void execute(Runnable turn) {
        senders.execute(turn);
    }

    /** {@code stream} starts a write: until it ends, the write counts as hung once it has taken {@link #HUNG}. */
    void writeStarted(ClientStream stream) {
        writing.add(stream);
    }

    void writeEnded(ClientStream stream) {
        writing.remove(stream);
    }

    /**
     * Marks a comment due on every stream that had nothing written for {@link #KEEP_ALIVE}, cuts off
     * every stream whose write has hung for {@link #STALL}, and keeps a sender thread for every write
     * hung for {@link #HUNG} besides the usual ones.
     *
     * @param now {@link System#nanoTime()} as the check sees it
     */
    void check(long now) {
        long hung = writing.stream().filter(stream -> {
            long started = stream.writeStarted();
            return started != 0 && now - started >= HUNG.toNanos();
        }).count();
        senders.setCorePoolSize((int) Math.min(SENDER_THREADS + hung, MAX_SENDER_THREADS));
        for (ClientStream stream : streams) {
            long started = stream.writeStarted();
            if (started != 0 && now - started >= STALL.toNanos()) {
                stream.countStalled();
                stream.finish(); // ended now, or by its turn once the hung write returns or fails: it counts till then
            } else if (now - stream.lastWrite() >= KEEP_ALIVE.toNanos()) {
                stream.keepAlive();
            }
        }
    }

    /** Ends every stream served, and lets the threads end once their turns have. */
    void stop() {
        streams.forEach(ClientStream::finish);
        senders.shutdown();
    }
}
