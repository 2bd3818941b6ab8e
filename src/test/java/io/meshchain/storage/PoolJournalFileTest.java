package io.meshchain.storage;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.PoolJournal.Rewrite;
import io.meshchain.ledger.StorageException;
import io.meshchain.primitives.Transaction;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pool journal on its own: what it gives back at start, and its compaction. */
class PoolJournalFileTest {

    @TempDir
    Path dir;

    private final FailingChannel.Switch disk = new FailingChannel.Switch();
    private final List<PoolJournalFile> opened = new ArrayList<>();
    private final StorageReadiness readiness = new StorageReadiness(Path.of("test"), event -> { }, Clock.systemUTC(),
            this);

    private Path file() {
        return dir.resolve(DataDirectory.POOL_JOURNAL_FILE);
    }

    private PoolJournalFile journal() throws IOException {
        PoolJournalFile journal = PoolJournalFile.open(file(), true,
                (path, options) -> new FailingChannel(FileChannel.open(path, options), disk), readiness);
        opened.add(journal);
        return journal;
    }

    /** The pool the journal gives back once closed and opened again, as at a restart. */
    private List<PendingTransaction> reopened(PoolJournalFile journal) throws IOException {
        journal.close();
        return journal().pool(List.of());
    }

    @AfterEach
    void closeAll() throws IOException {
        disk.heal();
        for (PoolJournalFile journal : opened) {
            journal.close();
        }
        readiness.shutdown();
    }

    private static PendingTransaction pending(Transaction transaction) {
        return new PendingTransaction(transaction, ChainFixture.NOW);
    }

    @Test
    void returnedTransactionsComeBackAheadOfTheRestTheNewestReturnsFirst() throws IOException {
        PoolJournalFile journal = journal();
        PendingTransaction added = pending(ChainFixture.tx());
        journal.append(added).await();
        PendingTransaction returnedFirst = pending(ChainFixture.tx());
        journal.appendReturned(List.of(returnedFirst));
        PendingTransaction returnedLater = pending(ChainFixture.tx());
        journal.appendReturned(List.of(returnedLater));
        PendingTransaction abandoned = pending(ChainFixture.tx());

        journal.close();
        assertThat(journal().pool(List.of(abandoned))).as("what the replay of the block log abandoned comes first")
                .containsExactly(abandoned, returnedLater, returnedFirst, added);
    }

    @Test
    void poolJournalIsWorthCompactingOnlyWhenMostlyStale() throws IOException {
        PoolJournalFile journal = journal();
        journal.pool(List.of());
        for (int i = 0; i < PoolJournalFile.COMPACTION_MIN_RECORDS; i++) {
            journal.append(pending(ChainFixture.tx()));
        }
        assertThat(journal.needsCompaction(0)).isFalse();
        journal.append(pending(ChainFixture.tx()));
        assertThat(journal.needsCompaction(0)).isTrue();
        assertThat(journal.needsCompaction(PoolJournalFile.COMPACTION_MIN_RECORDS)).isFalse();
    }

    @Test
    void aCompactionForcesTheBlocksBeforeItWritesTheNewJournal() throws IOException {
        PoolJournalFile journal = journal();
        List<Boolean> newJournalExisted = new ArrayList<>();
        Rewrite rewrite = journal.beginRewrite(List.of(),
                () -> newJournalExisted.add(Files.exists(file().resolveSibling(file().getFileName() + ".tmp"))));

        rewrite.write();
        rewrite.finish();

        assertThat(newJournalExisted).as("the blocks were forced once, before the new journal was begun")
                .containsExactly(false);
    }

    @Test
    void aCompactionCarriesOverWhatWasAppendedWhileItWrote() throws IOException {
        PoolJournalFile journal = journal();
        Transaction kept = ChainFixture.tx();
        journal.append(pending(kept)).await();
        journal.append(pending(ChainFixture.tx())).await();

        Rewrite rewrite = journal.beginRewrite(List.of(pending(kept)), () -> { });
        rewrite.write();
        Transaction meanwhile = ChainFixture.tx();
        journal.append(pending(meanwhile));
        rewrite.finish();
        Transaction after = ChainFixture.tx();
        journal.append(pending(after)).await();

        assertThat(reopened(journal)).containsExactly(pending(kept), pending(meanwhile), pending(after));
    }

    @Test
    void anAbandonedCompactionLeavesThePoolJournalAsItWas() throws IOException {
        PoolJournalFile journal = journal();
        Transaction first = ChainFixture.tx();
        journal.append(pending(first)).await();

        Rewrite rewrite = journal.beginRewrite(List.of(), () -> { });
        rewrite.write();
        rewrite.abandon();
        Transaction second = ChainFixture.tx();
        journal.append(pending(second)).await();

        assertThat(reopened(journal)).containsExactly(pending(first), pending(second));
        assertThat(dir.resolve(DataDirectory.POOL_JOURNAL_FILE + ".tmp")).doesNotExist();
    }

    @Test
    void poolRewriteThatFailsLeavesTheOldPoolJournalAndNoHalfWrittenOne() throws IOException {
        PoolJournalFile journal = journal();
        Transaction kept = ChainFixture.tx();
        journal.append(pending(kept)).await();

        disk.failAfterBytes(100);
        Rewrite rewrite = journal.beginRewrite(List.of(pending(ChainFixture.tx()), pending(ChainFixture.tx())),
                () -> { });
        assertThatThrownBy(rewrite::write).isInstanceOf(StorageException.class);
        rewrite.abandon();
        disk.heal();
        Transaction later = ChainFixture.tx();
        journal.append(pending(later)).await();

        assertThat(reopened(journal)).containsExactly(pending(kept), pending(later));
        assertThat(dir.resolve(DataDirectory.POOL_JOURNAL_FILE + ".tmp")).doesNotExist();
        assertThat(readiness.failure()).as("the next write that succeeded cleared the failure").isNull();
    }

    @Test
    void failingFlushIsNotAnAcknowledgement() throws IOException {
        PoolJournalFile journal = journal();
        var durability = journal.append(pending(ChainFixture.tx()));
        disk.failNow();
        assertThatThrownBy(durability::await).isInstanceOf(StorageException.class);
        assertThat(readiness.failure()).contains("cannot flush the pool journal");
    }
}
