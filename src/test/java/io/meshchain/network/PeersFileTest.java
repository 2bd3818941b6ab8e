package io.meshchain.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshchain.system.ConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeersFileTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("peers.txt"), content);
    }

    @Test
    void readsTheSeedsFormatAndSkipsThisNode() throws IOException {
        List<Peer> peers = PeersFile.read(file("3\nA 6000\nB 6001\nC 6002\n"), "B");

        assertThat(peers).containsExactly(
                new Peer(URI.create("http://127.0.0.1:6000"), "A"),
                new Peer(URI.create("http://127.0.0.1:6002"), "C"));
    }

    @Test
    void toleratesBlankLinesAndExtraSpaces() throws IOException {
        assertThat(PeersFile.read(file("1\n\n  A   6000  \n\n"), "B")).hasSize(1);
    }

    @Test
    void countThatDoesNotMatchTheLinesIsAnError() throws IOException {
        Path file = file("3\nA 6000\n");
        assertThatThrownBy(() -> PeersFile.read(file, "B"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("meshchain.peers-file")
                .hasMessageContaining("announces 3 peers but lists 1");
    }

    @Test
    void malformedLinesAreErrorsNamingTheLine() throws IOException {
        Path noPort = file("1\nA\n");
        assertThatThrownBy(() -> PeersFile.read(noPort, "B")).hasMessageContaining("line 2");
        Path badPort = file("1\nA port\n");
        assertThatThrownBy(() -> PeersFile.read(badPort, "B")).hasMessageContaining("port must be a number");
        Path outOfRange = file("1\nA 70000\n");
        assertThatThrownBy(() -> PeersFile.read(outOfRange, "B")).hasMessageContaining("not between 1 and 65535");
        Path noCount = file("A 6000\n");
        assertThatThrownBy(() -> PeersFile.read(noCount, "B")).hasMessageContaining("number of peers");
    }

    @Test
    void missingFileIsAnError() {
        assertThatThrownBy(() -> PeersFile.read(dir.resolve("absent.txt"), "B"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot read");
    }
}
