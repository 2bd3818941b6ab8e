package io.meshchain.storage;

import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.PoolJournal.Durability;
import io.meshchain.ledger.PoolJournal.Rewrite;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool journal, {@value DataDirectory#POOL_JOURNAL_FILE}: a record of every transaction that
 * entered the pending pool, and of those a reorganisation returned to it, read back in pool order at
 * start. Appends are cheap and share their flushes ({@link RecordLog#sync}, group commit). A
 * transaction's removal from the pool needs no record (recovery drops every pending transaction the
 * chain holds), so the journal only grows: once it is mostly stale it is rewritten to the live pool,
 * beside the old file and without the ledger's lock for the slow part (compaction).
 */
final class PoolJournalFile implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(PoolJournalFile.class);

    /** The pool journal is rewritten once it holds this many records more than twice the live pool. */
    static final int COMPACTION_MIN_RECORDS = 10_000;

    private final Path file;
    private final boolean fsync;
    private final RecordLog.ChannelOpener opener;
    private final StorageReadiness readiness;
    /** The records read at start, until {@link #pool} takes them. */
    private final List<byte[]> recovered;
    private final long droppedBytes;
    /** Records in the journal: what compaction weighs against the live pool. */
    private final AtomicLong records = new AtomicLong();
    /** The journal's file; a new one after each compaction. */
    private volatile RecordLog current;

    private PoolJournalFile(Path file, boolean fsync, RecordLog.ChannelOpener opener, StorageReadiness readiness,
                            RecordLog.Opened opened) {
        this.file = file;
        this.fsync = fsync;
        this.opener = opener;
        this.readiness = readiness;
        this.current = opened.log();
        this.recovered = opened.records();
        this.droppedBytes = opened.droppedBytes();
    }

    /** Opens the pool journal in {@code file}, reading its records; {@link #pool} decodes them. */
    static PoolJournalFile open(Path file, boolean fsync, RecordLog.ChannelOpener opener, StorageReadiness readiness)
            throws IOException {
        return new PoolJournalFile(file, fsync, opener, readiness, RecordLog.open(file, fsync, opener));
    }

    /** Torn or corrupt bytes cut from the end of the journal when it was opened. */
    long droppedBytes() {
        return droppedBytes;
    }

    /**
     * The pool as recorded, once, at start: {@code abandoned} (the transactions of blocks the replay
     * of the block log's tail took off the chain) first, then the returned transactions, the newest
     * returns first, then the rest in the order they came.
     *
     * @throws IOException when a record does not decode
     */
    List<PendingTransaction> pool(List<PendingTransaction> abandoned) throws IOException {
        List<List<PendingTransaction>> returns = new ArrayList<>();
        List<PendingTransaction> added = new ArrayList<>();
        for (byte[] record : recovered) {
            LedgerCodec.PoolJournalRecord decoded = LedgerCodec.decodePoolJournalRecord(record);
            if (decoded.returned()) {
                returns.add(decoded.transactions());
            } else {
                added.addAll(decoded.transactions());
            }
        }
        records.set(recovered.size());
        List<PendingTransaction> pool = new ArrayList<>(abandoned);
        Collections.reverse(returns);
        returns.forEach(pool::addAll);
        pool.addAll(added);
        recovered.clear();
        return pool;
    }

    /** Appends a transaction entering the pool; it is on disk once the answer is awaited. */
    Durability append(PendingTransaction transaction) {
        RecordLog journal = current;
        long position;
        try {
            position = journal.append(LedgerCodec.encodePending(transaction));
        } catch (IOException e) {
            throw readiness.failed("cannot write a pending transaction", e);
        }
        records.incrementAndGet();
        return () -> sync(journal, position);
    }

    /**
     * Appends the transactions a reorganisation returns to the pool, and forces them before it
     * returns: they must be on disk before the blocks that drop them.
     */
    void appendReturned(List<PendingTransaction> returned) {
        RecordLog journal = current;
        try {
            journal.sync(journal.append(LedgerCodec.encodeReturned(returned)));
        } catch (IOException e) {
            throw readiness.failed("cannot write the transactions a reorganisation returns to the pool", e);
        }
        records.incrementAndGet();
    }

    /** A point covering every record appended so far. */
    Durability written() {
        RecordLog journal = current;
        long position = journal.end();
        return () -> sync(journal, position);
    }

    private void sync(RecordLog journal, long position) {
        try {
            journal.sync(position);
        } catch (IOException e) {
            throw readiness.failed("cannot flush the pool journal", e);
        }
        readiness.wrote();
    }

    /** True when the journal holds well more records than {@code livePending}, the pool it stands for. */
    boolean needsCompaction(int livePending) {
        return records.get() > Math.max(COMPACTION_MIN_RECORDS, 2L * livePending);
    }

    /**
     * Begins rewriting the journal to {@code pool}, as {@link io.meshchain.ledger.PoolJournal#beginRewrite}
     * describes.
     *
     * @param blocksFirst forces the blocks written before the rewrite began, which the new journal
     *                    leaves out the transactions of: awaited before the new journal is written
     */
    Rewrite beginRewrite(List<PendingTransaction> pool, Durability blocksFirst) {
        RecordLog old = current;
        long mark = old.end();
        long recordsAtMark = records.get();
        return new Rewrite() {
            private RecordLog.Replacement fresh;

            @Override
            public void write() {
                log.info("Compacting the pool journal: {} records to {}", recordsAtMark, pool.size());
                blocksFirst.await();
                try {
                    fresh = RecordLog.prepare(file, pool.stream().map(LedgerCodec::encodePending).toList(), fsync,
                            opener);
                } catch (IOException e) {
                    throw readiness.failed("cannot rewrite the pool journal", e);
                }
            }

            @Override
            public void finish() {
                if (fresh == null) {
                    throw new IllegalStateException("the rewrite was not written");
                }
                try {
                    current = fresh.commit(old.recordsAfter(mark));
                    old.retire();
                } catch (IOException e) {
                    throw readiness.failed("cannot rewrite the pool journal", e);
                } finally {
                    fresh = null;
                }
                records.set(pool.size() + records.get() - recordsAtMark);
                readiness.wrote();
            }

            @Override
            public void abandon() {
                if (fresh != null) {
                    try {
                        fresh.discard();
                    } catch (IOException e) {
                        log.warn("Could not delete an abandoned rewrite of the pool journal: {}", e.getMessage());
                    }
                    fresh = null;
                }
            }
        };
    }

    /** Forces what was written: fails while the disk takes no writes. */
    void probe() throws IOException {
        current.sync(current.end());
    }

    /** Offset just past the journal's last record. */
    long end() {
        return current.end();
    }

    /** Writes and forces what is still queued, then closes the file. */
    @Override
    public void close() throws IOException {
        current.close();
    }
}
