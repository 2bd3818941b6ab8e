package io.meshchain.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainPage;
import io.meshchain.primitives.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * A peer that lies: it advertises the chain the test gives it, with the work a chain of its height
 * has, and serves it however the test says (broken blocks, broken answers). It speaks just enough of
 * the protocol (heartbeat, chain pages, relays) to be taken for a node.
 */
final class FakePeer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Claimed total work: far beyond anything an honest chain of this length could have. */
    static final BigInteger ENORMOUS_WORK = BigInteger.TWO.pow(200);

    /** The work every block of the fixtures' network carries. */
    private static final BigInteger BLOCK_WORK = BigInteger.TWO.pow(ChainFixture.DIFFICULTY);

    /** How the fake answers {@code GET /chain?from=&limit=}. */
    @FunctionalInterface
    interface ChainAnswer {
        void answer(HttpExchange exchange, List<Block> chain, int from, int limit) throws IOException;

        /** Serves the requested blocks, as an honest node would. */
        ChainAnswer PAGES = (exchange, chain, from, limit) -> {
            List<Block> page = chain.subList(Math.min(from, chain.size()), Math.min(from + limit, chain.size()));
            respond(exchange, 200, JSON.writeValueAsBytes(new ChainPage(chain.size() - 1L, ENORMOUS_WORK, page)));
        };
    }

    private final HttpServer server;
    private volatile List<Block> chain;
    private final AtomicInteger chainRequests = new AtomicInteger();

    /** @param chain the chain to serve, genesis first */
    FakePeer(List<Block> chain) {
        this(chain, ChainAnswer.PAGES);
    }

    /**
     * @param chain  the chain whose tip the fake advertises, genesis first
     * @param answer how it answers requests for blocks
     */
    FakePeer(List<Block> chain, ChainAnswer answer) {
        this.chain = List.copyOf(chain);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/heartbeat", exchange -> {
            exchange.getRequestBody().readAllBytes();
            List<Block> served = this.chain;
            Block tip = served.get(served.size() - 1);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("nodeId", "liar");
            summary.put("height", tip.index());
            summary.put("tipHash", tip.hash());
            summary.put("tipTimestamp", tip.timestamp());
            summary.put("totalWork", BLOCK_WORK.multiply(BigInteger.valueOf(tip.index() + 1)));
            summary.put("pending", 0);
            summary.put("peers", List.of());
            respond(exchange, 200, JSON.writeValueAsBytes(summary));
        });
        server.createContext("/chain", exchange -> {
            chainRequests.incrementAndGet();
            Map<String, String> query = query(exchange.getRequestURI().getQuery());
            int from = Integer.parseInt(query.getOrDefault("from", "0"));
            int limit = Integer.parseInt(query.getOrDefault("limit", "500"));
            answer.answer(exchange, this.chain, from, limit);
        });
        server.createContext("/transactions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            respond(exchange, 201, "{}".getBytes(StandardCharsets.UTF_8));
        });
        server.start();
    }

    /** From now on, advertises and serves {@code chain} (genesis first) instead. */
    void serve(List<Block> chain) {
        this.chain = List.copyOf(chain);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int chainRequests() {
        return chainRequests.get();
    }

    private static Map<String, String> query(String query) {
        Map<String, String> values = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] parts = pair.split("=", 2);
                values.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return values;
    }

    static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
