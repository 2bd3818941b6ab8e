package io.meshchain.storage;

import io.meshchain.crypto.Hex;
import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.springframework.util.FileSystemUtils;

/**
 * What the ledger looks up, kept on disk in RocksDB: for every height of the chain its block's hash,
 * timestamp, proof, cumulative work and where its bytes lie in the block log; block hash to height;
 * transaction id to height and position in its block. It holds the canonical chain only: blocks a
 * reorganisation abandoned are removed from it (their bytes stay in the block log).
 * <p>
 * This class is the engine: it opens the database and reads and writes it. How RocksDB is tuned is
 * {@link IndexOptions}; its column families and encodings, {@link IndexSchema}; what the index
 * covers, {@link IndexFormat}; loading the native library, {@link RocksDbLibrary}.
 * <p>
 * The index is derived from the block log and may lag it: {@link IndexFormat.Meta#logEnd()} says how
 * far into the log it is up to date, and whatever follows is replayed into it at start. Its writes
 * are therefore not forced to disk; RocksDB's write-ahead log still makes each batch atomic and
 * keeps it across a crash of the process.
 */
final class BlockIndex implements Closeable {

    static {
        RocksDbLibrary.load();
    }

    /**
     * A block of the chain as the index knows it.
     *
     * @param height    its index in the chain
     * @param hash      its hash, 32 bytes
     * @param timestamp its timestamp
     * @param proof     its proof
     * @param totalWork the work of the chain up to and including it
     * @param offset    where its bytes start in the block log
     * @param length    how many bytes it takes there
     * @param crc       CRC32C of those bytes, checked when they are read back
     */
    record Entry(long height, byte[] hash, long timestamp, long proof, BigInteger totalWork, long offset, int length,
                 int crc) {

        /** The genesis block's entry, which the index does not hold: the block is not in the log. */
        static Entry genesis(Block genesis) {
            return new Entry(0, Hex.decode32(genesis.hash()), genesis.timestamp(), genesis.proof(),
                    Difficulty.work(genesis.difficulty()), 0, 0, 0);
        }

        /** The entry as the ledger knows it. */
        StoredBlock stored() {
            return new StoredBlock(height, Hex.encode(hash), timestamp, proof, totalWork);
        }
    }

    /**
     * A sender name bound to the key of its first confirmed signed transaction.
     *
     * @param publicKey the key, 32 bytes
     * @param height    the height of the block that bound it
     */
    record Binding(byte[] publicKey, long height) {
    }

    /**
     * A transaction's place in the chain.
     *
     * @param height   its block's height
     * @param position its position among the block's transactions
     */
    record Location(long height, int position) {
    }

    private final Path directory;
    private final IndexOptions options;
    private final WriteOptions writeOptions = new WriteOptions().setSync(false);
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle heights;
    private final ColumnFamilyHandle hashes;
    private final ColumnFamilyHandle transactions;
    private final ColumnFamilyHandle senders;
    private final ColumnFamilyHandle leaves;

    private BlockIndex(Path directory) throws IOException {
        this.directory = directory;
        this.options = new IndexOptions();
        try {
            Files.createDirectories(directory);
            this.db = RocksDB.open(options.database(), directory.toString(), IndexSchema.families(options), handles);
        } catch (RocksDBException e) {
            options.close();
            throw new IOException("cannot open the index in " + directory + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            options.close();
            throw e;
        }
        this.meta = handles.get(IndexSchema.META);
        this.heights = handles.get(IndexSchema.HEIGHTS);
        this.hashes = handles.get(IndexSchema.HASHES);
        this.transactions = handles.get(IndexSchema.TRANSACTIONS);
        this.senders = handles.get(IndexSchema.SENDERS);
        this.leaves = handles.get(IndexSchema.LEAVES);
    }

    /** Opens the index in {@code directory}, creating an empty one there if there is none. */
    static BlockIndex open(Path directory) throws IOException {
        return new BlockIndex(directory);
    }

    /** Deletes the index in {@code directory}, so that it can be built again from the block log. */
    static void destroy(Path directory) throws IOException {
        try (Options options = new Options()) {
            RocksDB.destroyDB(directory.toString(), options);
        } catch (RocksDBException e) {
            // A damaged index may not be readable as a database at all: its files go all the same, below.
        }
        FileSystemUtils.deleteRecursively(directory);
    }

    /** Writes and deletes a small key: fails while the database cannot take writes. */
    void probe() throws IOException {
        try {
            db.put(meta, writeOptions, IndexFormat.PROBE_KEY, new byte[Long.BYTES]);
            db.delete(meta, writeOptions, IndexFormat.PROBE_KEY);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** True from the start of a rebuild until the ledger has checked every block against the index. */
    boolean fullCheckDue() throws IOException {
        return get(meta, null, IndexFormat.FULL_CHECK_KEY) != null;
    }

    /** Records whether every block must still be checked against this index before it is trusted. */
    void fullCheckDue(boolean due) throws IOException {
        try {
            if (due) {
                db.put(meta, writeOptions, IndexFormat.FULL_CHECK_KEY, new byte[0]);
            } else {
                db.delete(meta, writeOptions, IndexFormat.FULL_CHECK_KEY);
            }
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** What the index covers; empty for an index just created. */
    Optional<IndexFormat.Meta> meta() throws IOException {
        return IndexFormat.read(key -> get(meta, null, key));
    }

    Optional<Entry> entry(long height) throws IOException {
        byte[] value = get(heights, null, IndexSchema.height(height));
        return value == null ? Optional.empty() : Optional.of(IndexSchema.decodeEntry(height, value));
    }

    /** Entries of heights {@code from} and up, in order, at most {@code limit}; fewer where the chain ends. */
    List<Entry> entries(long from, int limit) throws IOException {
        return entries(from, limit, null);
    }

    private List<Entry> entries(long from, int limit, ReadOptions read) throws IOException {
        List<Entry> entries = new ArrayList<>(Math.min(limit, 1024));
        try (RocksIterator iterator = read == null ? db.newIterator(heights) : db.newIterator(heights, read)) {
            long expected = from;
            for (iterator.seek(IndexSchema.height(from)); iterator.isValid() && entries.size() < limit;
                 iterator.next()) {
                long height = IndexSchema.decodeHeight(iterator.key());
                if (height != expected) {
                    break;
                }
                entries.add(IndexSchema.decodeEntry(height, iterator.value()));
                expected++;
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
        return entries;
    }

    OptionalLong heightOf(byte[] hash) throws IOException {
        byte[] value = get(hashes, null, hash);
        return value == null ? OptionalLong.empty() : OptionalLong.of(IndexSchema.decodeHeight(value));
    }

    /** The leaf hashes of the block at {@code height}, where the index keeps them ({@link IndexSchema#LEAVES_FROM}). */
    Optional<List<byte[]>> leaves(long height) throws IOException {
        byte[] value = get(leaves, null, IndexSchema.height(height));
        return value == null ? Optional.empty() : Optional.of(IndexSchema.decodeLeaves(value));
    }

    Optional<Location> transaction(byte[] id) throws IOException {
        byte[] value = get(transactions, null, id);
        return value == null ? Optional.empty() : Optional.of(IndexSchema.decodeLocation(value));
    }

    /**
     * Where each of {@code ids} is in the chain, in order, null for those the chain does not hold: one
     * call into RocksDB for many keys, which costs a lookup about half as much as one at a time.
     */
    List<Location> transactions(List<byte[]> ids) throws IOException {
        List<byte[]> values;
        try {
            values = db.multiGetAsList(Collections.nCopies(ids.size(), transactions), ids);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
        List<Location> locations = new ArrayList<>(values.size());
        for (byte[] value : values) {
            locations.add(value == null ? null : IndexSchema.decodeLocation(value));
        }
        return locations;
    }

    /** The bindings of those of {@code names} that are bound, looked up together. */
    Map<String, Binding> bindings(Collection<String> names) throws IOException {
        List<String> ordered = List.copyOf(names);
        List<byte[]> values;
        try {
            values = db.multiGetAsList(Collections.nCopies(ordered.size(), senders),
                    ordered.stream().map(IndexSchema::sender).toList());
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
        Map<String, Binding> bound = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            if (values.get(i) != null) {
                bound.put(ordered.get(i), IndexSchema.decodeBinding(values.get(i)));
            }
        }
        return bound;
    }

    /** A consistent snapshot of the index as it is now, unaffected by later writes; close it after use. */
    IndexSnapshot snapshot() {
        return new IndexSnapshot();
    }

    /** Starts a set of changes that {@link Batch#commit()} applies atomically. */
    Batch batch() {
        return new Batch();
    }

    /** Writes the memtables to table files, so that the index is on disk without its write-ahead log. */
    void flush() throws IOException {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
        } catch (RocksDBException e) {
            throw failure("flush", e);
        }
    }

    /** Changes applied together or not at all. */
    final class Batch implements AutoCloseable {

        private final WriteBatch batch = new WriteBatch();

        /** Removes a block that leaves the chain and its transactions, given their ids. */
        void remove(Entry entry, List<byte[]> transactionIds) throws IOException {
            try {
                batch.delete(heights, IndexSchema.height(entry.height()));
                batch.delete(leaves, IndexSchema.height(entry.height()));
                batch.delete(hashes, entry.hash());
                for (byte[] id : transactionIds) {
                    batch.delete(transactions, id);
                }
            } catch (RocksDBException e) {
                throw failure("prepare", e);
            }
        }

        /**
         * Puts a block that joins the chain and its transactions, given their ids in block order, and
         * the hashes of its tree's leaves, kept when there are {@link IndexSchema#LEAVES_FROM} or more.
         */
        void put(Entry entry, List<byte[]> transactionIds, List<byte[]> leafHashes) throws IOException {
            try {
                batch.put(heights, IndexSchema.height(entry.height()), IndexSchema.encodeEntry(entry));
                if (leafHashes.size() >= IndexSchema.LEAVES_FROM) {
                    batch.put(leaves, IndexSchema.height(entry.height()), IndexSchema.encodeLeaves(leafHashes));
                }
                batch.put(hashes, entry.hash(), IndexSchema.height(entry.height()));
                for (int position = 0; position < transactionIds.size(); position++) {
                    batch.put(transactions, transactionIds.get(position),
                            IndexSchema.encodeLocation(entry.height(), position));
                }
            } catch (RocksDBException e) {
                throw failure("prepare", e);
            }
        }

        /** Binds {@code sender} to {@code publicKey} from the block at {@code height} on. */
        void bind(String sender, byte[] publicKey, long height) throws IOException {
            try {
                batch.put(senders, IndexSchema.sender(sender), IndexSchema.encodeBinding(publicKey, height));
            } catch (RocksDBException e) {
                throw failure("prepare", e);
            }
        }

        /** Undoes {@code sender}'s binding: the block that made it left the chain. */
        void unbind(String sender) throws IOException {
            try {
                batch.delete(senders, IndexSchema.sender(sender));
            } catch (RocksDBException e) {
                throw failure("prepare", e);
            }
        }

        /** Records what the index covers once this batch is applied ({@link IndexFormat}). */
        void meta(byte[] genesis, long tip, long logEnd) throws IOException {
            try {
                batch.put(meta, IndexFormat.FORMAT_KEY, IndexFormat.version());
                batch.put(meta, IndexFormat.GENESIS_KEY, genesis);
                batch.put(meta, IndexFormat.TIP_KEY, IndexSchema.height(tip));
                batch.put(meta, IndexFormat.LOG_END_KEY, IndexSchema.height(logEnd));
            } catch (RocksDBException e) {
                throw failure("prepare", e);
            }
        }

        void commit() throws IOException {
            try (batch) {
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw failure("write", e);
            }
        }

        /** Frees the batch; one given up before {@link #commit()} writes nothing. */
        @Override
        public void close() {
            batch.close();
        }
    }

    /** The index as it was when the snapshot was taken: a RocksDB snapshot and the reads made at it. */
    final class IndexSnapshot implements AutoCloseable {

        private final Snapshot snapshot = db.getSnapshot();
        private final ReadOptions read = new ReadOptions().setSnapshot(snapshot);

        /** The height of the chain's tip as the snapshot sees it. */
        long tip() throws IOException {
            return IndexFormat.tip(get(meta, read, IndexFormat.TIP_KEY));
        }

        List<Entry> entries(long from, int limit) throws IOException {
            return BlockIndex.this.entries(from, limit, read);
        }

        @Override
        public void close() {
            read.close();
            db.releaseSnapshot(snapshot);
        }
    }

    private byte[] get(ColumnFamilyHandle family, ReadOptions read, byte[] key) throws IOException {
        try {
            return read == null ? db.get(family, key) : db.get(family, read, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    private IOException failure(String what, RocksDBException e) {
        return new IOException("cannot " + what + " the index in " + directory + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        writeOptions.close();
        options.close();
    }
}
