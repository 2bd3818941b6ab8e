package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The half of the {@link LedgerStore} that keeps the chain: its blocks, the index over them (heights,
 * hashes, transactions, sender bindings) and the writes that change it. The stored chain starts with
 * the genesis block given to {@link LedgerStore#open}: height 0 is always there.
 * <p>
 * {@link #putBlocks} is here, though it also writes to the pool's record: the transactions a
 * reorganisation returns to the pool are part of the one change of the chain that drops them, and
 * the store must write them first and the blocks after (a crash in between must not lose them). Split
 * into a write of blocks and a write of returns, that order, and the promise that after a crash the
 * store holds the old chain or the new one with the returns pending, would fall to every caller.
 */
public interface ChainStore {

    /**
     * Called once the ledger has checked every stored block by every rule and against the store's
     * index, after {@link LedgerStore#open} said a full check was due: the store no longer asks for one.
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
    record StoredBlocks(List<StoredBlock> entries, PoolJournal.Durability durability) {
    }
}
