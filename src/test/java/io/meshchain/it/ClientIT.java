package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshchain.cli.Client;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's client against a running node: one-shot commands, exit codes, and the prompt on stdin. */
class ClientIT {

    private static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.reserve("cli").start(List.of("http://127.0.0.1:9"), "--meshchain.mining.enabled=false");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** What one run of the client printed, and its exit code. */
    record Run(int exit, String out, String err) {
    }

    /** The client's keys directory in these tests: never the user's own. */
    @TempDir
    static Path keys;

    private static Run client(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--node", node.url(), "--keys", keys.toString()));
        all.addAll(List.of(args));
        int exit = Client.run(all.toArray(String[]::new), new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String idIn(String output) {
        return output.replaceAll("(?s).*Transaction ([0-9a-f]{64}).*", "$1");
    }

    @Test
    void txSubmitsAndPrintsTheIdAndStatus() {
        Run run = client("", "tx", "gzan3055", "hello", "from", "the", "client");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).matches("(?s)Transaction [0-9a-f]{64} pending\\R");
        assertThat(node.status(idIn(run.out()))).isEqualTo("pending");
    }

    @Test
    void theSeedsPipeFormWorksToo() {
        Run run = client("", "tx|gzan3055|piped content");
        assertThat(run.exit()).isZero();
        assertThat(node.get("/transactions/" + idIn(run.out())).json().get("content").asString()).isEqualTo("piped content");
    }

    @Test
    void keygenWritesAKeyOnlyItsOwnerReadsAndNeverOverwritesIt() throws Exception {
        Run made = client("", "keygen", "keyed1");
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(made.out()).contains("Public key ");
        Path file = keys.resolve("keyed1.key");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        String key = Files.readString(file);

        Run again = client("", "keygen", "keyed1");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("never overwritten");
        assertThat(Files.readString(file)).isEqualTo(key);
        assertThat(client("", "keygen", "not-a-name").exit()).isEqualTo(2);
    }

    @Test
    void txSignsWithTheSendersKeyAndWhoisShowsNoBindingUntilOneIsConfirmed() {
        assertThat(client("", "keygen", "keyed2").exit()).isZero();

        Run run = client("", "tx", "keyed2", "signed", "by", "the", "client");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).matches("(?s)Transaction [0-9a-f]{64} pending signed\\R");
        assertThat(node.get("/transactions/" + idIn(run.out())).json().get("publicKey").asString()).isNotBlank();
        Run whois = client("", "whois", "keyed2");
        assertThat(whois.exit()).isZero();
        assertThat(whois.out()).contains("keyed2 is open");
    }

    @Test
    void proveChecksHereThatAConfirmedTransactionIsInItsBlock() {
        long earliest = System.currentTimeMillis() - 60_000;
        String id = node.post("/transactions", "{\"sender\":\"prover1\",\"content\":\"to be proved\",\"timestamp\":"
                + earliest + "}").json().get("id").asString();
        Run pending = client("", "prove", id);
        assertThat(pending.exit()).isEqualTo(1);
        assertThat(pending.err()).contains("pending");

        ExternalMiner.mine(node, 0, transaction -> transaction.id().equals(id));
        Run proved = client("", "prove", id);

        assertThat(proved.exit()).as(proved.err()).isZero();
        assertThat(proved.out()).contains("ok  its leaf and", "ok  that root and the block's header",
                "ok  that hash has the", "proved: block");
        assertThat(client("", "prove", "ab".repeat(32)).exit()).isEqualTo(1);
    }

    @Test
    void watchPrintsBlocksAsTheyJoinTheChainFromAfterTheIndexGivenAndStopsAfterTheCount() throws Exception {
        long tip = node.height();
        CompletableFuture<Run> watching = CompletableFuture.supplyAsync(() -> client("", "watch", Long.toString(tip), "2"));
        for (String sender : List.of("watched1", "watched2")) {
            // stamped a minute ago, so that it is due for a block at once
            String id = node.post("/transactions", "{\"sender\":\"" + sender + "\",\"content\":\"seen by watch\","
                    + "\"timestamp\":" + (System.currentTimeMillis() - 60_000) + "}").json().get("id").asString();
            ExternalMiner.mine(node, 0, transaction -> transaction.id().equals(id));
        }

        Run run = watching.get(30, TimeUnit.SECONDS);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsSubsequence("Block " + (tip + 1), "watched1: seen by watch",
                "Block " + (tip + 2), "watched2: seen by watch");
        assertThat(client("", "watch", "x").exit()).isEqualTo(2);
        assertThat(client("", "watch", "1", "0").err()).contains("usage: watch [after] [count]");
    }

    @Test
    void rejectedTransactionPrintsTheNodesReasonAndFails() {
        Run run = client("", "tx", "not-alphanumeric", "hello");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("rejected: sender must be 1 to 32 letters or digits");
    }

    @Test
    void unreachableNodeIsOneLineAndFails() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Client.run(new String[] {"--node", "http://127.0.0.1:9", "status"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("cannot reach the node at http://127.0.0.1:9").hasLineCount(1);
    }

    @Test
    void wrongCommandsPrintWhatIsWrongAndTheUsage() {
        Run unknown = client("", "mine");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'mine'").contains("tx <sender> <content...>");
        assertThat(client("", "tx", "lonely").err()).contains("tx needs a sender and some content");
        assertThat(client("", "--verbose", "pb").exit()).isEqualTo(2);
    }

    @Test
    void pbPrintsPendingTransactionsThenEveryBlockAsTheSeedDid() {
        String id = idIn(client("", "tx", "alice", "shown by pb").out());
        Run run = client("", "pb");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Pending transactions:").contains("alice: shown by pb").contains(id)
                .contains("Block 0").contains("Timestamp:     1970-01-01 00:00:00.000 UTC")
                .contains("Proof:         0").contains("Previous hash: " + "0".repeat(64))
                .contains("Hash:          " + node.tipHash());
        assertThat(run.out().indexOf("Pending transactions")).isLessThan(run.out().indexOf("Block 0"));
    }

    @Test
    void statusShowsTheSummaryAndPeers() {
        Run run = client("", "status");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Node cli: height 0").contains("Peers: 1").contains("http://127.0.0.1:9");
    }

    @Test
    void txStatusTellsPendingFromUnknown() {
        String id = idIn(client("", "tx", "alice", "asked about").out());
        assertThat(client("", "tx-status", id).out()).isEqualTo(id + " pending" + System.lineSeparator());
        Run unknown = client("", "tx-status", "f".repeat(64));
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no transaction");
    }

    @Test
    void withoutACommandItPromptsAndRunsEachLineUntilCc() {
        Run run = client("tx bob typed at the prompt\n\nbogus\nstatus\ncc\nstatus\n");
        assertThat(run.exit()).isZero();
        assertThat(run.out().split("Please enter your command", -1)).as("a prompt before each of the five lines").hasSize(6);
        assertThat(run.out()).contains("Transaction ").contains("Node cli:");
        assertThat(run.err()).contains("unknown command 'bogus'");
        assertThat(run.out().split("Node cli:", -1)).as("nothing runs after cc").hasSize(2);
    }

    @Test
    void theJarRunsTheClientWithoutStartingANode() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        long start = System.nanoTime();
        Process oneShot = new ProcessBuilder(java, "-jar", NodeProcess.JAR.toString(), "client", "--node", node.url(),
                "status").redirectErrorStream(true).start();
        String output = new String(oneShot.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(oneShot.waitFor(30, TimeUnit.SECONDS)).isTrue();
        System.out.printf("one-shot 'client status' through the jar: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(oneShot.exitValue()).isZero();
        assertThat(output).startsWith("Node cli: height");

        Process prompt = new ProcessBuilder(java, "-jar", NodeProcess.JAR.toString(), "client", "--node", node.url())
                .redirectErrorStream(true).start();
        try (OutputStream stdin = prompt.getOutputStream()) {
            stdin.write("tx carol through stdin\npb\ncc\n".getBytes(StandardCharsets.UTF_8));
        }
        String session = new String(prompt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(prompt.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(prompt.exitValue()).isZero();
        assertThat(session).startsWith("Please enter your command").contains("Transaction ").contains("carol: through stdin");
        await().atMost(Duration.ofSeconds(5)).until(() -> node.summary().get("pending").asInt() > 0);
    }
}
