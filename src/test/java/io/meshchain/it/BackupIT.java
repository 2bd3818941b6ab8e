package io.meshchain.it;

import io.meshchain.MeshchainApplication;
import io.meshchain.cli.ChainExport;
import io.meshchain.cli.ChainImport;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backup and restore: {@code export} writes a running node's chain to a file while it serves, and
 * {@code import} reads it into an empty data directory, checking every block, so that a node started
 * there holds the same chain; an altered file, or another network's, is refused with one line.
 */
class BackupIT {

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);

    /** What a command printed, and its exit code. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(BiFunction<PrintStream, PrintStream, Integer> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = command.apply(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run importInto(Path directory, Path file) {
        return run((out, err) -> ChainImport.run(MeshchainApplication.class, new String[] {"--from", file.toString(),
            "--meshchain.storage.path=" + directory, "--meshchain.node-id=restore"}, out, err));
    }

    @Test
    void aRunningNodesChainExportedThenImportedIntoAnEmptyDirectoryIsTheSameChain(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("chain.jsonl");
        Path restored = dir.resolve("restored");
        String exportedTip;
        try (TestNode source = TestNode.reserve("backed-up")) {
            source.start(List.of(), "--meshchain.mining.enabled=true");
            // Three rounds, each mined before the next: blocks come an interval apart, whatever the load.
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 4; i++) {
                    source.submit("backup" + i, "kept in the backup, round " + round);
                }
                int height = round + 1;
                await().atMost(Duration.ofSeconds(30)).until(() -> source.height() >= height
                        && source.summary().get("pending").asInt() == 0);
            }

            Run export = run((out, err) -> ChainExport.run(new String[] {"--node", source.url(), "--to", file.toString()},
                    out, err));

            assertThat(export.exit()).as(export.err()).isZero();
            List<String> lines = Files.readAllLines(file);
            assertThat(export.out()).contains("exported blocks 0 to " + (lines.size() - 1));
            exportedTip = NodeClient.JSON.readTree(lines.get(lines.size() - 1)).get("hash").asString();
            assertThat(source.get("/chain/blocks/" + exportedTip).status()).isEqualTo(200);
            assertThat(Files.exists(dir.resolve("chain.jsonl.partial"))).isFalse();
        }

        Run restore = importInto(restored, file);
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("tip " + exportedTip);
        Run again = importInto(restored, file);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("imported 0 blocks").contains("already held");

        try (TestNode node = TestNode.reserve("restored")) {
            node.start(List.of(), "--meshchain.mining.enabled=false", "--meshchain.storage.path=" + restored);
            assertThat(node.tipHash()).isEqualTo(exportedTip);
        }
    }

    @Test
    void anAlteredBlockIsRefusedNamingItAndItsRule(@TempDir Path dir) throws IOException {
        List<Block> chain = ChainFixture.extend(GENESIS, 5);
        Block third = chain.get(2);
        Transaction original = third.transactions().get(0);
        Block altered = new Block(third.index(), third.timestamp(), third.previousHash(), third.difficulty(), third.proof(),
                List.of(Transaction.of(original.sender(), "altered after the export", original.timestamp())), third.hash());
        List<Block> file = new ArrayList<>(List.of(GENESIS));
        file.addAll(chain);
        file.set(3, altered);
        Path path = write(dir.resolve("altered.jsonl"), file);

        Run refused = importInto(dir.resolve("data"), path);

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("refused").contains("block 3").contains("hash-matches-header");
    }

    @Test
    void aChainOfAnotherNetworkIsRefused(@TempDir Path dir) throws IOException {
        Block otherGenesis = Genesis.block(ChainFixture.DIFFICULTY + 2);
        Path path = write(dir.resolve("other.jsonl"), List.of(otherGenesis));

        Run refused = importInto(dir.resolve("data"), path);

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("not a chain of this network");
    }

    private static Path write(Path path, List<Block> blocks) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Block block : blocks) {
            lines.add(NodeClient.JSON.writeValueAsString(block));
        }
        return Files.write(path, lines);
    }
}
