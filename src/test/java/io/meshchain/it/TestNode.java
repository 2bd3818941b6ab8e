package io.meshchain.it;

import io.meshchain.MeshchainApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real meshchain node for multi-node tests: the whole application on a loopback port chosen at run
 * time, with short intervals. Tests talk to it over HTTP only, as users and peers do.
 */
public final class TestNode implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private final String nodeId;
    private final int port;
    private final Path storage;
    private ConfigurableApplicationContext context;

    private TestNode(String nodeId, int port, Path storage) {
        this.nodeId = nodeId;
        this.port = port;
        this.storage = storage;
    }

    /** Reserves a loopback port and a data directory for a node that will be started later. */
    public static TestNode reserve(String nodeId) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new TestNode(nodeId, socket.getLocalPort(), Files.createTempDirectory("meshchain-" + nodeId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path storage() {
        return storage;
    }

    public String nodeId() {
        return nodeId;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Starts the node with the given peers; {@code extra} are more {@code --name=value} arguments, which
     * override the test defaults.
     */
    public TestNode start(List<String> peerUrls, String... extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.port", String.valueOf(port));
        settings.put("server.address", "127.0.0.1");
        settings.put("meshchain.node-id", nodeId);
        settings.put("meshchain.storage.path", storage.toString());
        settings.put("meshchain.heartbeat.interval", "500ms");
        settings.put("meshchain.mining.interval", "100ms");
        settings.put("meshchain.block.max-wait", "300ms");
        settings.put("meshchain.network.connect-timeout", "500ms");
        settings.put("meshchain.network.read-timeout", "2s");
        settings.put("spring.main.banner-mode", "off");
        if (!peerUrls.isEmpty()) {
            settings.put("meshchain.peers", String.join(",", peerUrls));
        }
        for (String argument : extra) {
            String[] nameAndValue = argument.replaceFirst("^--", "").split("=", 2);
            settings.put(nameAndValue[0], nameAndValue.length > 1 ? nameAndValue[1] : "");
        }
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        context = new SpringApplicationBuilder(MeshchainApplication.class).run(args);
        return this;
    }

    public TestNode start(List<TestNode> peers, boolean mining) {
        return start(peers.stream().map(TestNode::url).collect(Collectors.toList()),
                "--meshchain.mining.enabled=" + mining);
    }

    /** Submits a transaction and returns its id; fails unless the node answers 201. */
    public String submit(String sender, String content) {
        Response response = post("/transactions", "{\"sender\":\"" + sender + "\",\"content\":\"" + content + "\"}");
        if (response.status() != 201) {
            throw new AssertionError("expected 201 from " + nodeId + ", got " + response);
        }
        return response.json().get("id").asString();
    }

    public JsonNode summary() {
        return get("/heartbeat").json();
    }

    public String tipHash() {
        return summary().get("tipHash").asString();
    }

    public long height() {
        return summary().get("height").asLong();
    }

    /** The transaction's status on this node: pending, confirmed, or unknown when the node answers 404. */
    public String status(String transactionId) {
        Response response = get("/transactions/" + transactionId);
        return response.status() == 404 ? "unknown" : response.json().get("status").asString();
    }

    /** Every transaction id in this node's chain, in chain order. */
    public List<String> chainTransactionIds() {
        List<String> ids = new ArrayList<>();
        for (JsonNode block : get("/chain").json().get("blocks")) {
            for (JsonNode tx : block.get("transactions")) {
                ids.add(tx.get("id").asString());
            }
        }
        return ids;
    }

    /** Value of a counter from actuator metrics, 0 when the meter does not exist (yet). */
    public double counter(String name, String tag) {
        Response response = get("/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag));
        return response.status() == 404 ? 0 : response.json().get("measurements").get(0).get("value").asDouble();
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).GET());
    }

    public Response post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the node gracefully; its data directory stays, so it can be started again. */
    public void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /** Stops the node and deletes its data directory. */
    @Override
    public void close() {
        stop();
        FileSystemUtils.deleteRecursively(storage.toFile());
    }

    /** An HTTP answer. */
    public record Response(int status, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }
}
