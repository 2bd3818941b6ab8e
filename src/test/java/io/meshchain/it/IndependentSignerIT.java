package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A transaction signed by another Ed25519 implementation, Node's own crypto, from docs/api.md's
 * description alone ({@code independent/sign-transaction.js} uses no code of the node), is
 * accepted under the id that implementation computed, and mined. It needs {@code node}, which CI
 * installs; elsewhere the test is skipped without it, and with {@code CI} set its absence fails.
 */
class IndependentSignerIT {

    private static final long TIMESTAMP = System.currentTimeMillis() - 60_000;

    @Test
    void aTransactionSignedByNodesCryptoFromTheContractAloneIsAcceptedAndMined() {
        requireNode();
        try (TestNode node = TestNode.reserve("signed")) {
            node.start(List.of(), "--meshchain.block.max-wait=200ms");
            String genesis = node.get("/chain?from=0&limit=1").json().get("blocks").get(0).get("hash").asString();
            JsonNode signed = NodeClient.JSON.readTree(run("node", script().toString(), genesis, "gzan3055",
                    "signed by another implementation", Long.toString(TIMESTAMP)));

            NodeClient.Response answer = node.post("/transactions", "{\"sender\":\"gzan3055\","
                    + "\"content\":\"signed by another implementation\",\"timestamp\":" + TIMESTAMP
                    + ",\"publicKey\":\"" + signed.get("publicKey").asString() + "\",\"signature\":\""
                    + signed.get("signature").asString() + "\"}");

            assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
            String id = signed.get("id").asString();
            assertThat(answer.json().get("id").asString()).isEqualTo(id);
            await().atMost(Duration.ofSeconds(30)).until(() -> node.status(id).equals("confirmed"));

            String forged = signed.get("signature").asString();
            forged = (forged.charAt(0) == 'A' ? "B" : "A") + forged.substring(1);
            NodeClient.Response refused = node.post("/transactions", "{\"sender\":\"gzan3055\","
                    + "\"content\":\"signed by another implementation, altered\",\"timestamp\":" + TIMESTAMP
                    + ",\"publicKey\":\"" + signed.get("publicKey").asString() + "\",\"signature\":\"" + forged + "\"}");
            assertThat(refused.status()).isEqualTo(400);
        }
    }

    /** The explorer's own signing code (static/sign.js, WebCrypto's Ed25519), run by Node as a browser runs it. */
    @Test
    void theExplorersSigningCodeSignsWhatTheNodeTakes() {
        requireNode();
        try (TestNode node = TestNode.reserve("explorer")) {
            node.start(List.of(), "--meshchain.mining.enabled=false");
            String genesis = node.get("/chain?from=0&limit=1").json().get("blocks").get(0).get("hash").asString();
            String program = "const s = require(process.argv[1]);"
                    + "(async () => { const key = await s.newPrivateKey();"
                    + " const t = await s.sign(key, process.argv[2], 'gzan3055', 'signed in the page \u00e9\ud83d\ude00', "
                    + TIMESTAMP + "); process.stdout.write(JSON.stringify(t)); })()"
                    + ".catch((e) => { console.error(e); process.exit(1); });";
            String body = run("node", "-e", program, resource("/static/sign.js").toString(), genesis);

            NodeClient.Response answer = node.post("/transactions", body);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
            assertThat(answer.json().get("content").asString()).isEqualTo("signed in the page \u00e9\ud83d\ude00");
            assertThat(answer.json().get("publicKey").asString()).hasSize(43);
        }
    }

    /** Skips the test without {@code node}, except in CI, which must have it. */
    private static void requireNode() {
        boolean available = nodeAvailable();
        if (System.getenv("CI") != null) {
            assertThat(available).as("CI must provide node").isTrue();
        }
        assumeTrue(available, "needs node (Node.js)");
    }

    private static boolean nodeAvailable() {
        try {
            run("node", "--version");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Path script() {
        return resource("/independent/sign-transaction.js");
    }

    private static Path resource(String name) {
        try {
            return Path.of(IndependentSignerIT.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
