package io.meshchain.ledger;

import java.util.List;

/**
 * The half of the {@link LedgerStore} that keeps the pending pool's record: every transaction that
 * entered the pool, appended cheaply and made durable in shared flushes, and rewritten now and then
 * to the live pool, since the record only grows. A transaction's removal from the pool needs no
 * record: at start the ledger drops every pending transaction its chain holds.
 */
public interface PoolJournal {

    /**
     * Records a transaction entering the pending pool. The write is cheap and ordered; making it
     * durable is the separate, shareable {@link Durability#await()}, so many submissions share one
     * disk flush.
     *
     * @throws StorageException when the record cannot be written
     */
    Durability appendPending(PendingTransaction pending);

    /** A point covering everything written so far, for answering a repeated submission. */
    Durability written();

    /** True when the pool's record has grown well past {@code livePending} entries and is worth rewriting. */
    boolean needsCompaction(int livePending);

    /**
     * Begins rewriting the pool's record to {@code pool}, leaving the chain's record as it is: the
     * compaction of a running node, whose cost does not grow with the chain. Call it under the
     * ledger's lock, so that {@code pool} is the pool as the record stands; then {@link
     * Rewrite#write()} without the lock, and {@link Rewrite#finish()} under it again.
     */
    Rewrite beginRewrite(List<PendingTransaction> pool);

    /** Rewrites the pool's record to exactly {@code pool} at once: {@link #beginRewrite} and its steps. */
    default void rewrite(List<PendingTransaction> pool) {
        Rewrite rewrite = beginRewrite(pool);
        try {
            rewrite.write();
        } catch (StorageException e) {
            rewrite.abandon();
            throw e;
        }
        rewrite.finish();
    }

    /**
     * A rewrite of the pool's record in three steps, so that the slow one, writing and forcing the
     * whole pool, holds no lock: records appended meanwhile are carried over when it finishes.
     */
    interface Rewrite {

        /**
         * Writes and forces the new record beside the old one (after forcing every block written
         * before the rewrite began: the new record leaves out their transactions).
         *
         * @throws StorageException when it cannot; {@link #abandon()} then, and the old record stays
         */
        void write();

        /**
         * Puts the new record in place of the old, with the records appended to the old one since the
         * rewrite began, atomically. Call it under the ledger's lock: nothing may be appended meanwhile.
         *
         * @throws StorageException when it cannot; the old record stays, complete, and this rewrite is abandoned
         */
        void finish();

        /** Drops what {@link #write()} wrote; the old record stays. */
        void abandon();
    }

    /**
     * Waits until a write is on disk. Declared here, where shared flushes are the rule; the chain's
     * writes answer with it too ({@link ChainStore.StoredBlocks#durability()}).
     */
    @FunctionalInterface
    interface Durability {

        /** @throws StorageException when the disk could not be flushed */
        void await();
    }
}
