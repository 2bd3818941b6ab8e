package io.meshchain.storage;

import io.meshchain.crypto.Hex;
import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ConfirmedTransaction;
import io.meshchain.ledger.SenderBinding;
import io.meshchain.ledger.TransactionLeaves;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers the chain store's reads: the index says where a block or a transaction is, the block log
 * gives the bytes. Every read runs under the {@link StoreGuard}, so none touches a file or the index
 * once the store closed. A {@link ChainReader} reads at a snapshot of the index; the snapshots still
 * open when the store closes are closed with it.
 */
final class ChainLookups {

    private final StoreGuard guard;
    private final BlockIndex index;
    private final BlockLog blocks;
    private final SenderBindings bindings;
    private final Block genesis;
    private final BlockIndex.Entry genesisEntry;
    private final Set<BlockIndex.IndexSnapshot> snapshots = Collections.newSetFromMap(new ConcurrentHashMap<>());

    ChainLookups(StoreGuard guard, BlockIndex index, BlockLog blocks, SenderBindings bindings, Block genesis,
                 BlockIndex.Entry genesisEntry) {
        this.guard = guard;
        this.index = index;
        this.blocks = blocks;
        this.bindings = bindings;
        this.genesis = genesis;
        this.genesisEntry = genesisEntry;
    }

    /** The entry of the chain's tip. */
    StoredBlock tip() {
        return guard.reading(() -> {
            long height = index.meta().orElseThrow().tip();
            return (height == 0 ? genesisEntry : index.entry(height).orElseThrow(
                    () -> new IOException("the index has no entry for its tip, block " + height))).stored();
        });
    }

    List<StoredBlock> entries(long from, int limit) {
        return guard.reading(() -> {
            List<StoredBlock> entries = new ArrayList<>();
            for (BlockIndex.Entry entry : indexEntries(from, limit, index::entries)) {
                entries.add(entry.stored());
            }
            return entries;
        });
    }

    List<Block> blocks(long from, int limit) {
        return guard.reading(() -> blocks.read(indexEntries(from, limit, index::entries)));
    }

    OptionalLong heightOf(String blockHash) {
        if (blockHash.equals(genesis.hash())) {
            return OptionalLong.of(0);
        }
        byte[] hash = hash(blockHash);
        return hash == null ? OptionalLong.empty() : guard.reading(() -> index.heightOf(hash));
    }

    Map<String, Long> transactionHeights(Collection<String> transactionIds) {
        List<String> wellFormed = new ArrayList<>(transactionIds.size());
        List<byte[]> keys = new ArrayList<>(transactionIds.size());
        for (String id : transactionIds) {
            byte[] key = hash(id);
            if (key != null) {
                wellFormed.add(id);
                keys.add(key);
            }
        }
        if (keys.isEmpty()) {
            return Map.of();
        }
        return guard.reading(() -> {
            List<BlockIndex.Location> locations = index.transactions(keys);
            Map<String, Long> heights = new HashMap<>();
            for (int i = 0; i < locations.size(); i++) {
                if (locations.get(i) != null) {
                    heights.put(wellFormed.get(i), locations.get(i).height());
                }
            }
            return heights;
        });
    }

    Map<String, SenderBinding> bindings(Collection<String> senders) {
        if (senders.isEmpty()) {
            return Map.of();
        }
        return guard.reading(() -> bindings.of(senders));
    }

    Optional<ConfirmedTransaction> transaction(String transactionId) {
        return readPlaced(transactionId, (position, entry) -> {
            List<Transaction> transactions = blocks.read(entry).transactions();
            if (position >= transactions.size() || !transactions.get(position).id().equals(transactionId)) {
                throw new IOException("the index places transaction " + transactionId + " at position " + position
                        + " of block " + entry.height() + ", which holds another");
            }
            return new ConfirmedTransaction(transactions.get(position), entry.height());
        });
    }

    Optional<TransactionLeaves> leaves(String transactionId) {
        return readPlaced(transactionId, (position, entry) -> {
            Optional<List<byte[]>> kept = index.leaves(entry.height());
            List<byte[]> leafHashes = kept.isPresent() ? kept.get()
                    : BlockRecordIndexer.leafHashes(blocks.read(entry));
            if (position >= leafHashes.size()) {
                throw new IOException("the index places transaction " + transactionId + " at position " + position
                        + " of block " + entry.height() + ", which holds " + leafHashes.size());
            }
            return new TransactionLeaves(entry.height(), Hex.encode(entry.hash()), position, leafHashes);
        });
    }

    /** Reads something of a confirmed transaction, given its position in its block and that block's entry. */
    @FunctionalInterface
    private interface PlacedRead<T> {
        T read(int position, BlockIndex.Entry entry) throws IOException;
    }

    /**
     * What {@code read} makes of where the index places the transaction with this id; empty when the
     * chain does not hold it.
     */
    private <T> Optional<T> readPlaced(String transactionId, PlacedRead<T> read) {
        byte[] id = hash(transactionId);
        if (id == null) {
            return Optional.empty();
        }
        return guard.reading(() -> {
            Optional<BlockIndex.Location> location = index.transaction(id);
            if (location.isEmpty()) {
                return Optional.empty();
            }
            long height = location.get().height();
            BlockIndex.Entry entry = index.entry(height).orElseThrow(() -> new IOException(
                    "the index places transaction " + transactionId + " in block " + height + ", which it lacks"));
            return Optional.of(read.read(location.get().position(), entry));
        });
    }

    ChainReader reader() {
        return guard.reading(() -> {
            BlockIndex.IndexSnapshot snapshot = index.snapshot();
            snapshots.add(snapshot);
            try {
                return new SnapshotReader(snapshot, tipOf(snapshot));
            } catch (IOException | RuntimeException e) {
                snapshots.remove(snapshot);
                snapshot.close();
                throw e;
            }
        });
    }

    private ChainTip tipOf(BlockIndex.IndexSnapshot snapshot) throws IOException {
        long height = snapshot.tip();
        BlockIndex.Entry entry = height == 0 ? genesisEntry : snapshot.entries(height, 1).get(0);
        return entry.stored().tip();
    }

    /** Closes the snapshots of readers still open: the store is closing. */
    void closeSnapshots() {
        snapshots.forEach(BlockIndex.IndexSnapshot::close);
        snapshots.clear();
    }

    /** The chain as a snapshot of the index saw it; the log is append-only, so the bytes it points at stay. */
    private final class SnapshotReader implements ChainReader {

        private final BlockIndex.IndexSnapshot snapshot;
        private final ChainTip tip;

        SnapshotReader(BlockIndex.IndexSnapshot snapshot, ChainTip tip) {
            this.snapshot = snapshot;
            this.tip = tip;
        }

        @Override
        public ChainTip tip() {
            return tip;
        }

        @Override
        public List<Block> blocks(long from, int limit) {
            return guard.reading(() -> blocks.read(indexEntries(from, limit, snapshot::entries)));
        }

        /** Releases the snapshot, unless the store has closed and released it already. */
        @Override
        public void close() {
            guard.ifOpen(() -> {
                if (snapshots.remove(snapshot)) {
                    snapshot.close();
                }
            });
        }
    }

    @FunctionalInterface
    private interface EntrySource {
        List<BlockIndex.Entry> entries(long from, int limit) throws IOException;
    }

    /** Entries from height {@code from}, the genesis block's (which is not in the log) included. */
    private List<BlockIndex.Entry> indexEntries(long from, int limit, EntrySource source) throws IOException {
        if (from < 0 || limit <= 0) {
            return List.of();
        }
        if (from > 0) {
            return source.entries(from, limit);
        }
        List<BlockIndex.Entry> entries = new ArrayList<>(List.of(genesisEntry));
        entries.addAll(source.entries(1, limit - 1));
        return entries;
    }

    /** The 32 bytes of a hash in lowercase hex, or null for anything else (which no block or transaction has). */
    private static byte[] hash(String hex) {
        return Hex.isHash(hex) ? Hex.decode32(hex) : null;
    }
}
