package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshchain.MeshchainApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Bad settings stop the node at start with a short message naming the setting, not a stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationIT {

    @TempDir
    static Path storage;

    private static void start(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--meshchain.storage.path=" + storage);
        new SpringApplicationBuilder(MeshchainApplication.class).run(all.toArray(String[]::new)).close();
    }

    @ParameterizedTest
    @CsvSource({
            "meshchain.mining.difficulty, 0",
            "meshchain.mining.difficulty, 65",
            "meshchain.mining.threads, 0",
            "meshchain.block.max-transactions, 0",
            "meshchain.heartbeat.interval, soon",
            "meshchain.node-id, 'two words'",
            "meshchain.peers, 'not a url'",
            "meshchain.http.allowed-hosts, 'chain.example.org:443'",
            "meshchain.http.allowed-hosts, '*.example.org'",
            "meshchain.transactions.signatures, sometimes"})
    void badValueStopsTheNodeNamingTheProperty(String property, String value, CapturedOutput output) {
        assertThatThrownBy(() -> start("--server.port=0", "--" + property + "=" + value)).isInstanceOf(Exception.class);

        String printed = output.getOut() + output.getErr();
        assertThat(printed).contains("APPLICATION FAILED TO START").doesNotContain("\tat io.meshchain");
        // Nested properties are reported in their Java form (block.maxTransactions): compare without dashes.
        assertThat(printed.replace("-", "").toLowerCase()).contains(property.replace("-", "").toLowerCase());
    }

    @Test
    void peersFileIsReadAtStart(@TempDir Path dir, CapturedOutput output) throws IOException {
        Path peers = Files.writeString(dir.resolve("peers.txt"), "2\nn1 6001\nn2 6002\n");
        TestNode node = TestNode.reserve("n1");
        try (node) {
            node.start(List.of(), "--meshchain.peers-file=" + peers, "--meshchain.mining.enabled=false");
            assertThat(node.summary().get("peers")).singleElement()
                    .satisfies(peer -> assertThat(peer.get("url").asString()).isEqualTo("http://127.0.0.1:6002"));
        }
    }

    @Test
    void unreadablePeersFileStopsTheNode(@TempDir Path dir, CapturedOutput output) {
        assertThatThrownBy(() -> start("--server.port=0", "--meshchain.peers-file=" + dir.resolve("missing.txt")))
                .isInstanceOf(Exception.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Invalid setting meshchain.peers-file: cannot read");
    }
}
