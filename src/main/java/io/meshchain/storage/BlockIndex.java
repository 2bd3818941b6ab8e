package io.meshchain.storage;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.NativeLibraryLoader;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import org.springframework.util.FileSystemUtils;

/**
 * What the ledger looks up, kept on disk in RocksDB: for every height of the chain its block's hash,
 * timestamp, proof, cumulative work and where its bytes lie in the block log; block hash to height;
 * transaction id to height and position in its block. It holds the canonical chain only: blocks a
 * reorganisation abandoned are removed from it (their bytes stay in the block log).
 * <p>
 * The index is derived from the block log and may lag it: {@link Meta#logEnd()} says how far into
 * the log it is up to date, and whatever follows is replayed into it at start. Its writes are
 * therefore not forced to disk; RocksDB's write-ahead log still makes each batch atomic and keeps
 * it across a crash of the process. Memory is bounded: one block cache shared by every column
 * family, holding index and filter blocks too, with the memtables charged to it.
 */
final class BlockIndex implements Closeable {

    /** Layout of keys and values; a directory written with another is rebuilt from the block log. */
    static final int FORMAT = 1;
    /** The block cache, which also holds index and filter blocks and is charged with the memtables. */
    static final long CACHE_BYTES = 32L * 1024 * 1024;
    /** Memtables of all column families together, inside {@link #CACHE_BYTES}. */
    static final long MEMTABLE_BYTES = 16L * 1024 * 1024;
    private static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;
    private static final int BLOOM_BITS_PER_KEY = 10;
    /**
     * Blocks of at least this many transactions have their leaf hashes kept, so that a proof reads
     * 32 bytes a transaction instead of the block. A smaller block is read about as fast as its
     * hashes, and a chain of small blocks, the common case, would pay for the copy in every write.
     */
    static final int LEAVES_FROM = 16;
    /** Share of a memtable given to its bloom filter, where lookups are by whole key. */
    private static final double MEMTABLE_BLOOM_RATIO = 0.1;
    private static final int HASH_BYTES = 32;

    private static final byte[] FORMAT_KEY = key("format");
    private static final byte[] GENESIS_KEY = key("genesis");
    private static final byte[] TIP_KEY = key("tip");
    private static final byte[] LOG_END_KEY = key("log-end");
    /** Present from the start of a rebuild until the ledger has checked every block against the new index. */
    private static final byte[] FULL_CHECK_KEY = key("full-check-due");
    private static final byte[] PROBE_KEY = key("probe");

    static {
        loadNativeLibrary();
    }

    /**
     * Loads RocksDB's native library (from {@code java.library.path} when it is there, else from the
     * jar) without leaving a copy behind. RocksDB's own loader extracts it to a new temporary file at
     * every start and deletes it only when the JVM exits normally: a node killed or crash-looping
     * would leave 15 MB in {@code /tmp} each time. Here it is extracted into a directory of its own,
     * which is deleted as soon as the library is loaded (the loaded copy stays mapped).
     */
    private static void loadNativeLibrary() {
        Path extracted = null;
        try {
            extracted = Files.createTempDirectory("meshchain-rocksdb");
            NativeLibraryLoader.getInstance().loadLibrary(extracted.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot load RocksDB's native library: " + e.getMessage(), e);
        } finally {
            if (extracted != null) {
                FileSystemUtils.deleteRecursively(extracted.toFile());
            }
        }
        RocksDB.loadLibrary();
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

    /**
     * What the index covers.
     *
     * @param format  the layout it was written with
     * @param genesis the genesis hash of the network its chain belongs to
     * @param tip     the height of its chain's tip
     * @param logEnd  the offset in the block log up to which it is up to date
     */
    record Meta(int format, byte[] genesis, long tip, long logEnd) {
    }

    private final Path directory;
    private final LRUCache cache;
    private final WriteBufferManager memtables;
    private final BloomFilter bloom;
    private final List<ColumnFamilyOptions> familyOptions = new ArrayList<>();
    private final DBOptions options;
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
        this.cache = new LRUCache(CACHE_BYTES);
        this.memtables = new WriteBufferManager(MEMTABLE_BYTES, cache);
        this.bloom = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        this.options = databaseOptions(memtables);
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, family(CompressionType.NO_COMPRESSION, false)),
                new ColumnFamilyDescriptor(key("heights"), family(CompressionType.LZ4_COMPRESSION, false)),
                // Hashes and ids are random: they do not compress. Most lookups of them miss (a new
                // transaction, a block not yet seen): a bloom filter on the memtable too answers those
                // without searching it (a miss here went from 6.9 to 4.4 us).
                new ColumnFamilyDescriptor(key("hashes"), family(CompressionType.NO_COMPRESSION, true)),
                new ColumnFamilyDescriptor(key("transactions"), family(CompressionType.NO_COMPRESSION, true)),
                // Sender names bound to keys: added with signed transactions; an index without it gets it
                // empty, which is right, since no chain before held a signed transaction.
                new ColumnFamilyDescriptor(key("senders"), family(CompressionType.NO_COMPRESSION, true)),
                // The leaf hashes of blocks of many transactions, by height: an inclusion proof is built
                // from them without reading the block. Added with proofs; older blocks have none there,
                // and their proofs read the block, which is right, if slower.
                new ColumnFamilyDescriptor(key("leaves"), family(CompressionType.NO_COMPRESSION, false)));
        try {
            Files.createDirectories(directory);
            this.db = RocksDB.open(options, directory.toString(), families, handles);
        } catch (RocksDBException e) {
            closeOptions();
            throw new IOException("cannot open the index in " + directory + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeOptions();
            throw e;
        }
        this.meta = handles.get(0);
        this.heights = handles.get(1);
        this.hashes = handles.get(2);
        this.transactions = handles.get(3);
        this.senders = handles.get(4);
        this.leaves = handles.get(5);
    }

    private ColumnFamilyOptions family(CompressionType compression, boolean pointLookups) {
        ColumnFamilyOptions family = columnFamilyOptions(cache, bloom, compression);
        if (pointLookups) {
            family.setMemtableWholeKeyFiltering(true).setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
        }
        familyOptions.add(family);
        return family;
    }

    /**
     * The database's options: its write buffers charged to {@code memtables}, two background jobs, a
     * small log of warnings only. Package-private so that benchmarks set up RocksDB as the index does.
     */
    static DBOptions databaseOptions(WriteBufferManager memtables) {
        return new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(memtables)
                .setMaxBackgroundJobs(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                .setMaxLogFileSize(1024 * 1024)
                .setStatsDumpPeriodSec(0);
    }

    /**
     * A column family's options, tables in {@code cache} with {@code bloom} filters. Index and filter
     * blocks live in the cache, cut into small partitions, so that a lookup in a large index loads a
     * few kilobytes of them, not a whole table's worth into a small cache.
     */
    static ColumnFamilyOptions columnFamilyOptions(Cache cache, Filter bloom, CompressionType compression) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(4096)
                .setFilterPolicy(bloom);
        return new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(2)
                .setCompressionType(compression);
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
            db.put(meta, writeOptions, PROBE_KEY, new byte[Long.BYTES]);
            db.delete(meta, writeOptions, PROBE_KEY);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** True from the start of a rebuild until the ledger has checked every block against the index. */
    boolean fullCheckDue() throws IOException {
        return get(meta, null, FULL_CHECK_KEY) != null;
    }

    /** Records whether every block must still be checked against this index before it is trusted. */
    void fullCheckDue(boolean due) throws IOException {
        try {
            if (due) {
                db.put(meta, writeOptions, FULL_CHECK_KEY, new byte[0]);
            } else {
                db.delete(meta, writeOptions, FULL_CHECK_KEY);
            }
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** What the index covers; empty for an index just created. */
    Optional<Meta> meta() throws IOException {
        byte[] format = get(meta, null, FORMAT_KEY);
        if (format == null) {
            return Optional.empty();
        }
        return Optional.of(new Meta(ByteBuffer.wrap(format).getInt(), get(meta, null, GENESIS_KEY),
                ByteBuffer.wrap(get(meta, null, TIP_KEY)).getLong(),
                ByteBuffer.wrap(get(meta, null, LOG_END_KEY)).getLong()));
    }

    Optional<Entry> entry(long height) throws IOException {
        return entry(height, null);
    }

    private Optional<Entry> entry(long height, ReadOptions read) throws IOException {
        byte[] value = get(heights, read, height(height));
        return value == null ? Optional.empty() : Optional.of(decodeEntry(height, value));
    }

    /** Entries of heights {@code from} and up, in order, at most {@code limit}; fewer where the chain ends. */
    List<Entry> entries(long from, int limit) throws IOException {
        return entries(from, limit, null);
    }

    private List<Entry> entries(long from, int limit, ReadOptions read) throws IOException {
        List<Entry> entries = new ArrayList<>(Math.min(limit, 1024));
        try (RocksIterator iterator = read == null ? db.newIterator(heights) : db.newIterator(heights, read)) {
            long expected = from;
            for (iterator.seek(height(from)); iterator.isValid() && entries.size() < limit; iterator.next()) {
                long height = ByteBuffer.wrap(iterator.key()).getLong();
                if (height != expected) {
                    break;
                }
                entries.add(decodeEntry(height, iterator.value()));
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
        return value == null ? OptionalLong.empty() : OptionalLong.of(ByteBuffer.wrap(value).getLong());
    }

    /** The leaf hashes of the block at {@code height}, where the index keeps them ({@link #LEAVES_FROM}). */
    Optional<List<byte[]>> leaves(long height) throws IOException {
        byte[] value = get(leaves, null, height(height));
        if (value == null) {
            return Optional.empty();
        }
        List<byte[]> hashes = new ArrayList<>(value.length / 32);
        for (int offset = 0; offset < value.length; offset += 32) {
            hashes.add(Arrays.copyOfRange(value, offset, offset + 32));
        }
        return Optional.of(hashes);
    }

    Optional<Location> transaction(byte[] id) throws IOException {
        byte[] value = get(transactions, null, id);
        return value == null ? Optional.empty() : Optional.of(location(value));
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
            locations.add(value == null ? null : location(value));
        }
        return locations;
    }

    /** The bindings of those of {@code names} that are bound, looked up together. */
    Map<String, Binding> bindings(Collection<String> names) throws IOException {
        List<String> ordered = List.copyOf(names);
        List<byte[]> values;
        try {
            values = db.multiGetAsList(Collections.nCopies(ordered.size(), senders),
                    ordered.stream().map(BlockIndex::name).toList());
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
        Map<String, Binding> bound = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            if (values.get(i) != null) {
                ByteBuffer value = ByteBuffer.wrap(values.get(i));
                byte[] key = new byte[32];
                value.get(key);
                bound.put(ordered.get(i), new Binding(key, value.getLong()));
            }
        }
        return bound;
    }

    private static byte[] name(String sender) {
        return sender.getBytes(StandardCharsets.UTF_8);
    }

    private static Location location(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return new Location(buffer.getLong(), buffer.getInt());
    }

    /** A consistent view of the index as it is now, unaffected by later writes; close it after use. */
    View view() {
        return new View();
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
                batch.delete(heights, height(entry.height()));
                batch.delete(leaves, height(entry.height()));
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
         * the hashes of its tree's leaves, kept when there are {@link #LEAVES_FROM} or more.
         */
        void put(Entry entry, List<byte[]> transactionIds, List<byte[]> leafHashes) throws IOException {
            try {
                batch.put(heights, height(entry.height()), encodeEntry(entry));
                if (leafHashes.size() >= LEAVES_FROM) {
                    ByteBuffer value = ByteBuffer.allocate(32 * leafHashes.size());
                    leafHashes.forEach(value::put);
                    batch.put(leaves, height(entry.height()), value.array());
                }
                batch.put(hashes, entry.hash(), height(entry.height()));
                for (int position = 0; position < transactionIds.size(); position++) {
                    batch.put(transactions, transactionIds.get(position),
                            ByteBuffer.allocate(Long.BYTES + Integer.BYTES).putLong(entry.height()).putInt(position)
                                    .array());
                }
            } catch (RocksDBException e) {
                throw failure("prepare", e);
            }
        }

        /** Binds {@code sender} to {@code publicKey} from the block at {@code height} on. */
        void bind(String sender, byte[] publicKey, long height) throws IOException {
            try {
                batch.put(senders, name(sender), ByteBuffer.allocate(32 + Long.BYTES).put(publicKey).putLong(height)
                        .array());
            } catch (RocksDBException e) {
                throw failure("prepare", e);
            }
        }

        /** Undoes {@code sender}'s binding: the block that made it left the chain. */
        void unbind(String sender) throws IOException {
            try {
                batch.delete(senders, name(sender));
            } catch (RocksDBException e) {
                throw failure("prepare", e);
            }
        }

        /** Records what the index covers once this batch is applied. */
        void meta(byte[] genesis, long tip, long logEnd) throws IOException {
            try {
                batch.put(meta, FORMAT_KEY, ByteBuffer.allocate(Integer.BYTES).putInt(FORMAT).array());
                batch.put(meta, GENESIS_KEY, genesis);
                batch.put(meta, TIP_KEY, height(tip));
                batch.put(meta, LOG_END_KEY, height(logEnd));
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

    /** The index as it was when the view was taken. */
    final class View implements AutoCloseable {

        private final Snapshot snapshot = db.getSnapshot();
        private final ReadOptions read = new ReadOptions().setSnapshot(snapshot);

        /** The height of the chain's tip as the view sees it. */
        long tip() throws IOException {
            byte[] tip = get(meta, read, TIP_KEY);
            return tip == null ? 0 : ByteBuffer.wrap(tip).getLong();
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

    private static byte[] key(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** Heights are keys in big-endian order, so that the chain is stored in order. */
    private static byte[] height(long height) {
        return ByteBuffer.allocate(Long.BYTES).putLong(height).array();
    }

    static byte[] encodeEntry(Entry entry) {
        byte[] work = entry.totalWork().toByteArray();
        return ByteBuffer.allocate(HASH_BYTES + 3 * Long.BYTES + 2 * Integer.BYTES + work.length)
                .put(entry.hash()).putLong(entry.timestamp()).putLong(entry.proof())
                .putLong(entry.offset()).putInt(entry.length()).putInt(entry.crc())
                .put(work).array();
    }

    static Entry decodeEntry(long height, byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        byte[] hash = new byte[HASH_BYTES];
        buffer.get(hash);
        long timestamp = buffer.getLong();
        long proof = buffer.getLong();
        long offset = buffer.getLong();
        int length = buffer.getInt();
        int crc = buffer.getInt();
        BigInteger work = new BigInteger(Arrays.copyOfRange(value, buffer.position(), value.length));
        return new Entry(height, hash, timestamp, proof, work, offset, length, crc);
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        writeOptions.close();
        closeOptions();
    }

    private void closeOptions() {
        options.close();
        familyOptions.forEach(ColumnFamilyOptions::close);
        bloom.close();
        memtables.close();
        cache.close();
    }
}
