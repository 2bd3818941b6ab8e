package io.meshchain.storage;

import io.meshchain.ledger.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the store's files and index against use after the store closed: RocksDB's native handles
 * must not be used once freed (that crashes the process rather than throwing). Reads and block writes
 * hold the guard shared, closing holds it alone; once closed, every use is refused with a
 * {@link StorageException}.
 */
final class StoreGuard {

    private static final Logger log = LoggerFactory.getLogger(StoreGuard.class);

    private final Path directory;
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    /** Read under the lock, set under it alone (or before the store is in use). */
    private boolean closed;

    StoreGuard(Path directory) {
        this.directory = directory;
    }

    /** A read of the files or the index. */
    @FunctionalInterface
    interface Read<T> {
        T get() throws IOException;
    }

    /**
     * What {@code reader} reads, while the store is open.
     *
     * @throws StorageException when the store is closed, or the read fails (which is logged)
     */
    <T> T reading(Read<T> reader) {
        open.readLock().lock();
        try {
            if (closed) {
                throw closedException();
            }
            return reader.get();
        } catch (IOException e) {
            log.error("Cannot read the ledger in {}: {}", directory, e.getMessage());
            throw new StorageException("cannot read the ledger in " + directory + ": " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
    }

    /**
     * What {@code action} answers, run while the store is open.
     *
     * @throws StorageException when the store is closed
     */
    <T> T whileOpen(Supplier<T> action) {
        open.readLock().lock();
        try {
            if (closed) {
                throw closedException();
            }
            return action.get();
        } finally {
            open.readLock().unlock();
        }
    }

    /** Runs {@code action} if the store is still open; does nothing once it closed. */
    void ifOpen(Runnable action) {
        open.readLock().lock();
        try {
            if (!closed) {
                action.run();
            }
        } finally {
            open.readLock().unlock();
        }
    }

    /** Closing the store's files. */
    @FunctionalInterface
    interface Closing {
        void run() throws IOException;
    }

    /**
     * Runs {@code closing} alone, no read or write being under way, unless the store is closed already.
     * {@code closing} must {@link #markClosed()}.
     *
     * @return whether it ran
     */
    boolean closeAlone(Closing closing) throws IOException {
        open.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closing.run();
            return true;
        } finally {
            open.writeLock().unlock();
        }
    }

    /**
     * Marks the store closed: from now on every use is refused. Called inside {@link #closeAlone}, or
     * when the store fails to open, before anyone uses it.
     *
     * @return false when it was closed already
     */
    boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    private StorageException closedException() {
        return new StorageException("the ledger's store in " + directory + " is closed", null);
    }
}
