package io.meshchain.storage;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.StoredChainCheck;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node dies at every write, force and truncation of its files in turn (the write it dies in is
 * torn in half, and nothing after it reaches the disk), while it accepts transactions, appends
 * blocks, switches to another branch and compacts the pool journal. Each time, the directory is
 * opened again as a restarting node opens it, with every block checked from genesis against the
 * index: every transaction acknowledged before the crash must be there, pending or confirmed, and
 * the chain must be the last one written, or the one being written when the node died.
 */
class CrashPointTest {

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);

    @TempDir
    Path dir;

    /** What the node did, and what it acknowledged, until it died. */
    private static final class Run {
        final Set<Transaction> acknowledged = new LinkedHashSet<>();
        /** Tips of chains the store confirmed writing, in order: the chain must be the last or a later one. */
        final List<String> tips = new ArrayList<>(List.of(GENESIS.hash()));
    }

    @Test
    void aCrashAtAnyWriteLosesNoAcknowledgedTransaction() throws IOException {
        List<Transaction> transactions = ChainFixture.txs(13);
        Block b1 = ChainFixture.mine(GENESIS, transactions.subList(0, 5), ChainFixture.NOW);
        Block b2 = ChainFixture.mine(b1, transactions.subList(5, 10), ChainFixture.NOW + 1);
        Block other = ChainFixture.mine(b1, transactions.subList(10, 12), ChainFixture.NOW + 2);
        Block b3 = ChainFixture.mine(other, transactions.subList(5, 7), ChainFixture.NOW + 3);
        List<String> allTips = List.of(GENESIS.hash(), b1.hash(), b2.hash(), b3.hash());

        int crashes = 0;
        for (int point = 0; ; point++) {
            Path directory = dir.resolve("crash-" + point);
            FailingChannel.Switch disk = new FailingChannel.Switch();
            disk.crashAfter(point);
            Run run = new Run();
            play(directory, disk, run, transactions, b1, b2, List.of(other, b3));
            if (!disk.crashed()) {
                break;
            }
            crashes++;

            int crashPoint = point + 1;
            reopen(directory, restarted -> {
                for (Transaction transaction : run.acknowledged) {
                    assertThat(restarted.status(transaction.id()))
                            .as("crash at operation %d: acknowledged transaction %s", crashPoint, transaction.content())
                            .isPresent();
                }
                String lastWritten = run.tips.get(run.tips.size() - 1);
                assertThat(allTips.indexOf(restarted.tip().hash()))
                        .as("crash at operation %d: the chain is the last written, or the next", crashPoint)
                        .isBetween(allTips.indexOf(lastWritten), allTips.indexOf(lastWritten) + 1);
            });
        }
        assertThat(crashes).as("the scenario has many points to die at").isGreaterThan(30);
    }

    /**
     * Accepts transactions, appends b1 and b2, compacts the pool journal, switches to a branch that replaces
     * b2 (returning its transactions the branch lacks), and accepts one more; stops where the disk dies.
     */
    private static void play(Path directory, FailingChannel.Switch disk, Run run, List<Transaction> transactions,
                             Block b1, Block b2, List<Block> branch) {
        FileLedgerStore store = null;
        try {
            store = new FileLedgerStore(directory, true,
                    (path, options) -> new FailingChannel(FileChannel.open(path, options), disk), event -> { },
                    Clock.systemUTC());
            store.open(GENESIS);
            for (Transaction transaction : transactions.subList(0, 12)) {
                store.appendPending(pending(transaction)).await();
                run.acknowledged.add(transaction);
            }
            store.putBlocks(List.of(b1), List.of());
            run.tips.add(b1.hash());
            store.putBlocks(List.of(b2), List.of());
            run.tips.add(b2.hash());
            // Compaction: the pool journal keeps only what is still pending, so b2's transactions now live in b2 alone.
            store.rewrite(transactions.subList(10, 12).stream().map(CrashPointTest::pending).toList());
            List<PendingTransaction> returned = transactions.subList(7, 10).stream()
                    .map(tx -> new PendingTransaction(tx, b2.timestamp())).toList();
            store.putBlocks(branch, returned);
            run.tips.add(branch.get(branch.size() - 1).hash());
            store.appendPending(pending(transactions.get(12))).await();
            run.acknowledged.add(transactions.get(12));
        } catch (RuntimeException diskDied) {
            assertThat(disk.crashed()).as("only the crash stops the scenario: %s", diskDied).isTrue();
        } finally {
            if (store != null) {
                try {
                    store.destroy(); // what the dead process left: its queued records never reach the file
                } catch (IOException | RuntimeException expected) {
                    // closing a log whose disk is gone fails
                }
            }
        }
    }

    private static PendingTransaction pending(Transaction transaction) {
        return new PendingTransaction(transaction, ChainFixture.NOW);
    }

    /** Opens the directory as a restarting node does, checking every block and the index, and hands it to {@code check}. */
    private static void reopen(Path directory, Consumer<ChainService> check) {
        FileLedgerStore store = new FileLedgerStore(directory, true, FileChannel::open, event -> { }, Clock.systemUTC());
        try {
            check.accept(new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 100,
                    StoredChainCheck.FULL), new MutableClock(ChainFixture.NOW + Duration.ofDays(1).toMillis()),
                    event -> { }, store));
        } finally {
            try {
                store.destroy();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
