package io.meshchain.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.ledger.StorageException;
import io.meshchain.system.HealthDisclosure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.mock.env.MockEnvironment;

/** Storage health names the data directory only once an operator has turned every detail on. */
class StorageHealthIndicatorTest {

    @TempDir
    Path dir;

    private final FailingChannel.Switch disk = new FailingChannel.Switch();
    private FileLedgerStore store;

    @BeforeEach
    void openStore() {
        store = new FileLedgerStore(dir, true, (path, options) -> new FailingChannel(FileChannel.open(path, options), disk),
                event -> { }, Clock.systemUTC());
        store.open(Genesis.block(ChainFixture.DIFFICULTY));
    }

    @AfterEach
    void closeStore() throws IOException {
        disk.heal();
        store.destroy();
    }

    private Health health(MockEnvironment settings) {
        return new StorageHealthIndicator(store, new HealthDisclosure(settings)).health();
    }

    private void failAWrite() {
        disk.failNow();
        assertThatThrownBy(() -> store.appendPending(new PendingTransaction(ChainFixture.tx(), ChainFixture.NOW)).await())
                .isInstanceOf(StorageException.class);
    }

    @Test
    void byDefaultNoDetailNamesTheDataDirectory() {
        failAWrite();

        Health health = health(new MockEnvironment());

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        Map<String, Object> details = health.getDetails();
        assertThat(details).doesNotContainKey("path").containsKeys("fsync", "blocksBytes", "lastWrite", "recovered");
        assertThat(details.toString()).doesNotContain(dir.toString());
        assertThat((String) details.get("error")).contains("in " + DataDirectory.PROPERTY)
                .contains("No space left on device");
    }

    @Test
    void anOperatorWhoSetsShowDetailsSeesThePath() {
        failAWrite();

        Health health = health(new MockEnvironment().withProperty(HealthDisclosure.SHOW_DETAILS, "always"));

        assertThat(health.getDetails().get("path")).isEqualTo(dir.toAbsolutePath().normalize().toString());
        assertThat((String) health.getDetails().get("error")).contains("in " + dir.toAbsolutePath().normalize());
    }
}
