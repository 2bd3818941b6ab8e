package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar as Kubernetes runs it: SIGTERM stops it cleanly, and its logs can be JSON. */
class ShutdownIT {

    @TempDir
    Path directory;

    @Test
    void sigtermStopsMiningFinishesFlushesAndExitsZero() throws IOException {
        NodeProcess node = new NodeProcess("term", TestNode.freePort(), directory, List.of());
        try (node) {
            node.start().awaitReady();
            String id = node.submit("gzan3055", "acknowledged before SIGTERM");

            assertThat(node.stop()).as("exit code after SIGTERM").isZero();

            String log = Files.readString(node.log());
            assertThat(log).contains("Commencing graceful shutdown").contains("Ledger files flushed and closed");

            node.start().awaitReady();
            assertThat(node.status(id)).isIn("pending", "confirmed");
        }
    }

    @Test
    void kubernetesProfileLogsOneJsonObjectPerLine() throws IOException {
        NodeProcess node = new NodeProcess("json", TestNode.freePort(), directory, List.of(),
                "--spring.profiles.active=kubernetes");
        try (node) {
            node.start().awaitReady();
            assertThat(node.stop()).isZero();
        }
        List<String> lines = Files.readAllLines(node.log()).stream().filter(line -> !line.isBlank()).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            var json = NodeClient.JSON.readTree(line);
            assertThat(json.has("@timestamp")).as(line).isTrue();
            assertThat(json.has("message")).as(line).isTrue();
        });
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Started MeshchainApplication"));
    }
}
