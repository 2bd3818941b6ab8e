package io.meshchain.ledger;

import io.meshchain.ledger.rules.MedianTimePast;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The node's chain: its blocks live in the {@link ChainStore}, and this holds in memory only the
 * tip region, the entries ({@link StoredBlock}) of the last {@value #RECENT_DEPTH} blocks. Fork
 * choice, the search for a common ancestor and the validation of a new block's link to its parent
 * read them without touching the disk; deeper heights, whole blocks and transactions are read from
 * the store. Memory therefore does not grow with the chain.
 * <p>
 * Not thread-safe: {@link ChainService} owns the only instance and guards it with its lock. It
 * trusts its caller to add valid blocks only.
 */
final class Chain {

    /** Entries of this many blocks at the tip are kept in memory (about 250 bytes each). */
    static final int RECENT_DEPTH = 1_000;

    private final ChainStore store;
    /** Entries of heights {@code recentFrom} to the tip, in order. */
    private final List<StoredBlock> recent = new ArrayList<>();
    private long recentFrom;

    Chain(ChainStore store, StoredBlock tip) {
        this.store = store;
        reloadRecent(tip.height());
    }

    long height() {
        return recentFrom + recent.size() - 1;
    }

    /** The tip's entry: hash, timestamp, proof and the work up to it. */
    StoredBlock tipEntry() {
        return recent.get(recent.size() - 1);
    }

    /** What fork choice compares of this chain: its tip and the work behind it. */
    ChainTip tip() {
        return tipEntry().tip();
    }

    /** The entry at {@code height}, which must be at most the tip's. */
    StoredBlock entry(long height) {
        if (height < 0 || height > height()) {
            throw new IllegalArgumentException("no block at height " + height + "; the tip is " + height());
        }
        if (height >= recentFrom) {
            return recent.get(Math.toIntExact(height - recentFrom));
        }
        List<StoredBlock> stored = store.entries(height, 1);
        if (stored.isEmpty()) {
            throw new StorageException("the store has no entry for block " + height + " below the tip " + height(), null);
        }
        return stored.get(0);
    }

    /**
     * The median-time-past after the block at {@code height}: of its timestamp and those of the
     * blocks below it, {@value MedianTimePast#SPAN} in all (fewer near genesis). Near the tip they
     * are in memory; a deeper fork's are read from the store.
     */
    MedianTimePast medianTimePast(long height) {
        long from = Math.max(0, height - MedianTimePast.SPAN + 1);
        long[] timestamps = new long[Math.toIntExact(height - from + 1)];
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = entry(from + i).timestamp();
        }
        return MedianTimePast.after(timestamps);
    }

    /** Cumulative work of the chain up to and including {@code height}. */
    BigInteger workAt(long height) {
        return entry(height).totalWork();
    }

    Optional<Block> block(long height) {
        if (height < 0 || height > height()) {
            return Optional.empty();
        }
        return store.blocks(height, 1).stream().findFirst();
    }

    Optional<Block> byHash(String hash) {
        OptionalLong height = store.heightOf(hash);
        return height.isEmpty() ? Optional.empty() : block(height.getAsLong());
    }

    /** Heights of the blocks holding those of the transactions the chain holds, looked up together. */
    Map<String, Long> transactionHeights(Collection<String> transactionIds) {
        return store.transactionHeights(transactionIds);
    }

    /** The keys those of {@code senders} are bound to by the chain. */
    Map<String, SenderBinding> bindings(Collection<String> senders) {
        return store.bindings(senders);
    }

    Optional<ConfirmedTransaction> transaction(String transactionId) {
        return store.transaction(transactionId);
    }

    Optional<TransactionLeaves> leaves(String transactionId) {
        return store.leaves(transactionId);
    }

    /** Blocks with {@code from <= index < from + limit}, in order. */
    List<Block> range(long from, int limit) {
        if (from > height() || limit <= 0) {
            return List.of();
        }
        return store.blocks(from, (int) Math.min(limit, height() - from + 1));
    }

    /**
     * Makes the chain from {@code blocks.get(0).index()} on be {@code blocks}, recording the change and
     * the transactions returned to the pool in the store first.
     *
     * @return the wait until the change is on disk, for the caller to await once it let go of its lock
     * @throws StorageException when the store cannot record it; the chain is unchanged then
     */
    PoolJournal.Durability replaceFrom(List<Block> blocks, List<PendingTransaction> returned) {
        long first = blocks.get(0).index();
        if (first < 1 || first > height() + 1) {
            throw new IllegalStateException("blocks from height " + first + " do not attach to the tip " + height());
        }
        ChainStore.StoredBlocks stored = store.putBlocks(blocks, returned);
        List<StoredBlock> entries = stored.entries();
        if (first <= recentFrom) {
            recent.clear();
            recentFrom = first;
        } else {
            recent.subList(Math.toIntExact(first - recentFrom), recent.size()).clear();
        }
        recent.addAll(entries);
        if (recent.size() > RECENT_DEPTH) {
            int drop = recent.size() - RECENT_DEPTH;
            recent.subList(0, drop).clear();
            recentFrom += drop;
        } else if (recent.size() < RECENT_DEPTH && recentFrom > 0) {
            reloadRecent(height());
        }
        return stored.durability();
    }

    private void reloadRecent(long tipHeight) {
        long from = Math.max(0, tipHeight - RECENT_DEPTH + 1);
        List<StoredBlock> entries = store.entries(from, Math.toIntExact(tipHeight - from + 1));
        if (entries.size() != tipHeight - from + 1) {
            throw new StorageException("the store holds " + entries.size() + " entries from height " + from
                    + ", but its tip is block " + tipHeight, null);
        }
        recent.clear();
        recent.addAll(entries);
        recentFrom = from;
    }
}
