package io.meshchain.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node as a separate process running {@code target/meshchain.jar}, as an operator runs it: it can
 * be stopped with SIGTERM, killed with SIGKILL and started again on its data directory.
 */
final class NodeProcess extends NodeClient implements AutoCloseable {

    static final Path JAR = Path.of("target", "meshchain.jar");
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    /** Kubernetes' default grace period: a node must be gone by then. */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);

    private final int port;
    private final Path directory;
    private final List<String> peerUrls;
    private final String[] extra;
    private Process process;
    private int starts;

    /**
     * JVM options of test nodes: quick to start, small, and with the build's AOT bean definitions,
     * as the Docker image runs the node. A benchmark passes none, as a user's java -jar.
     */
    static final List<String> TEST_JVM = List.of("-XX:TieredStopAtLevel=1", "-Xmx256m", "-Dspring.aot.enabled=true");

    private final Path jar;
    private final List<String> jvmOptions;
    /** What the JVM's command line is prefixed with, such as a move into control groups; empty for none. */
    private List<String> launcher = List.of();

    NodeProcess(String nodeId, int port, Path directory, List<String> peerUrls, String... extra) {
        this(TEST_JVM, nodeId, port, directory, peerUrls, extra);
    }

    NodeProcess(List<String> jvmOptions, String nodeId, int port, Path directory, List<String> peerUrls, String... extra) {
        this(JAR, jvmOptions, nodeId, port, directory, peerUrls, extra);
    }

    /** A node run from another copy of the jar, such as one extracted as the Docker image holds it. */
    NodeProcess(Path jar, List<String> jvmOptions, String nodeId, int port, Path directory, List<String> peerUrls,
            String... extra) {
        super(nodeId, "http://127.0.0.1:" + port);
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.port = port;
        this.directory = directory;
        this.peerUrls = List.copyOf(peerUrls);
        this.extra = extra.clone();
    }

    /** From the next start on, runs the JVM through {@code launcher}, a command that ends by running its arguments. */
    NodeProcess launchedThrough(List<String> launcher) {
        this.launcher = List.copyOf(launcher);
        return this;
    }

    /** Starts the process; call {@link #awaitReady()} before talking to it. */
    NodeProcess start() {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests with ./mvnw verify, which packages it first");
        }
        Map<String, String> settings = TestNode.settings(nodeId(), port, directory.resolve("data"), peerUrls, extra);
        List<String> command = new ArrayList<>(launcher);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        // The jar's own defaults only: the application.yml in the directory the tests run from (this
        // project's) would otherwise override them, and a jar of another build would run with this one's.
        command.add("--spring.config.location=classpath:/application.yml");
        settings.forEach((name, value) -> command.add("--" + name + "=" + value));
        starts++;
        try {
            Files.createDirectories(directory);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Waits until the node answers its liveness probe: up, whether or not it is ready for clients. */
    NodeProcess awaitLive() {
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> process.isAlive() && get("/livez").status() == 200);
        return this;
    }

    NodeProcess awaitReady() {
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> process.isAlive() && get("/readyz").status() == 200);
        return this;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: a graceful shutdown, as the seed's {@code cc}. Returns the exit code. */
    int stop() {
        process.destroy();
        return waitForExit();
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(nodeId() + " did not exit within " + EXIT_WITHIN + "; killed it");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Everything the process printed, across restarts. */
    Path log() {
        return directory.resolve(nodeId() + ".log");
    }

    int starts() {
        return starts;
    }

    @Override
    public void close() {
        if (isAlive()) {
            kill();
        }
    }
}
