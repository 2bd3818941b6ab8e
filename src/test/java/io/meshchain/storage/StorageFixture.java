package io.meshchain.storage;

import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Writes data directories holding a given chain, as a node would have left them, for benchmarks and
 * tests: long chains are made without mining them through HTTP.
 */
public final class StorageFixture {

    /** Blocks per record, as a node catching up from a peer writes them. */
    static final int BLOCKS_PER_RECORD = 1_000;

    private StorageFixture() {
    }

    /** Writes a data directory whose chain is genesis followed by {@code chain}. */
    public static void writeChain(Path directory, List<Block> chain) {
        try (ChainWriter writer = writer(directory, Genesis.block(chain.get(0).difficulty()))) {
            writer.append(chain);
        }
    }

    /**
     * A writer for chains too long to hold in memory: blocks given to {@link ChainWriter#append} in
     * order, in as many calls as suit the caller, make the chain after {@code genesis}.
     */
    public static ChainWriter writer(Path directory, Block genesis) {
        return new ChainWriter(directory, genesis);
    }

    /** Appends blocks to a data directory's chain through the node's own store. */
    public static final class ChainWriter implements AutoCloseable {

        private final FileLedgerStore store;

        private ChainWriter(Path directory, Block genesis) {
            store = new FileLedgerStore(directory, false, FileChannel::open, event -> { }, Clock.systemUTC());
            store.open(genesis);
        }

        public void append(List<Block> blocks) {
            for (int from = 0; from < blocks.size(); from += BLOCKS_PER_RECORD) {
                store.putBlocks(blocks.subList(from, Math.min(blocks.size(), from + BLOCKS_PER_RECORD)), List.of());
            }
        }

        @Override
        public void close() {
            try {
                store.destroy();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Writes a data directory as versions before the index left it: {@code blocks.log} and
     * {@code pending.log} alone, the chain in records of up to 1,000 blocks, as their start-up
     * compaction wrote it.
     */
    public static void writeWithoutIndex(Path directory, List<Block> chain) {
        try {
            java.nio.file.Files.createDirectories(directory);
            try (RecordLog log = RecordLog.open(directory.resolve(DataDirectory.BLOCKS_FILE), false).log()) {
                for (int from = 0; from < chain.size(); from += BLOCKS_PER_RECORD) {
                    List<Block> record = chain.subList(from, Math.min(chain.size(), from + BLOCKS_PER_RECORD));
                    log.sync(log.append(LedgerCodec.encodeBlocks(record).payload()));
                }
            }
            RecordLog.open(directory.resolve(DataDirectory.POOL_JOURNAL_FILE), false).log().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
