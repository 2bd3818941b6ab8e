package io.meshchain.storage;

import io.meshchain.crypto.Hex;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.StoredChainInvalidException;
import io.meshchain.primitives.Block;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the index level with the block log at start. The record is forced first and indexed after,
 * so the index may lag the log but never point past its end. The index is checked against the log
 * where they meet (the index's tip must be in the log, byte for byte), and only the records after
 * the point it covers are replayed into it: start-up reads the tail, not the chain. An index that is
 * missing (a directory written by an earlier version), cannot be opened, or disagrees with the log (a
 * damaged or foreign index) is built again from the log, once, with a log line saying so; the ledger
 * is then asked to check every block against it.
 * <p>
 * Used once: {@link #openIndex()}, then {@link #catchUp}.
 */
final class IndexRecovery {

    private static final Logger log = LoggerFactory.getLogger(IndexRecovery.class);

    /** While the index is rebuilt, progress is logged every this many blocks. */
    private static final long REBUILD_PROGRESS_BLOCKS = 100_000;

    private final Path directory;
    private final Path indexDirectory;
    private final BlockLog blocks;
    private final Block genesis;
    private final BlockIndex.Entry genesisEntry;
    /** Why the index is built anew, or null when it is caught up. */
    private String rebuild;

    IndexRecovery(DataDirectory directory, BlockLog blocks, Block genesis, BlockIndex.Entry genesisEntry) {
        this.directory = directory.path();
        this.indexDirectory = directory.indexDirectory();
        this.blocks = blocks;
        this.genesis = genesis;
        this.genesisEntry = genesisEntry;
    }

    /**
     * What the index covers, and whether it is built again.
     *
     * @param tip          the height of the chain's tip, as the index now has it
     * @param tailRecords  block records replayed into the index (all of them when it was built anew)
     * @param droppedBytes torn or corrupt bytes cut from the end of the block log
     * @param rebuilt      whether the index was built anew from the block log
     */
    record CaughtUp(long tip, long tailRecords, long droppedBytes, boolean rebuilt) {
    }

    /**
     * Opens the index, or an empty one in its place when it must be built again, which then asks for
     * a full check. The index is closed again when this fails.
     *
     * @throws StoredChainInvalidException when the index is of another network's chain
     */
    BlockIndex openIndex() throws IOException {
        BlockIndex index = null;
        String unopenable = null;
        try {
            index = BlockIndex.open(indexDirectory);
        } catch (IOException e) {
            // The block log is the record; an index RocksDB cannot open is built again from it.
            unopenable = "the index cannot be opened (" + e.getMessage() + ")";
        }
        try {
            rebuild = index == null ? unopenable : reasonToRebuild(index);
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
            return index;
        } catch (IOException | RuntimeException e) {
            if (index != null) {
                index.close();
            }
            throw e;
        }
    }

    /**
     * Why the index must be built again from the block log, or null when it agrees with the log
     * where they meet: its tip's bytes are in the log and have the checksum it recorded.
     *
     * @throws StoredChainInvalidException when the index is of another network's chain
     */
    private String reasonToRebuild(BlockIndex index) throws IOException {
        Optional<IndexFormat.Meta> meta = index.meta();
        long logSize = blocks.size();
        if (meta.isEmpty()) {
            return logSize > RecordLog.FIRST_RECORD
                    ? DataDirectory.BLOCKS_FILE + " was written by an earlier version of meshchain, which kept no index"
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
            return "the index covers " + covered.logEnd() + " bytes of " + DataDirectory.BLOCKS_FILE + ", which has "
                    + logSize;
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
            return "the index places block " + entry.height() + " after the part of " + DataDirectory.BLOCKS_FILE
                    + " it covers";
        }
        if (!blocks.holds(entry)) {
            return "block " + entry.height() + " in " + DataDirectory.BLOCKS_FILE
                    + " does not have the checksum the index recorded";
        }
        return null;
    }

    /**
     * Opens the block log for appends, replaying into the index the records it has not taken in (every
     * record when it is built anew), and records the genesis block in an index just created.
     *
     * @param abandoned receives the transactions of the blocks the replayed records took off the chain
     */
    CaughtUp catchUp(BlockIndex index, BlockRecordIndexer indexer, List<PendingTransaction> abandoned)
            throws IOException {
        long from = index.meta().map(IndexFormat.Meta::logEnd).orElse(RecordLog.FIRST_RECORD);
        LogTailReplay replay = new LogTailReplay(indexer, abandoned, rebuild != null);
        long droppedBytes = blocks.openFrom(from, replay);
        if (index.meta().isEmpty()) {
            try (BlockIndex.Batch batch = index.batch()) {
                batch.meta(genesisEntry.hash(), 0, RecordLog.FIRST_RECORD);
                batch.commit();
            }
        }
        if (rebuild != null) {
            index.flush();
            log.info("Index of {} built: {} blocks from {} records of the block log", directory, replay.tip,
                    replay.records);
        }
        return new CaughtUp(index.meta().orElseThrow().tip(), replay.records, droppedBytes, rebuild != null);
    }

    /** Applies each block record of the block log's tail to the index, in order. */
    private static final class LogTailReplay implements RecordLog.RecordVisitor {

        private final BlockRecordIndexer indexer;
        private final List<PendingTransaction> abandoned;
        private final boolean rebuilding;
        private long records;
        private long tip;
        private long lastProgress;

        LogTailReplay(BlockRecordIndexer indexer, List<PendingTransaction> abandoned, boolean rebuilding) {
            this.indexer = indexer;
            this.abandoned = abandoned;
            this.rebuilding = rebuilding;
        }

        @Override
        public void record(long offset, byte[] payload) throws IOException {
            LedgerCodec.DecodedBlocks decoded = LedgerCodec.decodeBlocks(payload);
            if (decoded.blocks().isEmpty()) {
                return;
            }
            indexer.index(decoded.blocks(), payload, decoded.offsets(), decoded.lengths(), offset, abandoned);
            records++;
            tip = decoded.blocks().get(decoded.blocks().size() - 1).index();
            if (rebuilding && tip - lastProgress >= REBUILD_PROGRESS_BLOCKS) {
                lastProgress = tip;
                log.info("Building the index: {} blocks so far", tip);
            }
        }
    }
}
