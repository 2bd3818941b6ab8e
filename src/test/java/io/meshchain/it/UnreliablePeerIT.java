package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Peers that hang or answer garbage are skipped: they never stall the node or its other peers. */
class UnreliablePeerIT {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private TestNode node(String nodeId) {
        TestNode node = TestNode.reserve(nodeId);
        resources.add(node);
        return node;
    }

    private static JsonNode peer(TestNode node, String url) {
        for (JsonNode peer : node.summary().get("peers")) {
            if (peer.get("url").asString().equals(url)) {
                return peer;
            }
        }
        throw new AssertionError("no peer " + url + " on " + node.nodeId());
    }

    @Test
    void hangingPeerDoesNotStallHeartbeatsWithTheOthers() throws IOException {
        // Accepts connections (the kernel queues them) but never answers a byte.
        ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(hanging);
        String hangingUrl = "http://127.0.0.1:" + hanging.getLocalPort();
        TestNode a = node("a");
        TestNode b = node("b");
        b.start(List.of(a), true);
        a.start(List.of(hangingUrl, b.url()), "--meshchain.mining.enabled=false");

        String id = b.submit("gzan3055", "mined by b");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(a.status(id)).isEqualTo("confirmed");
            assertThat(a.tipHash()).isEqualTo(b.tipHash());
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(peer(a, hangingUrl).get("reachable").asBoolean()).isFalse();
            assertThat(peer(a, b.url()).get("reachable").asBoolean()).isTrue();
        });
        assertThat(a.submit("alice", "accepted while a peer hangs")).isNotBlank();
    }

    @Test
    void peerAnsweringGarbageIsSkipped() throws IOException {
        HttpServer garbage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        garbage.createContext("/heartbeat", exchange -> {
            byte[] body = "{\"nodeId\": \"x\", \"height\": [[[".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        garbage.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        garbage.start();
        resources.add(() -> garbage.stop(0));
        String garbageUrl = "http://127.0.0.1:" + garbage.getAddress().getPort();
        TestNode a = node("a");
        a.start(List.of(garbageUrl), "--meshchain.mining.enabled=true");

        String id = a.submit("gzan3055", "still mined");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(a.status(id)).isEqualTo("confirmed");
            assertThat(peer(a, garbageUrl).get("reachable").asBoolean()).isFalse();
        });
        assertThat(a.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
    }
}
