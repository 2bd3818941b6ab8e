package io.meshchain.ledger;

import java.util.List;

/**
 * Where the ledger keeps its chain and pending pool across restarts. {@link ChainService} calls it
 * at each change, under its lock and before the change becomes visible, so the store always holds a
 * state the node really was in. The implementation decides how (files, fsync, group commit); the
 * ledger does not know about files.
 */
public interface LedgerStore {

    /** Everything stored, read once at start. */
    StoredLedger load();

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

    /**
     * Records, as one atomic record and durably, that the chain from {@code blocks.get(0).index()} on
     * is now {@code blocks}: a plain append replaces nothing, a reorganisation replaces the blocks
     * above the common ancestor. After a crash the store holds either the old chain or the new one.
     *
     * @throws StorageException when they cannot be written and forced; the chain must not change then
     */
    void putBlocks(List<Block> blocks);

    /** True when the pool's record has grown well past {@code livePending} entries and is worth rewriting. */
    boolean pendingNeedsCompaction(int livePending);

    /**
     * Rewrites the stored state to exactly this chain (genesis excluded) and pool, atomically per
     * file. Used at start, to store compactly what the node recovered.
     *
     * @throws StorageException when the rewrite fails; the previous files are kept then
     */
    void rewrite(List<Block> blocks, List<PendingTransaction> pending);

    /**
     * Rewrites the pool's record to exactly this pool, atomically, leaving the chain's record as it
     * is: the compaction of a running node, whose cost does not grow with the chain.
     *
     * @throws StorageException when the rewrite fails; the previous record is kept then
     */
    void rewritePending(List<PendingTransaction> pending);

    /** Waits until a write is on disk. */
    @FunctionalInterface
    interface Durability {

        /** @throws StorageException when the disk could not be flushed */
        void await();
    }
}
