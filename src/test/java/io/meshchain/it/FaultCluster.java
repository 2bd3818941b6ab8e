package io.meshchain.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * N node processes on loopback in a full mesh where every peer link runs through its own
 * {@link FaultProxy}: node i reaches node j only through the proxy "i->j" (peer exchange is off,
 * so no node learns another way round). Clients (the test) reach
 * every node directly, so both sides of a partition keep taking transactions.
 */
final class FaultCluster implements AutoCloseable {

    /** Where the logs of a failed scenario are kept. */
    static final Path LOGS = Path.of("target", "fault-logs");
    private static final int LOG_TAIL_LINES = 60;

    private final Path directory;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();

    /** Starts {@code size} nodes, n1..nN, and waits until every one is ready. */
    FaultCluster(int size, String... extra) {
        try {
            directory = Files.createTempDirectory("meshchain-faults");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = new int[size];
        for (int i = 0; i < size; i++) {
            ports[i] = TestNode.freePort();
        }
        // The nodes' ports are free but not yet bound, so a proxy may be given one of them: such a
        // proxy is held open until every proxy has its port, then closed before the nodes start.
        List<FaultProxy> onNodePorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> peers = new ArrayList<>();
            for (int j = 0; j < size; j++) {
                if (i != j) {
                    FaultProxy proxy = new FaultProxy(ports[j]);
                    while (contains(ports, proxy.port())) {
                        onNodePorts.add(proxy);
                        proxy = new FaultProxy(ports[j]);
                    }
                    proxies.put(link(i, j), proxy);
                    peers.add(proxy.url());
                }
            }
            // A fixed topology: a node that learned its peers' own addresses would go round the proxies.
            String[] settings = Stream.concat(Arrays.stream(extra),
                    Stream.of("--meshchain.peers.exchange=false")).toArray(String[]::new);
            nodes.add(new NodeProcess("n" + (i + 1), ports[i], directory.resolve("n" + (i + 1)), peers, settings));
        }
        onNodePorts.forEach(FaultProxy::close);
        try {
            nodes.forEach(NodeProcess::start);
            nodes.forEach(NodeProcess::awaitReady);
        } catch (RuntimeException e) {
            collectLogs("start of a cluster");
            close();
            throw e;
        }
    }

    private static boolean contains(int[] ports, int port) {
        for (int candidate : ports) {
            if (candidate == port) {
                return true;
            }
        }
        return false;
    }

    private static String link(int from, int to) {
        return from + "->" + to;
    }

    NodeProcess node(int index) {
        return nodes.get(index);
    }

    List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    int size() {
        return nodes.size();
    }

    /** Cuts every link to and from node {@code index}: a partition of one node against the rest. */
    void isolate(int index) {
        linksOf(index, FaultProxy::cut);
    }

    /** Every connection to and from node {@code index} is dropped in the middle of a response. */
    void dropMidResponse(int index) {
        linksOf(index, FaultProxy::dropMidResponse);
    }

    /** Every answer node {@code index} gives its peers arrives {@code millis} late. */
    void slowDown(int index, long millis) {
        for (int from = 0; from < size(); from++) {
            if (from != index) {
                proxies.get(link(from, index)).delay(millis);
            }
        }
    }

    /** All links pass traffic again. */
    void heal() {
        proxies.values().forEach(FaultProxy::pass);
    }

    private void linksOf(int index, Consumer<FaultProxy> fault) {
        for (int other = 0; other < size(); other++) {
            if (other != index) {
                fault.accept(proxies.get(link(index, other)));
                fault.accept(proxies.get(link(other, index)));
            }
        }
    }

    /** Keeps every node's log under {@link #LOGS}/{@code scenario} and prints the end of each. */
    void collectLogs(String scenario) {
        Path target = LOGS.resolve(scenario.replaceAll("[^A-Za-z0-9_.-]", "_"));
        try {
            Files.createDirectories(target);
            for (NodeProcess node : nodes) {
                if (Files.exists(node.log())) {
                    Files.copy(node.log(), target.resolve(node.log().getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    List<String> lines = Files.readAllLines(node.log());
                    System.out.println("---- last lines of " + node.nodeId() + " (" + target + ") ----");
                    lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()).forEach(System.out::println);
                }
            }
        } catch (IOException e) {
            System.out.println("could not collect logs: " + e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
        proxies.values().forEach(FaultProxy::close);
        org.springframework.util.FileSystemUtils.deleteRecursively(directory.toFile());
    }
}
