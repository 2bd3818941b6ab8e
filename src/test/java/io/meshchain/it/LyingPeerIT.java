package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer advertising enormous work, whose chain or answers are broken in one way. The node must
 * refuse it, count the refusal under the rule it broke, keep its own chain, not download the same
 * lie again, and keep serving its clients throughout.
 */
class LyingPeerIT {

    private static final int LENGTH = 10;
    /** Height of the block each broken chain breaks. */
    private static final int BROKEN = 5;
    /** Bytes an endless answer sends before the fake gives up: far beyond any limit of the node. */
    private static final long ENDLESS_BYTES = 256L * 1024 * 1024;

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);

    /** A lie: the chain advertised and how blocks are served. */
    record Lie(List<Block> chain, FakePeer.ChainAnswer answer) {
    }

    private static Arguments brokenChain(String rule, UnaryOperator<List<Block>> breakChain) {
        List<Block> chain = new ArrayList<>(List.of(GENESIS));
        chain.addAll(breakChain.apply(ChainFixture.extend(GENESIS, LENGTH)));
        return Arguments.of(rule, new Lie(chain, FakePeer.ChainAnswer.PAGES));
    }

    private static Arguments brokenAnswer(String rule, FakePeer.ChainAnswer answer) {
        List<Block> chain = new ArrayList<>(List.of(GENESIS));
        chain.addAll(ChainFixture.extend(GENESIS, LENGTH));
        return Arguments.of(rule, new Lie(chain, answer));
    }

    static Stream<Arguments> lies() {
        return Stream.of(
                brokenChain("proof-of-work", chain -> replaceAt(chain, ChainFixture.withoutWork(chain.get(BROKEN - 2),
                        List.of(ChainFixture.tx()), ChainFixture.NOW))),
                brokenChain("links-to-parent", chain -> replaceAt(chain, ChainFixture.mine(BROKEN, "1".repeat(64),
                        List.of(ChainFixture.tx()), ChainFixture.NOW, ChainFixture.DIFFICULTY))),
                brokenChain("index-follows-parent", chain -> replaceAt(chain, ChainFixture.mine(BROKEN + 1,
                        chain.get(BROKEN - 2).hash(), List.of(ChainFixture.tx()), ChainFixture.NOW, ChainFixture.DIFFICULTY))),
                brokenChain("hash-matches-header", chain -> replaceAt(chain, claimingHash(chain.get(BROKEN - 1),
                        chain.get(0).hash()))),
                brokenChain("valid-transactions", chain -> replaceAt(chain, withTransactions(chain.get(BROKEN - 1),
                        List.of(tampered(chain.get(BROKEN - 1).transactions().get(0)))))),
                brokenChain("valid-signatures", chain -> replaceAt(chain, ChainFixture.mine(chain.get(BROKEN - 2),
                        List.of(forgedSignature()), ChainFixture.NOW))),
                brokenChain("valid-transactions", chain -> replaceAt(chain, ChainFixture.mine(chain.get(BROKEN - 2),
                        List.of(strippedSignature()), ChainFixture.NOW))),
                brokenChain("unique-transactions", chain -> {
                    Transaction twice = ChainFixture.tx();
                    return replaceAt(chain, ChainFixture.mine(chain.get(BROKEN - 2), List.of(twice, twice), ChainFixture.NOW));
                }),
                brokenChain("transaction-count", chain -> replaceAt(chain, ChainFixture.mine(chain.get(BROKEN - 2),
                        ChainFixture.txs(6), ChainFixture.NOW))),
                brokenChain("timestamp-not-in-future", chain -> replaceAt(chain, ChainFixture.mine(chain.get(BROKEN - 2),
                        List.of(ChainFixture.tx()), System.currentTimeMillis() + Duration.ofHours(1).toMillis()))),
                brokenChain("same-genesis", chain -> ChainFixture.extend(ChainFixture.mine(0, "2".repeat(64),
                        List.of(ChainFixture.tx()), 0, ChainFixture.DIFFICULTY), LENGTH)),
                brokenAnswer("malformed-response", (exchange, chain, from, limit) ->
                        FakePeer.respond(exchange, 200, "{\"height\": 10, \"blocks\": [tru".getBytes(StandardCharsets.UTF_8))),
                brokenAnswer("response-too-large", LyingPeerIT::endless));
    }

    /** Replaces the block at height {@link #BROKEN} and mines the blocks after it again on top of it. */
    private static List<Block> replaceAt(List<Block> chain, Block broken) {
        List<Block> result = new ArrayList<>(chain.subList(0, BROKEN - 1));
        result.add(broken);
        result.addAll(ChainFixture.extend(broken, LENGTH - BROKEN));
        return result;
    }

    private static Block claimingHash(Block block, String hash) {
        return new Block(block.index(), block.timestamp(), block.previousHash(), block.difficulty(), block.proof(),
                block.transactions(), hash);
    }

    private static Block withTransactions(Block block, List<Transaction> transactions) {
        return new Block(block.index(), block.timestamp(), block.previousHash(), block.difficulty(), block.proof(),
                transactions, block.hash());
    }

    /** A signed transaction carrying the signature of another: its key did not sign it. */
    private static Transaction forgedSignature() {
        Transaction signed = ChainFixture.signed(GENESIS.hash(), "gzan3055", "signed", ChainFixture.NOW);
        return new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(), signed.publicKey(),
                ChainFixture.signed(GENESIS.hash(), "gzan3055", "something else", ChainFixture.NOW).signature());
    }

    /** A signed transaction served without its key and signature, under its id. */
    private static Transaction strippedSignature() {
        Transaction signed = ChainFixture.signed(GENESIS.hash(), "gzan3055", "signed", ChainFixture.NOW);
        return new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp());
    }

    /** The same id and sender, other content: what a forger would like to slip in. */
    private static Transaction tampered(Transaction tx) {
        return new Transaction(tx.id(), tx.sender(), "pay mallory everything", tx.timestamp());
    }

    private static void endless(com.sun.net.httpserver.HttpExchange exchange, List<Block> chain, int from, int limit)
            throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        byte[] spaces = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = exchange.getResponseBody()) {
            // The start of a chain page, then whitespace without end: nothing but its size is wrong.
            out.write("{\"height\": 10, \"totalWork\": 1, \"blocks\": [".getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent < ENDLESS_BYTES; sent += spaces.length) {
                out.write(spaces);
            }
        } catch (IOException e) {
            // The node hung up, as it should.
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lies")
    void lieIsNeverAdoptedIsCountedAndTheNodeKeepsServing(String rule, Lie lie) {
        try (FakePeer liar = new FakePeer(lie.chain(), lie.answer()); TestNode node = TestNode.reserve("honest")) {
            // The fixtures' network: blocks of at most five transactions.
            node.start(List.of(liar.url()), "--meshchain.mining.enabled=true", "--meshchain.block.max-transactions=5");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(node.counter("meshchain.blocks.rejected", "rule:" + rule)).isGreaterThanOrEqualTo(1));

            assertThat(node.height()).isZero();
            assertThat(node.tipHash()).isEqualTo(GENESIS.hash());
            if (!rule.equals("timestamp-not-in-future")) {
                int requestsAfterRefusal = liar.chainRequests();
                // The peer is set aside: later heartbeats do not download the same lie again.
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                        .until(() -> liar.chainRequests() == requestsAfterRefusal);
            }
            String id = node.submit("gzan3055", "still serving");
            await().atMost(Duration.ofSeconds(30)).until(() -> node.status(id).equals("confirmed"));
            assertThat(node.get("/actuator/health").status()).isEqualTo(200);
        }
    }

    /**
     * A node whose peers are an honest node and a liar advertising a chain 400 blocks high that it
     * cannot serve: the node takes clients (readiness counts only heights it has checked blocks for),
     * names the liar among the peers it set aside, and stays ready.
     */
    @Test
    void aPeerAdvertisingAHeightItCannotBackDoesNotKeepANodeOutOfService() {
        List<Block> claimed = withGenesis(ChainFixture.extend(GENESIS, 400));
        FakePeer.ChainAnswer junk = (exchange, chain, from, limit) ->
                FakePeer.respond(exchange, 200, "{\"height\": 400, \"blocks\": [tru".getBytes(StandardCharsets.UTF_8));
        try (FakePeer liar = new FakePeer(claimed, junk);
             TestNode honest = TestNode.reserve("honest");
             TestNode node = TestNode.reserve("node")) {
            honest.start(List.of(), "--meshchain.mining.enabled=true");
            node.start(List.of(liar.url(), honest.url()), "--meshchain.mining.enabled=false");

            await().atMost(Duration.ofSeconds(30)).until(() -> node.get("/readyz").status() == 200
                    && node.get("/actuator/health").body().contains("malformed-answer"));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> node.get("/readyz").status() == 200);
            assertThat(liar.chainRequests()).as("one failed sync, then set aside").isLessThanOrEqualTo(2);
        }
    }

    /**
     * A peer that pads every page to just under the 4 MiB a node reads (blocks of 100 transactions
     * of 70 emoji each, far more blocks than asked for), with a new tip each time, and a node that sets
     * a peer aside for a second only, so that it asks again and again: the heap of a node with less
     * than the image gives is not exhausted, since each page is read, refused and dropped before the
     * next.
     */
    @Test
    void pagesOfNearlyFourMegabytesDoNotExhaustTheHeap(@TempDir Path directory) {
        byte[] page = paddedPage(4 * 1024 * 1024 - 100_000);
        AtomicReference<FakePeer> self = new AtomicReference<>();
        FakePeer.ChainAnswer padded = (exchange, chain, from, limit) -> {
            self.get().serve(withGenesis(ChainFixture.extend(GENESIS, 3)));
            FakePeer.respond(exchange, 200, page);
        };
        List<String> jvm = new ArrayList<>(NodeProcess.TEST_JVM);
        jvm.add("-XX:+ExitOnOutOfMemoryError");
        try (FakePeer liar = new FakePeer(withGenesis(ChainFixture.extend(GENESIS, 3)), padded);
             NodeProcess node = new NodeProcess(jvm, "target", TestNode.freePort(), directory, List.of(liar.url()),
                     "--meshchain.heartbeat.interval=200ms", "--meshchain.mining.enabled=false",
                     "--meshchain.sync.set-aside=1s")) {
            self.set(liar);
            node.start().awaitLive(); // not ready: its only peer is set aside again and again

            await().atMost(Duration.ofSeconds(90)).until(() -> liar.chainRequests() >= 20 || !node.isAlive());

            assertThat(node.isAlive()).as("alive after " + liar.chainRequests() + " pages of " + page.length + " bytes")
                    .isTrue();
            assertThat(node.height()).isZero();
        }
    }

    private static List<Block> withGenesis(List<Block> blocks) {
        List<Block> chain = new ArrayList<>(List.of(GENESIS));
        chain.addAll(blocks);
        return chain;
    }

    /** A page of blocks from height 1, as many as fit in {@code bytes}. */
    private static byte[] paddedPage(int bytes) {
        int blockBytes = NodeClient.JSON.writeValueAsBytes(paddedBlock(1)).length;
        List<Block> blocks = new ArrayList<>();
        for (int index = 1; index <= bytes / blockBytes; index++) {
            blocks.add(paddedBlock(index));
        }
        byte[] page = NodeClient.JSON.writeValueAsBytes(new ChainPage(blocks.size(), FakePeer.ENORMOUS_WORK, blocks));
        assertThat(page.length).as("a page just under what a node reads").isBetween(bytes - blockBytes, 4 * 1024 * 1024);
        return page;
    }

    /** A block of 100 transactions of 70 emoji each: the largest content the rules allow, in bytes. */
    private static Block paddedBlock(int index) {
        String content = "\uD83D\uDE00".repeat(70);
        List<Transaction> transactions = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            transactions.add(Transaction.of("padding" + i, content, ChainFixture.NOW + index));
        }
        return new Block(index, ChainFixture.NOW + index, "0".repeat(64), ChainFixture.DIFFICULTY, 0, transactions,
                "0".repeat(64));
    }
}
