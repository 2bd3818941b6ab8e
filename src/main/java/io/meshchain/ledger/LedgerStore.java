package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the ledger keeps its chain and pending pool: on disk, across restarts, and indexed, so that
 * the ledger holds in memory only what is recent. {@link ChainService} calls it at each change,
 * under its lock and before the change becomes visible, so the store always holds a state the node
 * really was in. The implementation decides how (files, an index, fsync, group commit); the ledger
 * does not know about files.
 * <p>
 * The stored chain starts with the genesis block given to {@link #open}: height 0 is always there.
 */
public interface LedgerStore {

    /**
     * Opens what is stored, once, at start: the store checks its files against each other, and
     * returns the chain's tip and the pool's records.
     *
     * @throws StoredChainInvalidException when the stored chain belongs to another network
     * @throws StorageException            when the files cannot be read
     */
    StoredLedger open(Block genesis);

    /**
     * Called once the ledger has checked every stored block by every rule and against the store's
     * index, after {@link #open} said a full check was due: the store no longer asks for one.
     *
     * @throws StorageException when that cannot be recorded
     */
    void fullCheckPassed();

    /** Entries of the stored chain from height {@code from} on, in order; fewer where the chain ends. */
    List<StoredBlock> entries(long from, int limit);

    /** Blocks with {@code from <= index < from + limit}, in order; fewer where the chain ends. */
    List<Block> blocks(long from, int limit);

    /** Height of the block with this hash, if the stored chain holds it. */
    OptionalLong heightOf(String blockHash);

    /**
     * The heights of the blocks holding those of {@code transactionIds} that the stored chain holds,
     * looked up together: cheaper than one at a time when a block or a page of blocks is checked.
     */
    Map<String, Long> transactionHeights(Collection<String> transactionIds);

    /** The bindings of those of {@code senders} that the stored chain binds to a key, looked up together. */
    Map<String, SenderBinding> bindings(Collection<String> senders);

    /** The transaction with this id and its block's height, if the stored chain holds it. */
    Optional<ConfirmedTransaction> transaction(String transactionId);

    /**
     * The block, position and leaf hashes of the transaction with this id, if the stored chain holds
     * it: what its inclusion proof is built from, read without the block's transactions where the
     * store keeps the leaf hashes.
     */
    Optional<TransactionLeaves> leaves(String transactionId);

    /** A reader of the stored chain as it is now, for long walks that must not hold the ledger's lock. */
    ChainReader reader();

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
     * Records, as one step, that the chain from {@code blocks.get(0).index()} on is now
     * {@code blocks}, and that {@code returned} went back to the front of the pool: a plain append
     * replaces nothing and returns nothing; a reorganisation replaces the blocks above the common
     * ancestor and returns the transactions the new chain lacks. After a crash the store holds the
     * old chain, or the new one with the returned transactions pending.
     * <p>
     * When this returns, the blocks are written, indexed and readable; they are on disk once the
     * answer's {@link StoredBlocks#durability()} has been awaited, which the caller does after it
     * let go of its lock. (A store may force a reorganisation before it returns: the returned
     * transactions must reach the disk before the blocks that drop them.)
     *
     * @throws StorageException when they cannot be written; the chain must not change then
     */
    StoredBlocks putBlocks(List<Block> blocks, List<PendingTransaction> returned);

    /**
     * What {@link #putBlocks} stored.
     *
     * @param entries    the entries of the blocks, in order
     * @param durability the wait until they are on disk
     */
    record StoredBlocks(List<StoredBlock> entries, Durability durability) {
    }

    /** True when the pool's record has grown well past {@code livePending} entries and is worth rewriting. */
    boolean pendingNeedsCompaction(int livePending);

    /**
     * Begins rewriting the pool's record to {@code pool}, leaving the chain's record as it is: the
     * compaction of a running node, whose cost does not grow with the chain. Call it under the
     * ledger's lock, so that {@code pool} is the pool as the record stands; then {@link
     * PendingRewrite#write()} without the lock, and {@link PendingRewrite#finish()} under it again.
     */
    PendingRewrite beginPendingRewrite(List<PendingTransaction> pool);

    /** Rewrites the pool's record to exactly {@code pool} at once: {@link #beginPendingRewrite} and its steps. */
    default void rewritePending(List<PendingTransaction> pool) {
        PendingRewrite rewrite = beginPendingRewrite(pool);
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
    interface PendingRewrite {

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

    /** Waits until a write is on disk. */
    @FunctionalInterface
    interface Durability {

        /** @throws StorageException when the disk could not be flushed */
        void await();
    }
}
