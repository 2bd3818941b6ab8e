package io.meshchain.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.StorageException;
import io.meshchain.ledger.StoredLedger;
import io.meshchain.ledger.Transaction;
import io.meshchain.system.ConfigurationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;

class FileLedgerStoreTest {

    @TempDir
    Path dir;

    private final List<Object> events = new ArrayList<>();
    private final FailingChannel.Switch disk = new FailingChannel.Switch();
    private final List<FileLedgerStore> opened = new ArrayList<>();
    private final Block genesis = Genesis.block(ChainFixture.DIFFICULTY);

    private FileLedgerStore open() {
        FileLedgerStore store = new FileLedgerStore(dir, true,
                (path, options) -> new FailingChannel(FileChannel.open(path, options), disk), events::add,
                Clock.systemUTC());
        opened.add(store);
        return store;
    }

    private FileLedgerStore reopen(FileLedgerStore store) throws IOException {
        store.destroy();
        opened.remove(store);
        return open();
    }

    @AfterEach
    void close() throws IOException {
        disk.heal();
        for (FileLedgerStore store : opened) {
            store.destroy();
        }
    }

    private List<Object> readiness() {
        return events.stream().filter(AvailabilityChangeEvent.class::isInstance)
                .map(event -> ((AvailabilityChangeEvent<?>) event).getState()).map(Object.class::cast).toList();
    }

    private static PendingTransaction pending(Transaction transaction) {
        return new PendingTransaction(transaction, ChainFixture.NOW);
    }

    @Test
    void newDirectoryIsCreatedAndStartsEmpty() {
        FileLedgerStore store = new FileLedgerStore(dir.resolve("a/b/c"), true, FileChannel::open, events::add,
                Clock.systemUTC());
        opened.add(store);
        assertThat(store.load()).isEqualTo(StoredLedger.empty());
        assertThat(dir.resolve("a/b/c/blocks.log")).exists();
    }

    @Test
    void blocksAndPendingTransactionsSurviveAReopen() throws IOException {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, 3);
        store.putBlocks(chain.subList(0, 2));
        store.putBlocks(chain.subList(2, 3));
        Transaction waiting = ChainFixture.tx();
        store.appendPending(pending(waiting)).await();

        StoredLedger recovered = reopen(store).load();

        assertThat(recovered.blocks()).isEqualTo(chain);
        assertThat(recovered.pending()).containsExactly(pending(waiting));
    }

    @Test
    void replacedBlocksGiveTheNewChainAndTheirTransactionsBackToThePool() throws IOException {
        FileLedgerStore store = open();
        List<Block> old = ChainFixture.extend(genesis, 3);
        store.putBlocks(old);
        Block shared = old.get(0);
        List<Block> replacement = ChainFixture.extend(shared, 3);
        store.putBlocks(replacement);

        StoredLedger recovered = reopen(store).load();

        List<Block> expected = new ArrayList<>(List.of(shared));
        expected.addAll(replacement);
        assertThat(recovered.blocks()).isEqualTo(expected);
        assertThat(recovered.pending()).extracting(PendingTransaction::transaction)
                .containsExactlyElementsOf(old.subList(1, 3).stream().flatMap(b -> b.transactions().stream()).toList());
    }

    @Test
    void tornBlockRecordLeavesTheOldChainWhole() throws IOException {
        FileLedgerStore store = open();
        List<Block> old = ChainFixture.extend(genesis, 2);
        store.putBlocks(old);
        store.putBlocks(ChainFixture.extend(old.get(0), 3));
        store.destroy();
        opened.remove(store);
        Path blocks = dir.resolve(FileLedgerStore.BLOCKS_FILE);
        Files.write(blocks, Arrays.copyOf(Files.readAllBytes(blocks), (int) Files.size(blocks) - 10));

        StoredLedger recovered = open().load();

        assertThat(recovered.blocks()).isEqualTo(old);
        assertThat(recovered.pending()).isEmpty();
    }

    @Test
    void rewriteKeepsExactlyTheGivenLedger() throws IOException {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, 2500);
        store.putBlocks(chain);
        List<Transaction> transactions = ChainFixture.txs(20);
        for (Transaction transaction : transactions) {
            store.appendPending(pending(transaction)).await();
        }
        store.rewrite(chain, List.of(pending(transactions.get(19))));
        store.appendPending(pending(transactions.get(0))).await();

        StoredLedger recovered = reopen(store).load();

        assertThat(recovered.blocks()).isEqualTo(chain);
        assertThat(recovered.pending()).containsExactly(pending(transactions.get(19)), pending(transactions.get(0)));
        assertThat(dir.resolve(FileLedgerStore.PENDING_FILE + ".tmp")).doesNotExist();
    }

    @Test
    void rewritingThePoolLeavesTheChainsRecordAlone() throws IOException {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, 3);
        store.putBlocks(chain);
        List<Transaction> transactions = ChainFixture.txs(5);
        for (Transaction transaction : transactions) {
            store.appendPending(pending(transaction)).await();
        }
        byte[] blocksBefore = Files.readAllBytes(dir.resolve(FileLedgerStore.BLOCKS_FILE));

        store.rewritePending(List.of(pending(transactions.get(4))));
        store.appendPending(pending(transactions.get(0))).await();

        assertThat(Files.readAllBytes(dir.resolve(FileLedgerStore.BLOCKS_FILE))).isEqualTo(blocksBefore);
        StoredLedger recovered = reopen(store).load();
        assertThat(recovered.blocks()).isEqualTo(chain);
        assertThat(recovered.pending()).containsExactly(pending(transactions.get(4)), pending(transactions.get(0)));
    }

    @Test
    void rewriteThatFailsLeavesTheOldFilesAndNoHalfWrittenOnes() throws IOException {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, 3);
        store.putBlocks(chain);
        Transaction kept = ChainFixture.tx();
        store.appendPending(pending(kept)).await();

        disk.failAfterBytes(100);
        assertThatThrownBy(() -> store.rewrite(chain.subList(0, 1), List.of())).isInstanceOf(StorageException.class);
        disk.heal();
        Transaction later = ChainFixture.tx();
        store.appendPending(pending(later)).await();

        StoredLedger recovered = reopen(store).load();
        assertThat(recovered.blocks()).isEqualTo(chain);
        assertThat(recovered.pending()).containsExactly(pending(kept), pending(later));
        assertThat(dir.resolve(FileLedgerStore.BLOCKS_FILE + ".tmp")).doesNotExist();
    }

    @Test
    void journalIsWorthCompactingOnlyWhenMostlyStale() {
        FileLedgerStore store = open();
        for (int i = 0; i < FileLedgerStore.COMPACTION_MIN_RECORDS; i++) {
            store.appendPending(pending(ChainFixture.tx()));
        }
        assertThat(store.pendingNeedsCompaction(0)).isFalse();
        store.appendPending(pending(ChainFixture.tx()));
        assertThat(store.pendingNeedsCompaction(0)).isTrue();
        assertThat(store.pendingNeedsCompaction(FileLedgerStore.COMPACTION_MIN_RECORDS)).isFalse();
    }

    @Test
    void fullDiskRefusesTheWriteTakesTheNodeOutOfTrafficAndKeepsWhatWasStored() throws IOException {
        FileLedgerStore store = open();
        Transaction acknowledged = ChainFixture.tx();
        store.appendPending(pending(acknowledged)).await();

        disk.failNow();
        Transaction refused = ChainFixture.tx();
        assertThatThrownBy(() -> store.appendPending(pending(refused)).await()).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> store.putBlocks(ChainFixture.extend(genesis, 1))).isInstanceOf(StorageException.class);
        assertThat(store.status().failure()).contains("No space left on device");
        assertThat(readiness()).containsExactly(ReadinessState.REFUSING_TRAFFIC);

        disk.heal();
        Transaction later = ChainFixture.tx();
        store.appendPending(pending(later)).await();
        assertThat(store.status().failure()).isNull();
        assertThat(readiness()).containsExactly(ReadinessState.REFUSING_TRAFFIC, ReadinessState.ACCEPTING_TRAFFIC);

        // The refused transaction stayed in the node's pool, unacknowledged; now it is on disk too.
        assertThat(reopen(store).load().pending()).containsExactly(pending(acknowledged), pending(refused),
                pending(later));
    }

    @Test
    void failingFlushIsNotAnAcknowledgement() {
        FileLedgerStore store = open();
        var durability = store.appendPending(pending(ChainFixture.tx()));
        disk.failNow();
        assertThatThrownBy(durability::await).isInstanceOf(StorageException.class);
    }

    @Test
    void unwritableDirectoryStopsStartWithTheSetting() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> new FileLedgerStore(file.resolve("data"), true, FileChannel::open, events::add,
                Clock.systemUTC()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("meshchain.storage.path")
                .hasMessageContaining("cannot create or write");
    }

    @Test
    void directoryInUseByAnotherNodeIsRefused() {
        open();
        assertThatThrownBy(this::open)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("in use by another running node");
    }
}
