package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /chain/events} as its clients see it (the HTTP contract): every block of the chain in order, a
 * switch of branches announced before its blocks, resuming after {@code Last-Event-ID}, comments
 * that keep an idle stream alive, and a client that stops reading cut off without holding up the others.
 */
class ChainEventsIT {

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);

    @Test
    void aClientSeesEveryBlockInOrderAndASwitchBeforeItsBlocksAndResumesAfterTheLastItHad() {
        List<Block> first = ChainFixture.extend(GENESIS, 3);
        List<Block> better = ChainFixture.extend(first.get(0), 4); // forks above block 1, two blocks longer
        try (FakePeer peer = new FakePeer(List.of(GENESIS)); TestNode node = TestNode.reserve("streaming")) {
            node.start(List.of(peer.url()), "--meshchain.mining.enabled=false");
            try (EventStreamClient live = EventStreamClient.open(node.url(), -1, false)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> live.connections() == 1);

                peer.serve(withGenesis(first));
                await().atMost(Duration.ofSeconds(30)).until(() -> live.height() == 3);
                peer.serve(withGenesis(List.of(first.get(0)), better));
                await().atMost(Duration.ofSeconds(30)).until(() -> live.height() == 5);

                assertThat(live.events()).extracting(e -> e.name() + " " + e.id()).containsExactly(
                        "block 1", "block 2", "block 3", "reorg 1", "block 2", "block 3", "block 4", "block 5");
                EventStreamClient.Event reorg = live.events().get(3);
                assertThat(reorg.data().get("forkIndex").asLong()).isEqualTo(1);
                List<String> removed = new ArrayList<>();
                reorg.data().get("removed").forEach(hash -> removed.add(hash.asString()));
                assertThat(removed).containsExactly(first.get(1).hash(), first.get(2).hash());
                assertThat(live.violations()).isEmpty();
                assertThat(live.hashes()).isEqualTo(hashes(List.of(first.get(0)), better));
                assertThat(node.counter("meshchain.events.sent", "event:reorg")).isEqualTo(1);
            }

            try (EventStreamClient resumed = EventStreamClient.open(node.url(), 3, false)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> resumed.height() == 5);
                assertThat(resumed.blockIndexes()).containsExactly(4L, 5L);
                assertThat(resumed.violations()).isEmpty();
            }
            try (EventStreamClient fromGenesis = EventStreamClient.open(node.url(), 0, false)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> fromGenesis.height() == 5);
                assertThat(fromGenesis.hashes()).isEqualTo(hashes(List.of(first.get(0)), better));
                // Nothing more happens: a comment keeps the stream alive (none came before: blocks did).
                assertThat(fromGenesis.comments()).isZero();
                await().atMost(Duration.ofSeconds(16)).until(() -> fromGenesis.comments() >= 1);
            }
            // A client that saw more than this node has is told that what it has above the tip is gone.
            try (EventStreamClient ahead = EventStreamClient.open(node.url(), 9, false)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !ahead.events().isEmpty());
                EventStreamClient.Event truncated = ahead.events().get(0);
                assertThat(truncated.name()).isEqualTo("reorg");
                assertThat(truncated.id()).isEqualTo(5);
                assertThat(truncated.data().get("removed").isEmpty()).isTrue();
            }
            // Stopping the node ends its streams at once rather than waiting for them through the grace period.
            try (EventStreamClient open = EventStreamClient.open(node.url(), -1, false)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> open.connections() == 1);
                long stopping = System.nanoTime();
                node.stop();
                assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(10));
                await().atMost(Duration.ofSeconds(5)).until(open::ended);
            }
        }
    }

    @Test
    void aLastEventIdThatIsNotABlockIndexIsRefused() {
        try (TestNode node = TestNode.reserve("streaming")) {
            node.start(List.of(), "--meshchain.mining.enabled=false");
            try (EventStreamClient client = EventStreamClient.open(node.url(), -1, false)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> client.connections() == 1);
            }
            NodeClient.Response refused = send(node, "GET /chain/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\nLast-Event-ID: -4\r\nConnection: close\r\n\r\n");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("Last-Event-ID");
        }
    }

    /**
     * A client that stops reading while the node adopts 24 MB of blocks: it is cut off once its write
     * hangs, its place is free again once the web server fails that write (server.tomcat.connection-timeout,
     * 10 s), and a client reading alongside sees every block in order (resuming
     * after its last id if it is overtaken meanwhile). Streams beyond the limit get 503 and Retry-After.
     */
    @Test
    void aClientThatStopsReadingIsCutOffWithoutHoldingUpTheOthers() throws IOException {
        List<Block> large = largeBlocks(600);
        try (FakePeer peer = new FakePeer(List.of(GENESIS)); TestNode node = TestNode.reserve("streaming")) {
            node.start(List.of(peer.url()), "--meshchain.mining.enabled=false", "--meshchain.block.max-transactions=100",
                    "--meshchain.events.max-streams=2");
            try (Socket stalled = new Socket();
                 EventStreamClient reader = EventStreamClient.open(node.url(), -1, true)) {
                stalled.setReceiveBufferSize(4096);
                stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), URI.create(node.url()).getPort()));
                OutputStream request = stalled.getOutputStream();
                request.write(("GET /chain/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                request.flush();
                await().atMost(Duration.ofSeconds(10)).until(() -> gauge(node, "meshchain_events_streams") == 2);
                NodeClient.Response full = node.get("/chain/events");
                assertThat(full.status()).isEqualTo(503);

                peer.serve(withGenesis(large));

                await().atMost(Duration.ofSeconds(90)).until(() -> reader.height() == large.size());
                assertThat(reader.violations()).isEmpty();
                assertThat(reader.hashes()).isEqualTo(hashes(large));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> node.counter("meshchain.events.cut.off", null) >= 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> gauge(node, "meshchain_events_streams") == 1);
                assertThat(node.get("/readyz").status()).isEqualTo(200);
            }
        }
    }

    /** Blocks of 100 transactions of 70 emoji each, about 40 KB of JSON apiece. */
    private static List<Block> largeBlocks(int count) {
        String content = "\uD83D\uDE00".repeat(70);
        List<Block> blocks = new ArrayList<>();
        Block tip = GENESIS;
        long start = ChainFixture.NOW - 3_600_000;
        for (int index = 1; index <= count; index++) {
            List<Transaction> transactions = new ArrayList<>();
            long stamp = start + index * 1_000L; // a block interval apart
            for (int i = 0; i < 100; i++) {
                transactions.add(Transaction.of("large" + i, content, stamp));
            }
            tip = ChainFixture.mine(tip, transactions, stamp);
            blocks.add(tip);
        }
        return blocks;
    }

    private static double gauge(NodeClient node, String series) {
        for (String line : node.get("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith(series + "{") || line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /** Sends a raw request (one Java's HTTP client would not send) and reads the answer to its end. */
    private static NodeClient.Response send(NodeClient node, String request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), URI.create(node.url()).getPort())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            return new NodeClient.Response(status, answer.substring(answer.indexOf("\r\n\r\n") + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SafeVarargs
    private static List<Block> withGenesis(List<Block>... parts) {
        List<Block> chain = new ArrayList<>(List.of(GENESIS));
        for (List<Block> part : parts) {
            chain.addAll(part);
        }
        return chain;
    }

    @SafeVarargs
    private static List<String> hashes(List<Block>... parts) {
        List<String> hashes = new ArrayList<>();
        for (List<Block> part : parts) {
            part.forEach(block -> hashes.add(block.hash()));
        }
        return hashes;
    }
}
