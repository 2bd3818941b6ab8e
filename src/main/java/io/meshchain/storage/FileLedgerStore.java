package io.meshchain.storage;

import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ConfirmedTransaction;
import io.meshchain.ledger.LedgerStore;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.SenderBinding;
import io.meshchain.ledger.StorageException;
import io.meshchain.ledger.StoredLedger;
import io.meshchain.ledger.TransactionLeaves;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.system.MeshchainProperties;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The ledger's store on disk, in the data directory ({@link DataDirectory}): the block log holds the
 * chain ({@link BlockLog}), the index in RocksDB looks it up ({@link BlockIndex}), and the pool
 * journal records every transaction that entered the pool ({@link PoolJournalFile}). This class puts
 * them together behind the ledger's port: it opens them in order ({@link IndexRecovery} brings the
 * index level with the log), hands reads to {@link ChainLookups}, and writes a change of the chain
 * to the pool journal, the block log and the index in the order a crash requires ({@link #putBlocks}).
 * <p>
 * When a write fails (a full disk), the change is refused, the node reports itself not ready
 * ({@link StorageReadiness}), and it becomes ready again with the next write that succeeds. What was
 * written before is untouched.
 */
@Component
class FileLedgerStore implements LedgerStore, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FileLedgerStore.class);

    private final DataDirectory directory;
    private final boolean fsync;
    private final RecordLog.ChannelOpener opener;
    private final StorageReadiness readiness;
    private final StoreGuard guard;
    private final PoolJournalFile poolJournal;
    private volatile BlockLog blocks;
    private BlockIndex index;
    private BlockRecordIndexer indexer;
    private ChainLookups lookups;
    private volatile StorageStatus.Recovery recovery = new StorageStatus.Recovery(0, 0, 0, 0, false);

    @Autowired
    FileLedgerStore(MeshchainProperties properties, ApplicationEventPublisher events, Clock clock) {
        this(properties.storage().path(), properties.storage().fsync(), FileChannel::open, events, clock);
    }

    FileLedgerStore(Path directory, boolean fsync, RecordLog.ChannelOpener opener, ApplicationEventPublisher events,
                    Clock clock) {
        this.directory = DataDirectory.claim(directory);
        this.fsync = fsync;
        this.opener = opener;
        this.readiness = new StorageReadiness(this.directory.path(), events, clock, this);
        this.guard = new StoreGuard(this.directory.path());
        try {
            this.poolJournal = PoolJournalFile.open(this.directory.poolJournalFile(), fsync, opener, readiness);
        } catch (IOException e) {
            this.directory.release();
            throw this.directory.unreadable(e);
        }
    }

    // ---- opening ------------------------------------------------------------------------------

    @Override
    public StoredLedger open(Block genesis) {
        BlockIndex.Entry genesisEntry = BlockIndex.Entry.genesis(genesis);
        List<PendingTransaction> abandoned = new ArrayList<>();
        try {
            blocks = BlockLog.open(directory.blocksFile(), fsync, opener, genesis, readiness);
            IndexRecovery recovering = new IndexRecovery(directory, blocks, genesis, genesisEntry);
            index = recovering.openIndex();
            SenderBindings bindings = new SenderBindings(index);
            indexer = new BlockRecordIndexer(index, blocks, bindings, genesisEntry);
            lookups = new ChainLookups(guard, index, blocks, bindings, genesis, genesisEntry);
            IndexRecovery.CaughtUp caughtUp = recovering.catchUp(index, indexer, abandoned);
            recovery = new StorageStatus.Recovery(caughtUp.tip(), 0, caughtUp.tailRecords(),
                    caughtUp.droppedBytes() + poolJournal.droppedBytes(), caughtUp.rebuilt());
        } catch (IOException e) {
            closeQuietly();
            throw directory.unreadable(e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        List<PendingTransaction> pool;
        try {
            pool = poolJournal.pool(abandoned);
        } catch (IOException e) {
            throw directory.unreadable(e);
        }
        recovery = new StorageStatus.Recovery(recovery.blocks(), pool.size(), recovery.tailRecords(),
                recovery.droppedBytes(), recovery.rebuilt());
        log.info("Opened the ledger in {}: {} blocks ({} log records replayed into the index), {} pending transaction "
                        + "records{}", directory.path(), recovery.blocks(), recovery.tailRecords(),
                recovery.pendingRecords(),
                recovery.droppedBytes() > 0 ? ", dropping " + recovery.droppedBytes() + " torn bytes" : "");
        return new StoredLedger(lookups.tip(), pool, fullCheckDue());
    }

    private boolean fullCheckDue() {
        try {
            return index.fullCheckDue();
        } catch (IOException e) {
            throw directory.unreadable(e);
        }
    }

    @Override
    public void fullCheckPassed() {
        guard.whileOpen(() -> {
            try {
                index.fullCheckDue(false);
            } catch (IOException e) {
                throw new StorageException("cannot record the full check in " + directory.path() + ": "
                        + e.getMessage(), e);
            }
            return null;
        });
    }

    // ---- reading the chain --------------------------------------------------------------------

    @Override
    public List<StoredBlock> entries(long from, int limit) {
        return lookups.entries(from, limit);
    }

    @Override
    public List<Block> blocks(long from, int limit) {
        return lookups.blocks(from, limit);
    }

    @Override
    public OptionalLong heightOf(String blockHash) {
        return lookups.heightOf(blockHash);
    }

    @Override
    public Map<String, Long> transactionHeights(Collection<String> transactionIds) {
        return lookups.transactionHeights(transactionIds);
    }

    @Override
    public Map<String, SenderBinding> bindings(Collection<String> senders) {
        return lookups.bindings(senders);
    }

    @Override
    public Optional<ConfirmedTransaction> transaction(String transactionId) {
        return lookups.transaction(transactionId);
    }

    @Override
    public Optional<TransactionLeaves> leaves(String transactionId) {
        return lookups.leaves(transactionId);
    }

    @Override
    public ChainReader reader() {
        return lookups.reader();
    }

    // ---- writing ------------------------------------------------------------------------------

    @Override
    public Durability appendPending(PendingTransaction transaction) {
        return poolJournal.append(transaction);
    }

    @Override
    public Durability written() {
        return poolJournal.written();
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
        return guard.whileOpen(() -> {
            if (!returned.isEmpty()) {
                // Before the blocks: were the blocks written and the returns not, a crash would lose them.
                poolJournal.appendReturned(returned);
            }
            LedgerCodec.EncodedBlocks encoded = LedgerCodec.encodeBlocks(newBlocks);
            BlockLog.Appended appended = blocks.append(encoded.payload());
            List<StoredBlock> entries;
            try {
                entries = indexer.index(newBlocks, encoded.payload(), encoded.offsets(), encoded.lengths(),
                        appended.start() + RecordLog.RECORD_HEADER_BYTES, null);
            } catch (IOException e) {
                try {
                    blocks.cutBackTo(appended.start()); // the chain did not change: the log must not say it did
                } catch (IOException cutFailed) {
                    e.addSuppressed(cutFailed);
                }
                throw readiness.failed("cannot index blocks", e);
            }
            readiness.wrote();
            return new StoredBlocks(entries, blocks.durableTo(appended.end()));
        });
    }

    @Override
    public boolean needsCompaction(int livePending) {
        return poolJournal.needsCompaction(livePending);
    }

    @Override
    public Rewrite beginRewrite(List<PendingTransaction> pool) {
        // Called under the ledger's lock, as putBlocks is: no block is written between the two marks.
        return poolJournal.beginRewrite(pool, blocks.written());
    }

    // ---- health and closing -------------------------------------------------------------------

    /** Tries a small write and flush when storage is failing, so the node can become ready again. */
    void probe() {
        readiness.probe(() -> {
            directory.probeWrite(opener);
            poolJournal.probe();
            // The index too: RocksDB may stay in an error state after a failed write, and blocks go there.
            index.probe();
        });
    }

    StorageStatus status() {
        BlockLog blockLog = blocks;
        return new StorageStatus(directory.path(), fsync, blockLog == null ? 0 : blockLog.end(), poolJournal.end(),
                readiness.lastWrite(), readiness.failure(), recovery);
    }

    @Override
    public void destroy() throws IOException {
        readiness.shutdown();
        boolean closedNow = guard.closeAlone(() -> {
            try {
                poolJournal.close();
                if (blocks != null) {
                    blocks.close();
                }
            } finally {
                closeQuietly();
            }
        });
        if (closedNow) {
            log.info("Ledger files flushed and closed in {}", directory.path());
        }
    }

    /** Closes the index and the files, whatever state they are in; used when start fails, and at the end. */
    private void closeQuietly() {
        if (!guard.markClosed()) {
            return;
        }
        if (lookups != null) {
            lookups.closeSnapshots();
        }
        if (index != null) {
            index.close();
            index = null;
        }
        try {
            if (blocks != null) {
                blocks.close();
            }
            poolJournal.close();
        } catch (IOException e) {
            log.warn("Could not close the ledger's files in {}: {}", directory.path(), e.getMessage());
        }
        directory.release();
    }
}
