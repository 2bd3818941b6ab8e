package io.meshchain.storage;

import io.meshchain.system.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The claim on the data directory: one node at a time, and a start that names the setting when it cannot write. */
class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aNewDirectoryIsCreatedAndClaimedAbsolute() {
        DataDirectory claimed = DataDirectory.claim(dir.resolve("a/b/../c"));
        try {
            assertThat(claimed.path()).isEqualTo(dir.resolve("a/c").toAbsolutePath().normalize());
            assertThat(claimed.path().resolve(DataDirectory.LOCK_FILE)).exists();
        } finally {
            claimed.release();
        }
    }

    @Test
    void unwritableDirectoryStopsStartWithTheSetting() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> DataDirectory.claim(file.resolve("data")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("meshchain.storage.path")
                .hasMessageContaining("cannot create or write");
    }

    @Test
    void directoryInUseByAnotherNodeIsRefusedUntilItIsReleased() {
        DataDirectory first = DataDirectory.claim(dir);
        assertThatThrownBy(() -> DataDirectory.claim(dir))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("in use by another running node");

        first.release();
        DataDirectory.claim(dir).release();
    }
}
