package io.meshchain.storage;

import io.meshchain.ledger.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Writes a data directory holding a given chain, as a node would have, for benchmarks and tests. */
public final class StorageFixture {

    private StorageFixture() {
    }

    public static void writeChain(Path directory, List<Block> chain) {
        FileLedgerStore store = new FileLedgerStore(directory, false, FileChannel::open, event -> { }, Clock.systemUTC());
        try {
            store.rewrite(chain, List.of());
            store.destroy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
