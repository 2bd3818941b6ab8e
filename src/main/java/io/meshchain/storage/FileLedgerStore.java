package io.meshchain.storage;

import io.meshchain.crypto.Hex;
import io.meshchain.crypto.MerkleTree;
import io.meshchain.crypto.Signatures;
import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ConfirmedTransaction;
import io.meshchain.ledger.LedgerStore;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.SenderBinding;
import io.meshchain.ledger.StorageException;
import io.meshchain.ledger.StoredChainInvalidException;
import io.meshchain.ledger.StoredLedger;
import io.meshchain.ledger.TransactionLeaves;
import io.meshchain.pow.Difficulty;
import io.meshchain.pow.Hashes;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.ConfigurationException;
import io.meshchain.system.MeshchainProperties;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The ledger's store on disk, in the directory {@code meshchain.storage.path}: {@value #BLOCKS_FILE}
 * holds the chain as records of blocks, appended and never rewritten (as Bitcoin Core keeps its
 * block files); {@value #INDEX_DIRECTORY}/ indexes it ({@link BlockIndex}); {@value #PENDING_FILE}
 * journals every transaction that entered the pool. A transaction's removal from the pool needs no
 * record: recovery drops every pending transaction the chain holds.
 * <p>
 * A block record means "from this height on, the chain is these blocks": a plain append, or a whole
 * reorganisation in one record. The record is forced first and indexed after, so the index may lag
 * the log but never point past its end ({@link #putBlocks}). At start the store checks the index against the log where they meet (the
 * index's tip must be in the log, byte for byte) and replays into the index only the records after
 * the point it covers: start-up reads the tail, not the chain. An index that is missing (a directory
 * written by an earlier version) or disagrees with the log (a damaged or foreign index) is built
 * again from the log, once, with a log line saying so.
 * <p>
 * When a write fails (a full disk), the change is refused, the node reports itself not ready, and
 * it becomes ready again with the next write that succeeds. What was written before is untouched.
 */
@Component
class FileLedgerStore implements LedgerStore, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FileLedgerStore.class);

    static final String BLOCKS_FILE = "blocks.log";
    static final String PENDING_FILE = "pending.log";
    static final String INDEX_DIRECTORY = "index";
    /** Held locked while the node runs, so two nodes never write one directory. */
    static final String LOCK_FILE = "node.lock";
    static final String PROPERTY = "meshchain.storage.path";
    /** The pool's journal is rewritten once it holds this many records more than twice the live pool. */
    static final int COMPACTION_MIN_RECORDS = 10_000;
    /** Size of the test write made while storage is failing. */
    static final int PROBE_BYTES = 4096;
    /** While the index is rebuilt, progress is logged every this many blocks. */
    private static final long REBUILD_PROGRESS_BLOCKS = 100_000;

    private final Path directory;
    private final boolean fsync;
    private final RecordLog.ChannelOpener opener;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final FileLock lock;
    private final List<byte[]> journal;
    private final long journalDroppedBytes;
    private final AtomicLong pendingRecords = new AtomicLong();
    /** Guards the files and the index against use after {@link #destroy()}: native handles must not be. */
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    /** Publishes readiness changes, one at a time and in order, away from the caller's locks. */
    private final ExecutorService readiness = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "storage-readiness");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<BlockIndex.IndexSnapshot> views = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private volatile RecordLog pending;
    private volatile RecordLog blocks;
    private FileChannel blockReader;
    private BlockIndex index;
    private Block genesis;
    private BlockIndex.Entry genesisEntry;
    private volatile StorageStatus.Recovery recovery = new StorageStatus.Recovery(0, 0, 0, 0, false);
    private volatile long lastWrite;
    private volatile String failure;
    private boolean closed;

    @Autowired
    FileLedgerStore(MeshchainProperties properties, ApplicationEventPublisher events, Clock clock) {
        this(properties.storage().path(), properties.storage().fsync(), FileChannel::open, events, clock);
    }

    FileLedgerStore(Path directory, boolean fsync, RecordLog.ChannelOpener opener, ApplicationEventPublisher events,
                    Clock clock) {
        this.directory = directory.toAbsolutePath().normalize();
        this.fsync = fsync;
        this.opener = opener;
        this.events = events;
        this.clock = clock;
        checkWritable(this.directory);
        this.lock = lock(this.directory);
        try {
            RecordLog.Opened pendingLog = RecordLog.open(this.directory.resolve(PENDING_FILE), fsync, opener);
            this.pending = pendingLog.log();
            this.journal = pendingLog.records();
            this.journalDroppedBytes = pendingLog.droppedBytes();
        } catch (IOException e) {
            release(lock);
            throw unreadable(e);
        }
    }

    private ConfigurationException unreadable(IOException e) {
        return new ConfigurationException(PROPERTY, "cannot read the ledger in " + directory + ": " + e.getMessage()
                + " (the files were left as they are)", e);
    }

    private static void checkWritable(Path directory) {
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ConfigurationException(PROPERTY, "cannot create or write the data directory " + directory
                    + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static FileLock lock(Path directory) {
        FileLock lock;
        try {
            FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
            }
        } catch (IOException e) {
            throw new ConfigurationException(PROPERTY, "cannot lock " + directory + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            throw new ConfigurationException(PROPERTY, directory + " is in use by another running node; "
                    + "give each node its own data directory");
        }
        return lock;
    }

    private static void release(FileLock lock) {
        try {
            lock.channel().close();
        } catch (IOException e) {
            log.warn("Could not release {}: {}", LOCK_FILE, e.getMessage());
        }
    }

    // ---- opening ------------------------------------------------------------------------------

    @Override
    public StoredLedger open(Block genesis) {
        this.genesis = genesis;
        this.genesisEntry = new BlockIndex.Entry(0, Hex.decode32(genesis.hash()), genesis.timestamp(), genesis.proof(),
                Difficulty.work(genesis.difficulty()), 0, 0, 0);
        Path blocksFile = directory.resolve(BLOCKS_FILE);
        List<PendingTransaction> abandoned = new ArrayList<>();
        Replay replay;
        String rebuild;
        Path indexDirectory = directory.resolve(INDEX_DIRECTORY);
        try {
            blockReader = opener.open(blocksFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            String unopenable = null;
            try {
                index = BlockIndex.open(indexDirectory);
            } catch (IOException e) {
                // The block log is the record; an index RocksDB cannot open is built again from it.
                unopenable = "the index cannot be opened (" + e.getMessage() + ")";
            }
            rebuild = index == null ? unopenable : reasonToRebuild(blocksFile);
            if (rebuild != null) {
                log.warn("Building the index of {} from the block log, once: {}", directory, rebuild);
                if (index != null) {
                    index.close();
                    index = null;
                }
                BlockIndex.destroy(indexDirectory);
                index = BlockIndex.open(indexDirectory);
                index.fullCheckDue(true);
            }
            long from = index.meta().map(IndexFormat.Meta::logEnd).orElse(RecordLog.FIRST_RECORD);
            replay = new Replay(abandoned, rebuild != null);
            RecordLog.Opened opened = RecordLog.open(blocksFile, fsync, opener, from, replay);
            blocks = opened.log();
            if (index.meta().isEmpty()) {
                try (BlockIndex.Batch batch = index.batch()) {
                    batch.meta(genesisEntry.hash(), 0, RecordLog.FIRST_RECORD);
                    batch.commit();
                }
            }
            if (rebuild != null) {
                index.flush();
                log.info("Index of {} built: {} blocks from {} records of the block log", directory,
                        replay.tip, replay.records);
            }
            long tipHeight = index.meta().orElseThrow().tip();
            recovery = new StorageStatus.Recovery(tipHeight, 0, replay.records,
                    opened.droppedBytes() + journalDroppedBytes, rebuild != null);
        } catch (IOException e) {
            closeQuietly();
            throw unreadable(e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        List<PendingTransaction> pool = journal(abandoned);
        journal.clear();
        recovery = new StorageStatus.Recovery(recovery.blocks(), pool.size(), recovery.tailRecords(),
                recovery.droppedBytes(), recovery.rebuilt());
        log.info("Opened the ledger in {}: {} blocks ({} log records replayed into the index), {} pending transaction "
                        + "records{}", directory, recovery.blocks(), recovery.tailRecords(), recovery.pendingRecords(),
                recovery.droppedBytes() > 0 ? ", dropping " + recovery.droppedBytes() + " torn bytes" : "");
        return new StoredLedger(tipEntry(), pool, fullCheckDue());
    }

    private boolean fullCheckDue() {
        try {
            return index.fullCheckDue();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public void fullCheckPassed() {
        open.readLock().lock();
        try {
            if (closed) {
                throw new StorageException("the ledger's store in " + directory + " is closed", null);
            }
            index.fullCheckDue(false);
        } catch (IOException e) {
            throw new StorageException("cannot record the full check in " + directory + ": " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
    }

    /**
     * Why the index must be built again from the block log, or null when it agrees with the log
     * where they meet: its tip's bytes are in the log and have the checksum it recorded.
     *
     * @throws StoredChainInvalidException when the index is of another network's chain
     */
    private String reasonToRebuild(Path blocksFile) throws IOException {
        Optional<IndexFormat.Meta> meta = index.meta();
        long logSize = Files.size(blocksFile);
        if (meta.isEmpty()) {
            return logSize > RecordLog.FIRST_RECORD
                    ? BLOCKS_FILE + " was written by an earlier version of meshchain, which kept no index"
                    : null;
        }
        IndexFormat.Meta covered = meta.get();
        if (covered.format() != IndexFormat.VERSION) {
            return "the index has layout " + covered.format() + ", this version writes " + IndexFormat.VERSION;
        }
        if (!Arrays.equals(covered.genesis(), genesisEntry.hash())) {
            if (covered.tip() > 0) {
                throw new StoredChainInvalidException("the stored chain grows from genesis block "
                        + Hex.encode(covered.genesis()) + ", but this node's settings give genesis block "
                        + genesis.hash() + ": it was written with other network settings, such as another difficulty, "
                        + "or by a version of meshchain before block header version 2 (whose transactions root was not "
                        + "a Merkle tree); start the node on an empty data directory to join this network");
            }
            return null; // no block yet: the chain is this network's from now on
        }
        if (covered.logEnd() > logSize) {
            return "the index covers " + covered.logEnd() + " bytes of " + BLOCKS_FILE + ", which has " + logSize;
        }
        if (covered.tip() == 0) {
            return null;
        }
        Optional<BlockIndex.Entry> tip = index.entry(covered.tip());
        if (tip.isEmpty()) {
            return "the index has no entry for its tip, block " + covered.tip();
        }
        BlockIndex.Entry entry = tip.get();
        if (entry.offset() + entry.length() > covered.logEnd()) {
            return "the index places block " + entry.height() + " after the part of " + BLOCKS_FILE + " it covers";
        }
        byte[] bytes = read(blockReader, entry.offset(), entry.length());
        if (crc(bytes, 0, bytes.length) != entry.crc()) {
            return "block " + entry.height() + " in " + BLOCKS_FILE + " does not have the checksum the index recorded";
        }
        return null;
    }

    /** Applies each block record of the log's tail to the index, in order. */
    private final class Replay implements RecordLog.RecordVisitor {

        private final List<PendingTransaction> abandoned;
        private final boolean rebuilding;
        private long records;
        private long tip;
        private long lastProgress;

        Replay(List<PendingTransaction> abandoned, boolean rebuilding) {
            this.abandoned = abandoned;
            this.rebuilding = rebuilding;
        }

        @Override
        public void record(long offset, byte[] payload) throws IOException {
            LedgerCodec.DecodedBlocks decoded = LedgerCodec.decodeBlocks(payload);
            if (decoded.blocks().isEmpty()) {
                return;
            }
            indexRecord(decoded.blocks(), payload, decoded.offsets(), decoded.lengths(), offset, abandoned);
            records++;
            tip = decoded.blocks().get(decoded.blocks().size() - 1).index();
            if (rebuilding && tip - lastProgress >= REBUILD_PROGRESS_BLOCKS) {
                lastProgress = tip;
                log.info("Building the index: {} blocks so far", tip);
            }
        }
    }

    /** The pool's records in pool order: returned transactions ahead of the rest, the newest returns first. */
    private List<PendingTransaction> journal(List<PendingTransaction> abandoned) {
        List<List<PendingTransaction>> returns = new ArrayList<>();
        List<PendingTransaction> added = new ArrayList<>();
        for (byte[] record : journal) {
            LedgerCodec.JournalRecord decoded;
            try {
                decoded = LedgerCodec.decodeJournal(record);
            } catch (IOException e) {
                throw unreadable(e);
            }
            if (decoded.returned()) {
                returns.add(decoded.transactions());
            } else {
                added.addAll(decoded.transactions());
            }
        }
        pendingRecords.set(journal.size());
        List<PendingTransaction> pool = new ArrayList<>(abandoned);
        Collections.reverse(returns);
        returns.forEach(pool::addAll);
        pool.addAll(added);
        return pool;
    }

    // ---- reading the chain --------------------------------------------------------------------

    @Override
    public List<StoredBlock> entries(long from, int limit) {
        return reading(() -> {
            List<StoredBlock> entries = new ArrayList<>();
            for (BlockIndex.Entry entry : indexEntries(from, limit, index::entries)) {
                entries.add(stored(entry));
            }
            return entries;
        });
    }

    @Override
    public List<Block> blocks(long from, int limit) {
        return reading(() -> read(indexEntries(from, limit, index::entries)));
    }

    @Override
    public OptionalLong heightOf(String blockHash) {
        if (blockHash.equals(genesis.hash())) {
            return OptionalLong.of(0);
        }
        byte[] hash = hash(blockHash);
        return hash == null ? OptionalLong.empty() : reading(() -> index.heightOf(hash));
    }

    @Override
    public Map<String, Long> transactionHeights(Collection<String> transactionIds) {
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
        return reading(() -> {
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

    @Override
    public Map<String, SenderBinding> bindings(Collection<String> senders) {
        if (senders.isEmpty()) {
            return Map.of();
        }
        return reading(() -> {
            Map<String, SenderBinding> bound = new HashMap<>();
            index.bindings(senders).forEach((sender, binding) -> bound.put(sender,
                    new SenderBinding(Signatures.encode(binding.publicKey()), binding.height())));
            return bound;
        });
    }

    @Override
    public Optional<ConfirmedTransaction> transaction(String transactionId) {
        return readPlaced(transactionId, (position, entry) -> {
            List<Transaction> transactions = readBlock(entry).transactions();
            if (position >= transactions.size() || !transactions.get(position).id().equals(transactionId)) {
                throw new IOException("the index places transaction " + transactionId + " at position " + position
                        + " of block " + entry.height() + ", which holds another");
            }
            return new ConfirmedTransaction(transactions.get(position), entry.height());
        });
    }

    @Override
    public Optional<TransactionLeaves> leaves(String transactionId) {
        return readPlaced(transactionId, (position, entry) -> {
            Optional<List<byte[]>> kept = index.leaves(entry.height());
            List<byte[]> leafHashes = kept.isPresent() ? kept.get() : leafHashes(readBlock(entry));
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
        return reading(() -> {
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

    @Override
    public ChainReader reader() {
        return reading(() -> {
            BlockIndex.IndexSnapshot view = index.snapshot();
            views.add(view);
            try {
                return new SnapshotReader(view, tipOf(view));
            } catch (IOException | RuntimeException e) {
                views.remove(view);
                view.close();
                throw e;
            }
        });
    }

    private ChainTip tipOf(BlockIndex.IndexSnapshot view) throws IOException {
        long height = view.tip();
        BlockIndex.Entry entry = height == 0 ? genesisEntry : view.entries(height, 1).get(0);
        return stored(entry).tip();
    }

    /** The chain as a view of the index saw it; the log is append-only, so the bytes it points at stay. */
    private final class SnapshotReader implements ChainReader {

        private final BlockIndex.IndexSnapshot view;
        private final ChainTip tip;

        SnapshotReader(BlockIndex.IndexSnapshot view, ChainTip tip) {
            this.view = view;
            this.tip = tip;
        }

        @Override
        public ChainTip tip() {
            return tip;
        }

        @Override
        public List<Block> blocks(long from, int limit) {
            return reading(() -> read(indexEntries(from, limit, view::entries)));
        }

        /** Releases the snapshot, unless the store has closed and released it already. */
        @Override
        public void close() {
            open.readLock().lock();
            try {
                if (!closed && views.remove(view)) {
                    view.close();
                }
            } finally {
                open.readLock().unlock();
            }
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

    /** The blocks of {@code entries}, reading runs of neighbouring blocks with one read each. */
    private List<Block> read(List<BlockIndex.Entry> entries) throws IOException {
        List<Block> result = new ArrayList<>(entries.size());
        int i = 0;
        while (i < entries.size()) {
            BlockIndex.Entry first = entries.get(i);
            if (first.height() == 0) {
                result.add(genesis);
                i++;
                continue;
            }
            int last = i;
            while (last + 1 < entries.size()
                    && entries.get(last + 1).offset() == entries.get(last).offset() + entries.get(last).length()) {
                last++;
            }
            BlockIndex.Entry end = entries.get(last);
            byte[] bytes = read(blockReader, first.offset(), Math.toIntExact(end.offset() + end.length() - first.offset()));
            for (int k = i; k <= last; k++) {
                BlockIndex.Entry entry = entries.get(k);
                result.add(decode(entry, bytes, (int) (entry.offset() - first.offset())));
            }
            i = last + 1;
        }
        return result;
    }

    private Block readBlock(BlockIndex.Entry entry) throws IOException {
        return decode(entry, read(blockReader, entry.offset(), entry.length()), 0);
    }

    private Block decode(BlockIndex.Entry entry, byte[] bytes, int at) throws IOException {
        if (crc(bytes, at, entry.length()) != entry.crc()) {
            throw new IOException("block " + entry.height() + " in " + BLOCKS_FILE + " at offset " + entry.offset()
                    + " does not have the checksum the index recorded");
        }
        Block block = LedgerCodec.decodeBlock(bytes, at, entry.length());
        if (block.index() != entry.height()) {
            throw new IOException("the index places block " + block.index() + " at height " + entry.height());
        }
        return block;
    }

    private static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException(BLOCKS_FILE + " ends before offset " + (position + length));
            }
        }
        return buffer.array();
    }

    private StoredBlock tipEntry() {
        return reading(() -> {
            long height = index.meta().orElseThrow().tip();
            return stored(height == 0 ? genesisEntry : index.entry(height).orElseThrow(
                    () -> new IOException("the index has no entry for its tip, block " + height)));
        });
    }

    private static StoredBlock stored(BlockIndex.Entry entry) {
        return new StoredBlock(entry.height(), Hex.encode(entry.hash()), entry.timestamp(), entry.proof(),
                entry.totalWork());
    }

    /** The 32 bytes of a hash in lowercase hex, or null for anything else (which no block or transaction has). */
    private static byte[] hash(String hex) {
        return Hex.isHash(hex) ? Hex.decode32(hex) : null;
    }

    @FunctionalInterface
    private interface Read<T> {
        T get() throws IOException;
    }

    private <T> T reading(Read<T> reader) {
        open.readLock().lock();
        try {
            if (closed) {
                throw new StorageException("the ledger's store in " + directory + " is closed", null);
            }
            return reader.get();
        } catch (IOException e) {
            log.error("Cannot read the ledger in {}: {}", directory, e.getMessage());
            throw new StorageException("cannot read the ledger in " + directory + ": " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    @Override
    public Durability appendPending(PendingTransaction transaction) {
        RecordLog log = pending;
        long position;
        try {
            position = log.append(LedgerCodec.encodePending(transaction));
        } catch (IOException e) {
            throw failed("cannot write a pending transaction", e);
        }
        pendingRecords.incrementAndGet();
        return () -> sync(log, position);
    }

    @Override
    public Durability written() {
        RecordLog log = pending;
        long position = log.end();
        return () -> sync(log, position);
    }

    private void sync(RecordLog log, long position) {
        try {
            log.sync(position);
        } catch (IOException e) {
            throw failed(log == blocks ? "cannot force blocks" : "cannot flush the pending journal", e);
        }
        wrote();
    }

    /**
     * Every block record is forced here, before it is indexed, under the ledger's lock: no reader sees
     * a block, and no peer hears of one, that a crash could take back, and the index never leads the
     * log (it may lag it after a crash, and start-up replays the log's tail). A reorganisation forces,
     * in order, the returned transactions, then the blocks that drop them; were the blocks on disk and
     * the returns not, a crash would lose them. Blocks are rare next to submissions, whose records are
     * group-committed after the lock is let go ({@link #appendPending}), so the lock waits on the disk
     * for blocks only.
     */
    @Override
    public StoredBlocks putBlocks(List<Block> newBlocks, List<PendingTransaction> returned) {
        open.readLock().lock();
        try {
            if (closed) {
                throw new StorageException("the ledger's store in " + directory + " is closed", null);
            }
            if (!returned.isEmpty()) {
                // Before the blocks: were the blocks written and the returns not, a crash would lose them.
                RecordLog journal = pending;
                try {
                    journal.sync(journal.append(LedgerCodec.encodeReturned(returned)));
                } catch (IOException e) {
                    throw failed("cannot write the transactions a reorganisation returns to the pool", e);
                }
                pendingRecords.incrementAndGet();
            }
            LedgerCodec.EncodedBlocks encoded = LedgerCodec.encodeBlocks(newBlocks);
            RecordLog log = blocks;
            long start = log.end();
            long end;
            try {
                log.appendAndSync(encoded.payload());
                end = log.end();
            } catch (IOException e) {
                throw failed("cannot write blocks", e);
            }
            List<StoredBlock> entries;
            try {
                entries = indexRecord(newBlocks, encoded.payload(), encoded.offsets(), encoded.lengths(),
                        start + RecordLog.RECORD_HEADER_BYTES, null);
            } catch (IOException e) {
                try {
                    log.cutBackTo(start); // the chain did not change: the log must not say it did
                } catch (IOException cutFailed) {
                    e.addSuppressed(cutFailed);
                }
                throw failed("cannot index blocks", e);
            }
            wrote();
            return new StoredBlocks(entries, () -> sync(log, end));
        } finally {
            open.readLock().unlock();
        }
    }

    /**
     * Makes the index say what a block record says: the blocks it replaces leave, its blocks join.
     *
     * @param payloadOffset where the record's payload starts in the log
     * @param abandoned     receives the transactions of the blocks replaced, or null when not wanted
     * @return the entries of the record's blocks
     */
    private List<StoredBlock> indexRecord(List<Block> recordBlocks, byte[] payload, int[] offsets, int[] lengths,
                                          long payloadOffset, List<PendingTransaction> abandoned) throws IOException {
        long first = recordBlocks.get(0).index();
        long tip = index.meta().map(IndexFormat.Meta::tip).orElse(0L);
        if (first < 1 || first > tip + 1) {
            throw new IOException("a block record starts at height " + first + " but the chain is " + tip
                    + " blocks high");
        }
        try (BlockIndex.Batch batch = index.batch()) {
            Set<String> signers = new HashSet<>();
            for (BlockIndex.Entry old : index.entries(first, Math.toIntExact(tip - first + 1))) {
                Block block = readBlock(old);
                batch.remove(old, ids(block));
                signers(block, signers);
                if (abandoned != null) {
                    block.transactions().forEach(tx -> abandoned.add(new PendingTransaction(tx, block.timestamp())));
                }
            }
            recordBlocks.forEach(block -> signers(block, signers));
            bind(batch, signers, first, recordBlocks);
            BigInteger work = first == 1 ? genesisEntry.totalWork() : index.entry(first - 1).orElseThrow(
                    () -> new IOException("the index has no entry for block " + (first - 1))).totalWork();
            List<StoredBlock> entries = new ArrayList<>(recordBlocks.size());
            for (int i = 0; i < recordBlocks.size(); i++) {
                Block block = recordBlocks.get(i);
                if (block.index() != first + i) {
                    throw new IOException("a block record holds block " + block.index() + " at height " + (first + i));
                }
                if (block.difficulty() < MeshchainProperties.Mining.MIN_DIFFICULTY
                        || block.difficulty() > MeshchainProperties.Mining.MAX_DIFFICULTY) {
                    throw new IOException("block " + block.index() + " claims difficulty " + block.difficulty());
                }
                work = work.add(Difficulty.work(block.difficulty()));
                BlockIndex.Entry entry = new BlockIndex.Entry(block.index(), Hex.decode32(block.hash()),
                        block.timestamp(), block.proof(), work, payloadOffset + offsets[i], lengths[i],
                        crc(payload, offsets[i], lengths[i]));
                batch.put(entry, ids(block), block.transactions().size() >= IndexSchema.LEAVES_FROM
                        ? leafHashes(block) : List.of());
                entries.add(stored(entry));
            }
            batch.meta(genesisEntry.hash(), recordBlocks.get(recordBlocks.size() - 1).index(),
                    payloadOffset + payload.length);
            batch.commit();
            return entries;
        }
    }

    private static void signers(Block block, Set<String> signers) {
        for (Transaction transaction : block.transactions()) {
            if (transaction.isSigned()) {
                signers.add(transaction.sender());
            }
        }
    }

    /**
     * Keeps the bindings of sender names in step with the chain: those made by the blocks from
     * height {@code first} on, which leave, are undone; each name the new blocks sign for first is
     * bound to that transaction's key.
     */
    private void bind(BlockIndex.Batch batch, Set<String> signers, long first, List<Block> recordBlocks)
            throws IOException {
        if (signers.isEmpty()) {
            return;
        }
        Map<String, BlockIndex.Binding> bound = new HashMap<>(index.bindings(signers));
        for (Iterator<Map.Entry<String, BlockIndex.Binding>> it = bound.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, BlockIndex.Binding> binding = it.next();
            if (binding.getValue().height() >= first) {
                batch.unbind(binding.getKey());
                it.remove();
            }
        }
        for (Block block : recordBlocks) {
            for (Transaction transaction : block.transactions()) {
                if (transaction.isSigned() && !bound.containsKey(transaction.sender())) {
                    byte[] key = Signatures.decode(transaction.publicKey(), Signatures.PUBLIC_KEY_BYTES);
                    batch.bind(transaction.sender(), key, block.index());
                    bound.put(transaction.sender(), new BlockIndex.Binding(key, block.index()));
                }
            }
        }
    }

    private static List<byte[]> leafHashes(Block block) {
        return MerkleTree.leafHashes(Hashes.leaves(block.transactionIds(),
                block.transactions().stream().map(Transaction::signatureBytes).toList()));
    }

    private static List<byte[]> ids(Block block) {
        List<byte[]> ids = new ArrayList<>(block.transactions().size());
        for (Transaction transaction : block.transactions()) {
            ids.add(Hex.decode32(transaction.id()));
        }
        return ids;
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    @Override
    public boolean pendingNeedsCompaction(int livePending) {
        return pendingRecords.get() > Math.max(COMPACTION_MIN_RECORDS, 2L * livePending);
    }

    @Override
    public PendingRewrite beginPendingRewrite(List<PendingTransaction> pool) {
        RecordLog old = pending;
        long mark = old.end();
        long recordsAtMark = pendingRecords.get();
        RecordLog blockLog = blocks;
        long blocksEnd = blockLog.end();
        return new PendingRewrite() {
            private RecordLog.Replacement fresh;

            @Override
            public void write() {
                log.info("Compacting the pool's journal: {} records to {}", recordsAtMark, pool.size());
                sync(blockLog, blocksEnd);
                try {
                    fresh = RecordLog.prepare(directory.resolve(PENDING_FILE),
                            pool.stream().map(LedgerCodec::encodePending).toList(), fsync, opener);
                } catch (IOException e) {
                    throw failed("cannot rewrite the pending journal", e);
                }
            }

            @Override
            public void finish() {
                if (fresh == null) {
                    throw new IllegalStateException("the rewrite was not written");
                }
                try {
                    pending = fresh.commit(old.recordsAfter(mark));
                    old.retire();
                } catch (IOException e) {
                    throw failed("cannot rewrite the pending journal", e);
                } finally {
                    fresh = null;
                }
                pendingRecords.set(pool.size() + pendingRecords.get() - recordsAtMark);
                wrote();
            }

            @Override
            public void abandon() {
                if (fresh != null) {
                    try {
                        fresh.discard();
                    } catch (IOException e) {
                        log.warn("Could not delete an abandoned rewrite of the pending journal: {}", e.getMessage());
                    }
                    fresh = null;
                }
            }
        };
    }

    private StorageException failed(String what, IOException e) {
        String reason = what + " in " + directory + ": " + e.getMessage();
        if (failure == null) {
            log.error("Storage failed, refusing changes until a write succeeds: {}", reason);
            publish(ReadinessState.REFUSING_TRAFFIC);
        }
        failure = reason;
        return new StorageException(reason, e);
    }

    private void wrote() {
        lastWrite = clock.millis();
        if (failure != null) {
            failure = null;
            log.info("Storage writes succeed again in {}", directory);
            publish(ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /**
     * Publishes a change of readiness from a thread of its own, in order: writes fail and succeed
     * while the ledger holds its lock, and listeners must not run under it.
     */
    private void publish(ReadinessState state) {
        try {
            readiness.execute(() -> AvailabilityChangeEvent.publish(events, this, state));
        } catch (RejectedExecutionException e) {
            // Shutting down: readiness no longer matters.
        }
    }

    /** Tries a small write and flush when storage is failing, so the node can become ready again. */
    void probe() {
        if (failure == null) {
            return;
        }
        try {
            Path probe = Files.createTempFile(directory, ".probe", ".tmp");
            try (FileChannel channel = opener.open(probe, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.allocate(PROBE_BYTES));
                channel.force(true);
            } finally {
                Files.deleteIfExists(probe);
            }
            pending.sync(pending.end());
            // The index too: RocksDB may stay in an error state after a failed write, and blocks go there.
            index.probe();
            wrote();
        } catch (IOException e) {
            failure = "still failing in " + directory + ": " + e.getMessage();
        }
    }

    StorageStatus status() {
        RecordLog blockLog = blocks;
        return new StorageStatus(directory, fsync, blockLog == null ? 0 : blockLog.end(), pending.end(), lastWrite,
                failure, recovery);
    }

    @Override
    public void destroy() throws IOException {
        readiness.shutdown();
        open.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            try {
                pending.close();
                if (blocks != null) {
                    blocks.close();
                }
            } finally {
                closeQuietly();
            }
        } finally {
            open.writeLock().unlock();
        }
        log.info("Ledger files flushed and closed in {}", directory);
    }

    /** Closes the index and the files, whatever state they are in; used when start fails, and at the end. */
    private void closeQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        views.forEach(BlockIndex.IndexSnapshot::close);
        views.clear();
        if (index != null) {
            index.close();
            index = null;
        }
        try {
            if (blockReader != null) {
                blockReader.close();
            }
            if (blocks != null) {
                blocks.close();
            }
            pending.close();
        } catch (IOException e) {
            log.warn("Could not close the ledger's files in {}: {}", directory, e.getMessage());
        }
        release(lock);
    }
}
