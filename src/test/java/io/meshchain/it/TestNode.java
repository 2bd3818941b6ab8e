package io.meshchain.it;

import io.meshchain.MeshchainApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * A real meshchain node for multi-node tests: the whole application on a loopback port chosen at run
 * time, with short intervals. Tests talk to it over HTTP only, as users and peers do.
 */
public final class TestNode extends NodeClient implements AutoCloseable {

    private final int port;
    private final Path storage;
    private ConfigurableApplicationContext context;

    private TestNode(String nodeId, int port, Path storage) {
        super(nodeId, "http://127.0.0.1:" + port);
        this.port = port;
        this.storage = storage;
    }

    /** Reserves a loopback port and a data directory for a node that will be started later. */
    public static TestNode reserve(String nodeId) {
        try {
            return new TestNode(nodeId, freePort(), Files.createTempDirectory("meshchain-" + nodeId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path storage() {
        return storage;
    }

    /**
     * Starts the node with the given peers; {@code extra} are more {@code --name=value} arguments, which
     * override the test defaults.
     */
    public TestNode start(List<String> peerUrls, String... extra) {
        Map<String, String> settings = settings(nodeId(), port, storage, peerUrls, extra);
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        context = new SpringApplicationBuilder(MeshchainApplication.class).run(args);
        return this;
    }

    /**
     * The settings every test node runs with: loopback, short intervals, its own data directory,
     * then {@code extra} ({@code --name=value}) on top.
     */
    static Map<String, String> settings(String nodeId, int port, Path storage, List<String> peerUrls, String... extra) {
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
        return settings;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestNode start(List<TestNode> peers, boolean mining) {
        return start(peers.stream().map(TestNode::url).collect(Collectors.toList()),
                "--meshchain.mining.enabled=" + mining);
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
}
