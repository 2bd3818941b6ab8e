package io.meshchain.storage;

import io.meshchain.crypto.Hex;
import io.meshchain.crypto.MerkleTree;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ConfirmedTransaction;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.LedgerStore;
import io.meshchain.ledger.MutableClock;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.SenderBinding;
import io.meshchain.ledger.StorageException;
import io.meshchain.ledger.StoredChainInvalidException;
import io.meshchain.ledger.StoredLedger;
import io.meshchain.ledger.TransactionLeaves;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FileLedgerStoreTest {

    @TempDir
    Path dir;

    private final List<Object> events = new CopyOnWriteArrayList<>();
    /** Threads that published an event: never the one that wrote, which may hold the ledger's lock. */
    private final Set<String> publishers = ConcurrentHashMap.newKeySet();
    private final FailingChannel.Switch disk = new FailingChannel.Switch();
    private final List<FileLedgerStore> opened = new ArrayList<>();
    private final Block genesis = Genesis.block(ChainFixture.DIFFICULTY);

    private FileLedgerStore store() {
        return store(dir);
    }

    private FileLedgerStore store(Path directory) {
        FileLedgerStore store = new FileLedgerStore(directory, true,
                (path, options) -> new FailingChannel(FileChannel.open(path, options), disk), event -> {
                    publishers.add(Thread.currentThread().getName());
                    events.add(event);
                }, Clock.systemUTC());
        opened.add(store);
        return store;
    }

    /** A store opened on {@code dir}, as a starting node opens it. */
    private FileLedgerStore open() {
        FileLedgerStore store = store();
        store.open(genesis);
        return store;
    }

    private void close(FileLedgerStore store) throws IOException {
        store.destroy();
        opened.remove(store);
    }

    private StoredLedger reopen(FileLedgerStore store) throws IOException {
        close(store);
        return store().open(genesis);
    }

    /** Writes a chain of {@code length} blocks into the directory and closes the store again. */
    private List<Block> storedChain(int length) throws IOException {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, length);
        store.putBlocks(chain, List.of());
        close(store);
        return chain;
    }

    @AfterEach
    void closeAll() throws IOException {
        disk.heal();
        disk.releaseForces();
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

    private static List<PendingTransaction> transactionsOf(List<Block> blocks) {
        return blocks.stream().flatMap(block -> block.transactions().stream()
                .map(tx -> new PendingTransaction(tx, block.timestamp()))).toList();
    }

    private List<Block> withGenesis(List<Block> chain) {
        return Stream.concat(Stream.of(genesis), chain.stream()).toList();
    }

    private BigInteger workOf(int blocks) {
        return Difficulty.work(ChainFixture.DIFFICULTY).multiply(BigInteger.valueOf(blocks + 1L));
    }

    @Test
    void newDirectoryIsCreatedAndStartsAtGenesis() {
        FileLedgerStore store = store(dir.resolve("a/b/c"));
        StoredLedger stored = store.open(genesis);

        assertThat(stored.tip()).isEqualTo(StoredBlock.of(genesis, workOf(0)));
        assertThat(stored.pending()).isEmpty();
        assertThat(stored.fullCheckDue()).isFalse();
        assertThat(dir.resolve("a/b/c/blocks.log")).exists();
        assertThat(dir.resolve("a/b/c/index")).isDirectory();
        assertThat(store.blocks(0, 10)).containsExactly(genesis);
    }

    @Test
    void blocksAndPendingTransactionsSurviveAReopen() throws IOException {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, 3);
        store.putBlocks(chain.subList(0, 2), List.of());
        store.putBlocks(chain.subList(2, 3), List.of());
        Transaction waiting = ChainFixture.tx();
        store.appendPending(pending(waiting)).await();

        StoredLedger recovered = reopen(store);

        assertThat(recovered.tip()).isEqualTo(StoredBlock.of(chain.get(2), workOf(3)));
        assertThat(recovered.pending()).containsExactly(pending(waiting));
        assertThat(recovered.fullCheckDue()).isFalse();
        assertThat(opened.get(0).blocks(0, 10)).isEqualTo(withGenesis(chain));
    }

    @Test
    void theIndexFindsBlocksByHeightAndHashAndTransactionsById() {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, 2500);
        List<StoredBlock> entries = store.putBlocks(chain, List.of()).entries();

        assertThat(entries).hasSize(2500);
        assertThat(entries.get(2499)).isEqualTo(StoredBlock.of(chain.get(2499), workOf(2500)));
        assertThat(store.entries(1000, 2)).containsExactly(entries.get(999), entries.get(1000));
        assertThat(store.blocks(1200, 3)).isEqualTo(chain.subList(1199, 1202));
        assertThat(store.blocks(2499, 10)).containsExactly(chain.get(2498), chain.get(2499));
        assertThat(store.blocks(2501, 10)).isEmpty();
        assertThat(store.heightOf(chain.get(1776).hash())).hasValue(1777);
        assertThat(store.heightOf(genesis.hash())).hasValue(0);
        assertThat(store.heightOf("0".repeat(64))).isEmpty();
        assertThat(store.heightOf("not a hash")).isEmpty();
        assertThat(store.heightOf(chain.get(1776).hash().toUpperCase())).as("hashes are lowercase hex").isEmpty();
        Transaction transaction = chain.get(41).transactions().get(0);
        assertThat(store.transactionHeights(List.of(transaction.id()))).containsOnly(Map.entry(transaction.id(), 42L));
        assertThat(store.transaction(transaction.id())).contains(new ConfirmedTransaction(transaction, 42));
        assertThat(store.transaction(ChainFixture.tx().id())).isEmpty();
        Transaction later = chain.get(2400).transactions().get(0);
        assertThat(store.transactionHeights(List.of(transaction.id(), ChainFixture.tx().id(), later.id(), "not an id")))
                .containsOnly(Map.entry(transaction.id(), 42L), Map.entry(later.id(), 2401L));
    }

    @Test
    void reorganisationIndexesTheNewChainAndKeepsTheReturnedTransactions() throws IOException {
        FileLedgerStore store = open();
        List<Block> old = ChainFixture.extend(genesis, 3);
        store.putBlocks(old, List.of());
        Block shared = old.get(0);
        List<Block> replacement = ChainFixture.extend(shared, 3);
        List<PendingTransaction> returned = transactionsOf(old.subList(1, 3));
        store.putBlocks(replacement, returned);
        Transaction later = ChainFixture.tx();
        store.appendPending(pending(later)).await();

        assertThat(store.heightOf(old.get(2).hash())).isEmpty();
        String abandoned = old.get(2).transactions().get(0).id();
        String adopted = replacement.get(2).transactions().get(0).id();
        assertThat(store.transactionHeights(List.of(abandoned, adopted))).containsOnly(Map.entry(adopted, 4L));

        StoredLedger recovered = reopen(store);

        assertThat(recovered.tip().hash()).isEqualTo(replacement.get(2).hash());
        assertThat(opened.get(0).blocks(0, 10)).isEqualTo(withGenesis(Stream.concat(Stream.of(shared),
                replacement.stream()).toList()));
        List<PendingTransaction> expected = new ArrayList<>(returned);
        expected.add(pending(later));
        assertThat(recovered.pending()).as("returned transactions first, then the rest").isEqualTo(expected);
    }

    @Test
    void aReaderSeesTheChainAsItWasWhenOpened() {
        FileLedgerStore store = open();
        List<Block> old = ChainFixture.extend(genesis, 3);
        store.putBlocks(old, List.of());
        try (ChainReader reader = store.reader()) {
            store.putBlocks(ChainFixture.extend(old.get(0), 4), List.of());

            assertThat(reader.tip().hash()).isEqualTo(old.get(2).hash());
            assertThat(reader.blocks(0, 100)).isEqualTo(withGenesis(old));
        }
        assertThat(store.blocks(0, 100)).hasSize(6);
    }

    @Test
    void indexBehindTheLogCatchesUpFromTheLogsTail() throws IOException {
        List<Block> chain = storedChain(3);
        Path saved = dir.resolveSibling(dir.getFileName() + "-index");
        FileSystemUtils.copyRecursively(dir.resolve(DataDirectory.INDEX_DIRECTORY), saved);

        FileLedgerStore store = open();
        List<Block> more = ChainFixture.extend(chain.get(2), 2);
        store.putBlocks(more.subList(0, 1), List.of());
        store.putBlocks(more.subList(1, 2), List.of());
        List<Block> branch = ChainFixture.extend(chain.get(1), 4);
        store.putBlocks(branch, List.of());
        close(store);
        // The index as it was three block records ago: as if its last writes had not reached the disk.
        FileSystemUtils.deleteRecursively(dir.resolve(DataDirectory.INDEX_DIRECTORY));
        FileSystemUtils.copyRecursively(saved, dir.resolve(DataDirectory.INDEX_DIRECTORY));

        FileLedgerStore caughtUp = store();
        StoredLedger recovered = caughtUp.open(genesis);

        assertThat(recovered.fullCheckDue()).isFalse();
        assertThat(caughtUp.status().recovery().tailRecords()).isEqualTo(3);
        assertThat(recovered.tip().hash()).isEqualTo(branch.get(3).hash());
        assertThat(caughtUp.blocks(0, 100)).isEqualTo(withGenesis(Stream.concat(chain.subList(0, 2).stream(),
                branch.stream()).toList()));
        assertThat(caughtUp.heightOf(more.get(1).hash())).as("replaced by the branch").isEmpty();
        assertThat(recovered.pending()).as("what the replayed reorganisation abandoned")
                .containsExactlyElementsOf(transactionsOf(List.of(chain.get(2), more.get(0), more.get(1))));
    }

    @Test
    void indexThatDisagreesWithTheLogIsBuiltAnewFromTheLog() throws IOException {
        Path other = dir.resolveSibling(dir.getFileName() + "-other");
        FileLedgerStore elsewhere = store(other);
        elsewhere.open(genesis);
        elsewhere.putBlocks(ChainFixture.extend(genesis, 5), List.of());
        close(elsewhere);
        List<Block> chain = storedChain(3);
        // Another directory's index, which does not describe this block log.
        FileSystemUtils.deleteRecursively(dir.resolve(DataDirectory.INDEX_DIRECTORY));
        FileSystemUtils.copyRecursively(other.resolve(DataDirectory.INDEX_DIRECTORY),
                dir.resolve(DataDirectory.INDEX_DIRECTORY));

        FileLedgerStore rebuilt = store();
        StoredLedger recovered = rebuilt.open(genesis);

        assertThat(recovered.fullCheckDue()).isTrue();
        assertThat(recovered.tip().hash()).isEqualTo(chain.get(2).hash());
        assertThat(rebuilt.blocks(0, 100)).isEqualTo(withGenesis(chain));
    }

    @Test
    void directoryWrittenBeforeTheIndexIsIndexedOnceAndKept() throws IOException {
        List<Block> chain = ChainFixture.extend(genesis, 2500);
        StorageFixture.writeWithoutIndex(dir, chain);
        byte[] log = Files.readAllBytes(dir.resolve(DataDirectory.BLOCKS_FILE));

        FileLedgerStore store = store();
        StoredLedger migrated = store.open(genesis);

        assertThat(migrated.fullCheckDue()).isTrue();
        assertThat(migrated.tip()).isEqualTo(StoredBlock.of(chain.get(2499), workOf(2500)));
        assertThat(store.blocks(1, 2500)).isEqualTo(chain);
        assertThat(Files.readAllBytes(dir.resolve(DataDirectory.BLOCKS_FILE))).as("the log is kept as it is")
                .isEqualTo(log);
        close(store);
        FileLedgerStore unchecked = store();
        assertThat(unchecked.open(genesis).fullCheckDue()).as("no full check has passed yet").isTrue();
        assertThat(unchecked.status().recovery().rebuilt()).as("indexed once").isFalse();
        assertThat(unchecked.status().recovery().tailRecords()).isZero();
        unchecked.fullCheckPassed();
        assertThat(reopen(unchecked).fullCheckDue()).isFalse();
    }

    @Test
    void indexThatCannotBeOpenedIsBuiltAnewFromTheLog() throws IOException {
        List<Block> chain = storedChain(3);
        // RocksDB's pointer to its manifest names one that is not there.
        Files.writeString(dir.resolve(DataDirectory.INDEX_DIRECTORY).resolve("CURRENT"), "MANIFEST-999999\n");

        FileLedgerStore rebuilt = store();
        StoredLedger recovered = rebuilt.open(genesis);

        assertThat(recovered.fullCheckDue()).isTrue();
        assertThat(recovered.tip().hash()).isEqualTo(chain.get(2).hash());
        assertThat(rebuilt.blocks(0, 100)).isEqualTo(withGenesis(chain));
        assertThat(rebuilt.status().recovery().rebuilt()).isTrue();
    }

    @Test
    void tornBlockRecordLeavesTheOldChainWhole() throws IOException {
        FileLedgerStore store = open();
        List<Block> old = ChainFixture.extend(genesis, 2);
        store.putBlocks(old, List.of());
        store.putBlocks(ChainFixture.extend(old.get(0), 3), List.of());
        close(store);
        Path blocks = dir.resolve(DataDirectory.BLOCKS_FILE);
        Files.write(blocks, Arrays.copyOf(Files.readAllBytes(blocks), (int) Files.size(blocks) - 10));

        FileLedgerStore reopened = store();
        StoredLedger recovered = reopened.open(genesis);

        assertThat(recovered.tip().hash()).isEqualTo(old.get(1).hash());
        assertThat(reopened.blocks(0, 10)).isEqualTo(withGenesis(old));
        assertThat(recovered.pending()).isEmpty();
    }

    @Test
    void damagedBlockIsReportedNotServed() throws IOException {
        List<Block> chain = storedChain(3);
        Path blocks = dir.resolve(DataDirectory.BLOCKS_FILE);
        try (RandomAccessFile file = new RandomAccessFile(blocks.toFile(), "rw")) {
            file.seek(RecordLog.FIRST_RECORD + RecordLog.RECORD_HEADER_BYTES + 10); // inside block 1
            int b = file.read();
            file.seek(RecordLog.FIRST_RECORD + RecordLog.RECORD_HEADER_BYTES + 10);
            file.write(b ^ 0xFF);
        }
        FileLedgerStore damaged = store();
        damaged.open(genesis); // the tip agrees with the index; the damage is below it

        assertThat(damaged.blocks(3, 1)).containsExactly(chain.get(2));
        assertThatThrownBy(() -> damaged.blocks(1, 1)).isInstanceOf(StorageException.class)
                .hasMessageContaining("checksum");
    }

    /**
     * A proof of a transaction of a block of many is built from the leaf hashes the index keeps, without
     * reading the block: here the block is damaged on disk, so reading it fails, and the proof does not.
     * A small block's proof reads the block.
     */
    @Test
    void leavesOfABlockOfManyTransactionsComeFromTheIndexWithoutReadingTheBlock() throws IOException {
        FileLedgerStore store = open();
        Block many = ChainFixture.mine(genesis, ChainFixture.txs(IndexSchema.LEAVES_FROM + 4), ChainFixture.NOW);
        Block few = ChainFixture.mine(many, ChainFixture.txs(3), ChainFixture.NOW + 1);
        store.putBlocks(List.of(many, few), List.of());
        close(store);
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve(DataDirectory.BLOCKS_FILE).toFile(), "rw")) {
            file.seek(RecordLog.FIRST_RECORD + RecordLog.RECORD_HEADER_BYTES + 10); // inside the first block
            int b = file.read();
            file.seek(RecordLog.FIRST_RECORD + RecordLog.RECORD_HEADER_BYTES + 10);
            file.write(b ^ 0xFF);
        }
        FileLedgerStore damaged = store();
        damaged.open(genesis);

        String inMany = many.transactions().get(7).id();
        TransactionLeaves leaves = damaged.leaves(inMany).orElseThrow();
        assertThat(leaves.height()).isEqualTo(1);
        assertThat(leaves.blockHash()).isEqualTo(many.hash());
        assertThat(leaves.position()).isEqualTo(7);
        assertThat(Hex.encode(MerkleTree.rootOfLeafHashes(leaves.leafHashes())))
                .isEqualTo(many.header().transactionsRoot());
        assertThatThrownBy(() -> damaged.transaction(inMany)).isInstanceOf(StorageException.class)
                .hasMessageContaining("checksum");

        TransactionLeaves ofFew = damaged.leaves(few.transactions().get(2).id()).orElseThrow();
        assertThat(ofFew.position()).isEqualTo(2);
        assertThat(Hex.encode(MerkleTree.rootOfLeafHashes(ofFew.leafHashes()))).isEqualTo(few.header().transactionsRoot());
        assertThat(damaged.leaves(ChainFixture.tx().id())).isEmpty();
        assertThat(damaged.leaves("not an id")).isEmpty();
    }

    @Test
    void chainOfAnotherNetworkIsRefusedAndLeftAlone() throws IOException {
        FileLedgerStore store = open();
        store.putBlocks(ChainFixture.extend(genesis, 2), List.of());
        close(store);
        byte[] log = Files.readAllBytes(dir.resolve(DataDirectory.BLOCKS_FILE));

        FileLedgerStore other = store();
        assertThatThrownBy(() -> other.open(Genesis.block(ChainFixture.DIFFICULTY + 1)))
                .isInstanceOf(StoredChainInvalidException.class)
                .hasMessageContaining("other network settings");
        opened.remove(other);
        assertThat(Files.readAllBytes(dir.resolve(DataDirectory.BLOCKS_FILE))).isEqualTo(log);
        assertThat(store().open(genesis).tip().height()).isEqualTo(2);
    }

    @Test
    void rewritingThePoolLeavesTheChainsRecordAlone() throws IOException {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, 3);
        store.putBlocks(chain, List.of());
        List<Transaction> transactions = ChainFixture.txs(5);
        for (Transaction transaction : transactions) {
            store.appendPending(pending(transaction)).await();
        }
        byte[] blocksBefore = Files.readAllBytes(dir.resolve(DataDirectory.BLOCKS_FILE));

        store.rewrite(List.of(pending(transactions.get(4))));
        store.appendPending(pending(transactions.get(0))).await();

        assertThat(Files.readAllBytes(dir.resolve(DataDirectory.BLOCKS_FILE))).isEqualTo(blocksBefore);
        StoredLedger recovered = reopen(store);
        assertThat(recovered.tip().hash()).isEqualTo(chain.get(2).hash());
        assertThat(recovered.pending()).containsExactly(pending(transactions.get(4)), pending(transactions.get(0)));
    }

    @Test
    void aBlockIsOnDiskBeforeItCanBeRead() throws Exception {
        FileLedgerStore store = open();
        List<Block> chain = ChainFixture.extend(genesis, 2);
        int forcesBefore = disk.forcesStarted();
        disk.holdForces();

        CompletableFuture<LedgerStore.StoredBlocks> stored = CompletableFuture.supplyAsync(
                () -> store.putBlocks(chain, List.of()));
        await().atMost(Duration.ofSeconds(5)).until(() -> disk.forcesStarted() > forcesBefore);

        assertThat(store.blocks(1, 2)).as("not indexed while it is forced").isEmpty();
        assertThat(stored).isNotDone();
        disk.releaseForces();
        stored.get(5, TimeUnit.SECONDS);
        assertThat(store.blocks(1, 2)).containsExactlyElementsOf(chain);
        assertThat(reopen(store).tip().hash()).isEqualTo(chain.get(1).hash());
    }

    @Test
    void noClientSeesAMinedBlockBeforeItIsOnDisk() throws Exception {
        FileLedgerStore store = store();
        MutableClock clock = new MutableClock(ChainFixture.NOW + Duration.ofDays(1).toMillis());
        ChainService service = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10),
                100), clock, event -> { }, store);
        Transaction transaction = ChainFixture.tx();
        service.submit(transaction, null);
        Block block = ChainFixture.mine(genesis, List.of(transaction), transaction.timestamp());
        disk.holdForces();

        CompletableFuture<Block> mined = CompletableFuture.supplyAsync(() -> {
            try {
                return service.appendMined(block);
            } catch (BlockRejectedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> disk.forcesStarted() > 0);
        CompletableFuture<Long> height = CompletableFuture.supplyAsync(() -> service.tip().height());
        CompletableFuture<Boolean> confirmed = CompletableFuture.supplyAsync(
                () -> service.status(transaction.id()).orElseThrow().confirmed());

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(() -> !height.isDone() && !confirmed.isDone());
        disk.releaseForces();
        assertThat(mined.get(5, TimeUnit.SECONDS).hash()).isEqualTo(block.hash());
        assertThat(height.get(5, TimeUnit.SECONDS)).as("seen once on disk").isEqualTo(1);
        assertThat(confirmed.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void signedTransactionsKeepTheirKeysAndSignaturesInBlocksAndInThePool() throws IOException {
        FileLedgerStore store = open();
        Transaction signed = ChainFixture.signed(genesis.hash(), "gzan3055", "signed", ChainFixture.NOW);
        Transaction unsigned = ChainFixture.tx();
        Block block = ChainFixture.mine(genesis, List.of(unsigned, signed), ChainFixture.NOW);
        Transaction pendingSigned = ChainFixture.signed(genesis.hash(), "gzan3055", "pending", ChainFixture.NOW + 1);
        store.putBlocks(List.of(block), List.of()).durability().await();
        store.appendPending(pending(pendingSigned)).await();
        store.appendPending(pending(ChainFixture.tx())).await();

        StoredLedger reopened = reopen(store);
        FileLedgerStore again = opened.get(opened.size() - 1);

        assertThat(again.blocks(1, 1)).containsExactly(block);
        assertThat(again.blocks(1, 1).get(0).computeHash()).isEqualTo(block.hash());
        assertThat(reopened.pending()).extracting(PendingTransaction::transaction).first().isEqualTo(pendingSigned);
        assertThat(LedgerCodec.decodeBlocks(LedgerCodec.encodeBlocks(List.of(ChainFixture.mine(genesis,
                List.of(unsigned), ChainFixture.NOW))).payload()).blocks().get(0).transactions())
                .as("blocks without a signed transaction are written as before").containsExactly(unsigned);
    }

    @Test
    void bindingsSurviveARestartAndLeaveWithTheBlockThatMadeThem() throws IOException {
        FileLedgerStore store = open();
        Transaction binding = ChainFixture.signed(genesis.hash(), "gzan3055", "binds", ChainFixture.NOW);
        Transaction again = ChainFixture.signed(genesis.hash(), "gzan3055", "again", ChainFixture.NOW + 1);
        Block b1 = ChainFixture.mine(genesis, List.of(binding), ChainFixture.NOW);
        Block b2 = ChainFixture.mine(b1, List.of(again), ChainFixture.NOW + 1);
        store.putBlocks(List.of(b1, b2), List.of()).durability().await();
        SenderBinding expected = new SenderBinding(binding.publicKey(), 1);
        assertThat(store.bindings(List.of("gzan3055", "alice"))).containsExactly(Map.entry("gzan3055", expected));

        reopen(store);
        FileLedgerStore reopened = opened.get(opened.size() - 1);
        assertThat(reopened.bindings(List.of("gzan3055"))).as("after a restart").containsEntry("gzan3055", expected);

        reopened.putBlocks(List.of(b1, ChainFixture.mine(b1, List.of(ChainFixture.tx()), ChainFixture.NOW + 2)),
                List.of()).durability().await();
        assertThat(reopened.bindings(List.of("gzan3055"))).as("the binding block stays").containsEntry("gzan3055",
                expected);
        Block other = ChainFixture.mine(genesis, List.of(Transaction.of("alice", "no signature", ChainFixture.NOW)),
                ChainFixture.NOW);
        reopened.putBlocks(List.of(other), List.of(pending(binding))).durability().await();
        assertThat(reopened.bindings(List.of("gzan3055"))).as("its block abandoned").isEmpty();
    }

    @Test
    void fullDiskRefusesTheWriteTakesTheNodeOutOfTrafficAndKeepsWhatWasStored() throws IOException {
        FileLedgerStore store = open();
        Transaction acknowledged = ChainFixture.tx();
        store.appendPending(pending(acknowledged)).await();

        disk.failNow();
        Transaction refused = ChainFixture.tx();
        assertThatThrownBy(() -> store.appendPending(pending(refused)).await()).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> store.putBlocks(ChainFixture.extend(genesis, 1), List.of()))
                .isInstanceOf(StorageException.class);
        assertThat(store.status().failure()).contains("No space left on device");
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(readiness()).containsExactly(ReadinessState.REFUSING_TRAFFIC));

        disk.heal();
        Transaction later = ChainFixture.tx();
        store.appendPending(pending(later)).await();
        assertThat(store.status().failure()).isNull();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(readiness())
                .containsExactly(ReadinessState.REFUSING_TRAFFIC, ReadinessState.ACCEPTING_TRAFFIC));
        assertThat(publishers).as("readiness is published away from the writer, which may hold the ledger's lock")
                .doesNotContain(Thread.currentThread().getName());
        assertThat(store.entries(0, 10)).as("the refused block left no trace").hasSize(1);

        // The refused transaction stayed in the node's pool, unacknowledged; now it is on disk too.
        StoredLedger recovered = reopen(store);
        assertThat(recovered.pending()).containsExactly(pending(acknowledged), pending(refused), pending(later));
        assertThat(recovered.tip().height()).isZero();
    }

    @Test
    void closedStoreRefusesReadsAndWrites() throws IOException {
        FileLedgerStore store = open();
        close(store);
        assertThatThrownBy(() -> store.blocks(0, 1)).isInstanceOf(StorageException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.putBlocks(ChainFixture.extend(genesis, 1), List.of()))
                .isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> store.appendPending(pending(ChainFixture.tx()))).isInstanceOf(StorageException.class);
    }
}
