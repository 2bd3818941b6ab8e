package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What an operator sees: probes, health details and metrics; nothing of actuator beyond what docs/api.md lists. */
class OperationsIT {

    private static TestNode peer;
    private static TestNode node;

    /** A node with one peer that answers and one that never does: ready, since one answers. */
    @BeforeAll
    static void start() {
        peer = TestNode.reserve("ops-peer").start(List.of(), "--meshchain.mining.enabled=false");
        node = TestNode.reserve("ops").start(List.of(peer.url(), "http://127.0.0.1:9"), "--meshchain.mining.enabled=true");
        await().atMost(Duration.ofSeconds(20)).until(() -> node.get("/readyz").status() == 200);
    }

    @AfterAll
    static void stop() {
        node.close();
        peer.close();
    }

    @Test
    void livenessAndReadinessAnswerOnTheKubernetesPaths() {
        for (String path : List.of("/livez", "/readyz", "/actuator/health/liveness", "/actuator/health/readiness")) {
            NodeClient.Response response = node.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.json().get("status").asString()).as(path).isEqualTo("UP");
        }
    }

    @Test
    void healthNamesHeightTipPeersAndMiner() {
        JsonNode components = node.get("/actuator/health").json().get("components");
        JsonNode details = components.get("meshchain").get("details");
        assertThat(details.get("nodeId").asString()).isEqualTo("ops");
        assertThat(details.get("height").asLong()).isZero();
        assertThat(details.get("tip").asString()).isEqualTo(node.tipHash());
        assertThat(details.get("peersConfigured").asInt()).isEqualTo(2);
        assertThat(details.get("peersReachable").asInt()).isEqualTo(1);
        assertThat(details.has("miner")).as("the miner's state is the mining component's").isFalse();
        JsonNode mining = components.get("mining");
        assertThat(mining.get("status").asString()).isEqualTo("UP");
        assertThat(mining.get("details").get("miner").asString()).isIn("idle", "mining");
    }

    /**
     * Readiness as Besu's: a node none of whose peers answers takes no clients, though it lives and
     * says why; one in step with a peer that answers is ready (the node above).
     */
    @Test
    void aNodeCutOffFromEveryPeerIsAliveButNotReady() {
        try (TestNode isolated = TestNode.reserve("ops-isolated")) {
            isolated.start(List.of("http://127.0.0.1:9"), "--meshchain.mining.enabled=false");
            await().atMost(Duration.ofSeconds(20)).until(() -> isolated.get("/readyz").status() == 503);
            JsonNode sync = isolated.get("/readyz").json().get("components").get("sync");
            assertThat(sync.get("status").asString()).isEqualTo("OUT_OF_SERVICE");
            assertThat(sync.get("details").get("reason").asString()).isEqualTo("no configured peer is reachable");
            assertThat(isolated.get("/livez").status()).isEqualTo(200);
        }
        JsonNode sync = node.get("/readyz").json().get("components").get("sync");
        assertThat(sync.get("status").asString()).isEqualTo("UP");
        assertThat(sync.get("details").get("peersReachable").asInt()).isEqualTo(1);
    }

    @Test
    void healthNamesTheStorageAndReadinessDependsOnIt() {
        JsonNode storage = node.get("/actuator/health").json().get("components").get("storage");
        assertThat(storage.get("status").asString()).isEqualTo("UP");
        assertThat(storage.get("details").get("fsync").asBoolean()).isTrue();
        assertThat(storage.get("details").get("blocksBytes").asLong()).isPositive();
        assertThat(storage.get("details").get("recovered").has("blocks")).isTrue();
        assertThat(node.get("/readyz").json().get("components").get("storage").get("details").has("fsync")).isTrue();
        assertThat(node.get("/livez").json().has("components")).isFalse();
    }

    @Test
    void healthNamesNoPathAndNoAddressUnlessAnOperatorTurnsDetailsOn() {
        for (String path : List.of("/actuator/health", "/actuator/health/storage", "/actuator/health/meshchain",
                "/actuator/health/mining", "/readyz")) {
            String body = node.get(path).body();
            assertThat(body).as(path)
                    .doesNotContain(node.storage().toAbsolutePath().toString())
                    .doesNotContain(System.getProperty("user.dir"))
                    .doesNotContain("127.0.0.1")
                    .doesNotContain("\"path\"");
        }

        try (TestNode operated = TestNode.reserve("ops-details")) {
            operated.start(List.of(), "--meshchain.mining.enabled=false", "--management.endpoint.health.show-details=always");
            assertThat(operated.get("/actuator/health").json().get("components").get("storage").get("details").get("path")
                    .asString()).isEqualTo(operated.storage().toAbsolutePath().toString());
        }
        try (TestNode silent = TestNode.reserve("ops-silent")) {
            silent.start(List.of(), "--meshchain.mining.enabled=false", "--management.endpoint.health.show-details=never");
            JsonNode components = silent.get("/actuator/health").json().get("components");
            assertThat(components.get("storage").has("details")).isFalse();
            assertThat(components.get("meshchain").has("details")).isFalse();
            assertThat(components.get("mining").has("details")).isFalse();
        }
    }

    @Test
    void prometheusMetricsAreServed() {
        node.submit("gzan3055", "counted");
        NodeClient.Response response = node.get("/actuator/prometheus");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains(
                "meshchain_chain_height", "meshchain_total_work", "meshchain_pending_transactions",
                "meshchain_blocks_mined_total", "meshchain_mining_hashes_total", "meshchain_reorgs_total",
                "meshchain_blocks_orphaned_total",
                "meshchain_transactions_accepted_total", "meshchain_peer_reachable{",
                "meshchain_heartbeat_round_trip_seconds");
    }

    @Test
    void openApiDescribesEveryEndpointAndSwaggerUiIsServed() {
        var paths = node.get("/v3/api-docs").json().get("paths");
        for (String path : List.of("/transactions", "/transactions/batch", "/transactions/{id}", "/chain", "/chain/blocks/{hash}", "/proof",
                "/heartbeat")) {
            assertThat(paths.has(path)).as(path).isTrue();
            paths.get(path).properties().forEach(operation ->
                    assertThat(operation.getValue().get("summary").asString()).as(path).isNotBlank());
        }
        assertThat(paths.get("/transactions").get("post").get("responses").has("503")).isTrue();
        assertThat(node.get("/swagger-ui/index.html").status()).isEqualTo(200);
        assertThat(node.get("/swagger-ui.html").status()).isIn(200, 302);
    }

    @Test
    void explorerIsServedAtTheRoot() {
        NodeClient.Response page = node.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>meshchain explorer</title>").contains("app.js");
        assertThat(node.get("/app.js").status()).isEqualTo(200);
        assertThat(node.get("/style.css").status()).isEqualTo(200);
    }

    /** Status line and body of a GET sent over a plain socket, with {@code host} as its Host header. */
    private static String getWithHost(String path, String host) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    /** Sends one raw HTTP/1.1 request and answers the raw response, headers and all. */
    private static String exchange(String request) throws IOException {
        URI url = URI.create(node.url());
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aSubmissionIsAnsweredWithItsLengthNotInChunks() throws IOException {
        // With its own timestamp, the same body is the same transaction when sent again.
        String body = "{\"sender\":\"ops\",\"content\":\"answered with a length\",\"timestamp\":"
                + System.currentTimeMillis() + "}";
        String host = "127.0.0.1:" + URI.create(node.url()).getPort();
        String post = "POST /transactions HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;

        String created = exchange(post);
        assertThat(created).startsWith("HTTP/1.1 201 ").doesNotContain("Transfer-Encoding");
        String json = created.substring(created.indexOf("\r\n\r\n") + 4);
        String id = NodeClient.JSON.readTree(json).get("id").asString();
        assertThat(created).contains("Location: /transactions/" + id + "\r\n")
                .contains("Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n");

        String known = exchange(post);
        assertThat(known).startsWith("HTTP/1.1 200 ").contains("Content-Length: ").doesNotContain("Transfer-Encoding")
                .doesNotContain("Location:").contains("\"id\":\"" + id + "\"");
    }

    @Test
    void aRequestForAnotherHostIsRefusedAsDnsRebindingWouldSendIt() throws IOException {
        String refused = getWithHost("/heartbeat", "rebind.evil.example:" + URI.create(node.url()).getPort());
        assertThat(refused).startsWith("HTTP/1.1 421 ").contains("application/problem+json")
                .contains("urn:meshchain:problem:misdirected-request").doesNotContain("\"nodeId\"");

        for (String host : List.of("localhost", "127.0.0.1", "[::1]")) {
            assertThat(getWithHost("/heartbeat", host + ":" + URI.create(node.url()).getPort())).as(host)
                    .startsWith("HTTP/1.1 200 ").contains("\"nodeId\":\"ops\"");
        }
        // The kubelet probes a pod by its address.
        assertThat(getWithHost("/readyz", "10.244.1.17:8080")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void onlyWhatTheContractListsIsExposed() {
        for (String listed : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/livez", "/readyz", "/actuator/info", "/actuator/prometheus")) {
            assertThat(node.get(listed).status()).as(listed).isEqualTo(200);
        }
        for (String hidden : List.of("/actuator", "/actuator/metrics", "/actuator/metrics/meshchain.chain.height",
                "/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/shutdown")) {
            assertThat(node.get(hidden).status()).as(hidden).isEqualTo(404);
        }
    }
}
