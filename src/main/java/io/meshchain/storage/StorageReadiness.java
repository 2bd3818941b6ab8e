package io.meshchain.storage;

import io.meshchain.ledger.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Whether storage takes writes, as readiness: when a write fails (a full disk) the node reports itself
 * not ready, and it becomes ready again with the next write that succeeds, or with a probe that does.
 * Changes are published away from the writer, which may hold the ledger's lock. Also keeps the time
 * of the last write that succeeded, for health.
 */
final class StorageReadiness {

    private static final Logger log = LoggerFactory.getLogger(StorageReadiness.class);

    private final Path directory;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    /** What the readiness events name as their source: the store. */
    private final Object source;
    /** Publishes readiness changes, one at a time and in order, away from the caller's locks. */
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "storage-readiness");
        thread.setDaemon(true);
        return thread;
    });
    private volatile long lastWrite;
    private volatile String failure;

    StorageReadiness(Path directory, ApplicationEventPublisher events, Clock clock, Object source) {
        this.directory = directory;
        this.events = events;
        this.clock = clock;
        this.source = source;
    }

    /** A write failed: the node stops taking traffic, if it had not already. Returns what to throw. */
    StorageException failed(String what, IOException e) {
        String reason = what + " in " + directory + ": " + e.getMessage();
        if (failure == null) {
            log.error("Storage failed, refusing changes until a write succeeds: {}", reason);
            publish(ReadinessState.REFUSING_TRAFFIC);
        }
        failure = reason;
        return new StorageException(reason, e);
    }

    /** A write succeeded: the node takes traffic again, if it had stopped. */
    void wrote() {
        lastWrite = clock.millis();
        if (failure != null) {
            failure = null;
            log.info("Storage writes succeed again in {}", directory);
            publish(ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /**
     * Publishes a change of readiness from a thread of its own, in order: writes fail and succeed
     * while the ledger holds its lock, and listeners must not run under it.
     */
    private void publish(ReadinessState state) {
        try {
            publisher.execute(() -> AvailabilityChangeEvent.publish(events, source, state));
        } catch (RejectedExecutionException e) {
            // Shutting down: readiness no longer matters.
        }
    }

    /** A test of the disk that throws while it still fails. */
    @FunctionalInterface
    interface Probe {
        void run() throws IOException;
    }

    /** Tries {@code probe} while storage is failing, so the node can become ready again; does nothing otherwise. */
    void probe(Probe probe) {
        if (failure == null) {
            return;
        }
        try {
            probe.run();
            wrote();
        } catch (IOException e) {
            failure = "still failing in " + directory + ": " + e.getMessage();
        }
    }

    /** Why the last write failed, or null while writes succeed. */
    String failure() {
        return failure;
    }

    /** Epoch milliseconds of the last write that succeeded, 0 before the first. */
    long lastWrite() {
        return lastWrite;
    }

    /** Stops publishing: the store is closing. */
    void shutdown() {
        publisher.shutdown();
    }
}
