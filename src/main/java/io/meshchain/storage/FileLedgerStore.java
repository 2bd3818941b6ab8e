package io.meshchain.storage;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.LedgerStore;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.StorageException;
import io.meshchain.ledger.StoredLedger;
import io.meshchain.ledger.Transaction;
import io.meshchain.system.ConfigurationException;
import io.meshchain.system.MeshchainProperties;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
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
 * holds the chain as records of blocks, {@value #PENDING_FILE} journals every transaction that
 * entered the pool. A transaction's removal from the pool needs no record: recovery drops every
 * pending transaction the recovered chain holds.
 * <p>
 * When a write fails (a full disk), the change is refused, the node reports itself not ready, and
 * it becomes ready again with the next write that succeeds. What was written before is untouched.
 */
@Component
class FileLedgerStore implements LedgerStore, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FileLedgerStore.class);

    static final String BLOCKS_FILE = "blocks.log";
    static final String PENDING_FILE = "pending.log";
    /** Held locked while the node runs, so two nodes never write one directory. */
    static final String LOCK_FILE = "node.lock";
    static final String PROPERTY = "meshchain.storage.path";
    /** The pool's journal is rewritten once it holds this many records more than twice the live pool. */
    static final int COMPACTION_MIN_RECORDS = 10_000;
    /** Blocks per record when the block log is rewritten. */
    static final int BLOCKS_PER_RECORD = 1_000;
    /** Size of the test write made while storage is failing. */
    static final int PROBE_BYTES = 4096;

    private final Path directory;
    private final boolean fsync;
    private final RecordLog.ChannelOpener opener;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final StoredLedger recovered;
    private final StorageStatus.Recovery recovery;
    private final FileLock lock;
    private final AtomicLong pendingRecords = new AtomicLong();
    private volatile RecordLog blocks;
    private volatile RecordLog pending;
    private volatile long lastWrite;
    private volatile String failure;

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
            RecordLog.Opened blockLog = RecordLog.open(this.directory.resolve(BLOCKS_FILE), fsync, opener);
            this.blocks = blockLog.log();
            RecordLog.Opened pendingLog = RecordLog.open(this.directory.resolve(PENDING_FILE), fsync, opener);
            this.pending = pendingLog.log();
            this.recovered = replay(blockLog.records(), pendingLog.records());
            this.recovery = new StorageStatus.Recovery(recovered.blocks().size(), recovered.pending().size(),
                    blockLog.droppedBytes() + pendingLog.droppedBytes());
        } catch (IOException e) {
            release(lock);
            throw new ConfigurationException(PROPERTY, "cannot read the ledger in " + this.directory + ": "
                    + e.getMessage() + " (the files were left as they are)", e);
        }
        log.info("Read {} blocks and {} pending transactions from {}{}", recovery.blocks(), recovery.pendingRecords(),
                this.directory, recovery.droppedBytes() > 0 ? ", dropping " + recovery.droppedBytes() + " torn bytes" : "");
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

    /** Applies the block records in order and collects the pool, including blocks a reorganisation abandoned. */
    private static StoredLedger replay(List<byte[]> blockRecords, List<byte[]> pendingRecords) throws IOException {
        List<Block> chain = new ArrayList<>();
        List<Block> abandoned = new ArrayList<>();
        for (int i = 0; i < blockRecords.size(); i++) {
            List<Block> record = LedgerCodec.decodeBlocks(blockRecords.get(i));
            if (record.isEmpty()) {
                continue;
            }
            long first = record.get(0).index();
            if (first < 1 || first > chain.size() + 1) {
                throw new IOException("block record " + i + " starts at height " + first + " but the chain is "
                        + chain.size() + " blocks high");
            }
            List<Block> replaced = chain.subList((int) first - 1, chain.size());
            abandoned.addAll(replaced);
            replaced.clear();
            chain.addAll(record);
        }
        List<PendingTransaction> pool = new ArrayList<>();
        Set<String> inChain = new HashSet<>();
        chain.forEach(block -> inChain.addAll(block.transactionIds()));
        for (Block block : abandoned) {
            for (Transaction transaction : block.transactions()) {
                if (!inChain.contains(transaction.id())) {
                    pool.add(new PendingTransaction(transaction, block.timestamp()));
                }
            }
        }
        for (byte[] record : pendingRecords) {
            pool.add(LedgerCodec.decodePending(record));
        }
        return new StoredLedger(chain, pool);
    }

    @Override
    public StoredLedger load() {
        return recovered;
    }

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
            throw failed("cannot flush the pending journal", e);
        }
        wrote();
    }

    @Override
    public void putBlocks(List<Block> newBlocks) {
        try {
            blocks.appendAndSync(LedgerCodec.encodeBlocks(newBlocks));
        } catch (IOException e) {
            throw failed("cannot write blocks", e);
        }
        wrote();
    }

    @Override
    public boolean pendingNeedsCompaction(int livePending) {
        return pendingRecords.get() > Math.max(COMPACTION_MIN_RECORDS, 2L * livePending);
    }

    @Override
    public void rewrite(List<Block> chain, List<PendingTransaction> pool) {
        List<byte[]> blockRecords = new ArrayList<>();
        for (int from = 0; from < chain.size(); from += BLOCKS_PER_RECORD) {
            blockRecords.add(LedgerCodec.encodeBlocks(chain.subList(from, Math.min(chain.size(), from + BLOCKS_PER_RECORD))));
        }
        List<byte[]> pendingRecordsNow = pool.stream().map(LedgerCodec::encodePending).toList();
        try {
            // Each file is replaced atomically. Between the two renames the store holds the new chain
            // and the old journal, which recovers to the same ledger.
            blocks = replace(blocks, BLOCKS_FILE, blockRecords);
            pending = replace(pending, PENDING_FILE, pendingRecordsNow);
        } catch (IOException e) {
            throw failed("cannot rewrite the ledger's files", e);
        }
        pendingRecords.set(pool.size());
        wrote();
    }

    @Override
    public void rewritePending(List<PendingTransaction> pool) {
        try {
            pending = replace(pending, PENDING_FILE, pool.stream().map(LedgerCodec::encodePending).toList());
        } catch (IOException e) {
            throw failed("cannot rewrite the pending journal", e);
        }
        pendingRecords.set(pool.size());
        wrote();
    }

    private RecordLog replace(RecordLog current, String name, List<byte[]> records) throws IOException {
        RecordLog fresh = RecordLog.replace(directory.resolve(name), records, fsync, opener);
        current.retire();
        return fresh;
    }

    private StorageException failed(String what, IOException e) {
        String reason = what + " in " + directory + ": " + e.getMessage();
        if (failure == null) {
            log.error("Storage failed, refusing changes until a write succeeds: {}", reason);
            AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        }
        failure = reason;
        return new StorageException(reason, e);
    }

    private void wrote() {
        lastWrite = clock.millis();
        if (failure != null) {
            failure = null;
            log.info("Storage writes succeed again in {}", directory);
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
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
            wrote();
        } catch (IOException e) {
            failure = "still failing in " + directory + ": " + e.getMessage();
        }
    }

    StorageStatus status() {
        return new StorageStatus(directory, fsync, blocks.end(), pending.end(), lastWrite, failure, recovery);
    }

    @Override
    public void destroy() throws IOException {
        try {
            blocks.close();
            pending.close();
        } finally {
            release(lock);
        }
        log.info("Ledger files flushed and closed in {}", directory);
    }
}
