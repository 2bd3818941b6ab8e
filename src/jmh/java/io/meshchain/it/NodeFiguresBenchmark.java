package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.storage.StorageFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * Benchmark (not a test) of whole nodes, as separate processes of the real jar: time from start to
 * ready and resident memory, empty and with a 10,000-block chain, both as a user starts the jar
 * ({@code java -jar}, no JVM options) and as the Docker image runs it (extracted, with the AOT bean
 * definitions, a class-data-sharing archive from a training run, and the heap the image takes under
 * the StatefulSet's memory limit); the bytes one heartbeat costs per peer at heights 100 and
 * 10,000; and the seconds a fresh node takes to catch up 10,000 blocks. Run by
 * {@code scripts/bench.sh}, which prints these beside the JMH figures.
 */
public final class NodeFiguresBenchmark {

    private static final int LONG_CHAIN = 10_000;
    private static final int SHORT_CHAIN = 100;
    private static final Duration QUIET_PERIOD = Duration.ofSeconds(10);
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    private static final String QUIET = "--meshchain.heartbeat.interval=" + HEARTBEAT_INTERVAL.toSeconds() + "s";
    private static final int SETTLE_SECONDS = 3;
    /** 75% (the image's MaxRAMPercentage) of the StatefulSet's 512 MiB memory limit. */
    private static final String IMAGE_HEAP = "-Xmx384m";
    /** Limit for each step of preparing the image's form: the extraction, the training run. */
    private static final Duration STEP_WITHIN = Duration.ofMinutes(2);

    /** How a node's JVM is launched: which jar, with which options; {@code key} names its directories. */
    record Launch(String name, String key, Path jar, List<String> jvmOptions) {
    }

    private static final Launch JAVA_JAR = new Launch("java -jar", "jar", NodeProcess.JAR, List.of());

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("meshchain-bench");
        try {
            List<Block> chain = ChainFixture.extend(Genesis.block(ChainFixture.DIFFICULTY), LONG_CHAIN);
            System.out.println("node figures (one process per node, loopback)");
            Launch image = asTheImageRunsIt(work);
            for (Launch launch : List.of(JAVA_JAR, image)) {
                startAndMemory(work, launch, "empty", List.of());
                startAndMemory(work, launch, "10,000 blocks", chain);
            }
            heartbeatBytes(work, chain.subList(0, SHORT_CHAIN));
            heartbeatBytes(work, chain);
            catchUp(work, chain);
        } finally {
            FileSystemUtils.deleteRecursively(work.toFile());
        }
    }

    /** The Dockerfile's module option: the miner's SIMD lanes. */
    static final String VECTOR_API = "--add-modules=jdk.incubator.vector";

    /**
     * Extracts the jar and makes its class-data-sharing archive, as the Dockerfile does: the build's jar,
     * or {@code BENCH_JAR} (another build's, the previous commit's say, to compare in one run).
     */
    static Launch asTheImageRunsIt(Path work) throws IOException, InterruptedException {
        Path image = work.resolve("image");
        Path jar = image.resolve("meshchain.jar");
        Path archive = image.resolve("meshchain.jsa");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path source = NodeProcess.JAR;
        if (System.getenv("BENCH_JAR") != null) {
            // Extracted under its own file name: copied to the build's name first, as the image has it.
            source = Files.copy(Path.of(System.getenv("BENCH_JAR")), work.resolve("meshchain.jar"));
        }
        run(java, "-Djarmode=tools", "-jar", source.toString(), "extract", "--destination", image.toString());
        run(java, "-XX:ArchiveClassesAtExit=" + archive, VECTOR_API, "-Dspring.aot.enabled=true",
                "-Dspring.context.exit=onRefresh", "-jar", jar.toString(),
                "--meshchain.storage.path=" + work.resolve("training"), "--server.port=0",
                // The jar's own settings, not those of an application.yml where the benchmark runs.
                "--spring.config.location=classpath:/application.yml");
        return new Launch("as the image runs it", "image", jar,
                List.of("-XX:SharedArchiveFile=" + archive, VECTOR_API, "-Dspring.aot.enabled=true", IMAGE_HEAP));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(STEP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not finish within " + STEP_WITHIN + ": " + List.of(command));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ": " + List.of(command));
        }
    }

    private static NodeProcess node(Path work, String id, List<Block> chain, List<String> peers, String... extra)
            throws IOException {
        return node(work, JAVA_JAR, id, chain, peers, extra);
    }

    private static NodeProcess node(Path work, Launch launch, String id, List<Block> chain, List<String> peers,
            String... extra) throws IOException {
        Path directory = Files.createDirectories(work.resolve(id));
        if (!chain.isEmpty()) {
            StorageFixture.writeChain(directory.resolve("data"), chain);
        }
        String[] settings = new String[extra.length + 1];
        settings[0] = "--meshchain.mining.enabled=false";
        System.arraycopy(extra, 0, settings, 1, extra.length);
        return new NodeProcess(launch.jar(), launch.jvmOptions(), id, TestNode.freePort(), directory, peers, settings);
    }

    private static void startAndMemory(Path work, Launch launch, String label, List<Block> chain) throws Exception {
        String id = "start-" + chain.size() + "-" + launch.key();
        try (NodeProcess node = node(work, launch, id, chain, List.of())) {
            long start = System.nanoTime();
            node.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> node.get("/readyz").status() == 200);
            double seconds = (System.nanoTime() - start) / 1e9;
            long height = node.height();
            TimeUnit.SECONDS.sleep(SETTLE_SECONDS); // let start-up garbage be collected before reading memory
            System.out.printf("  %s, %s: start to ready %.2f s (height %d); resident memory %d MB%n", launch.name(),
                    label, seconds, height, residentMegabytes(node.pid(), "VmRSS"));
            node.stop();
        }
    }

    /** A memory figure of a process, in MB: {@code VmRSS} (resident now) or {@code VmHWM} (resident at most). */
    static long residentMegabytes(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        return -1;
    }

    private static void heartbeatBytes(Path work, List<Block> chain) throws Exception {
        try (NodeProcess served = node(work, "served-" + chain.size(), chain, List.of(), QUIET)) {
            served.start().awaitReady();
            FaultProxy link = new FaultProxy(Integer.parseInt(served.url().replaceAll(".*:", "")));
            try (link; NodeProcess caller = node(work, "caller-" + chain.size(), chain, List.of(link.url()), QUIET)) {
                caller.start().awaitReady();
                await().atMost(Duration.ofSeconds(30)).until(() -> link.responseBytes() > 0);
                long requests = link.requestBytes();
                long responses = link.responseBytes();
                long start = System.nanoTime();
                TimeUnit.MILLISECONDS.sleep(QUIET_PERIOD.toMillis()); // the measurement window
                double seconds = (System.nanoTime() - start) / 1e9;
                double heartbeats = seconds / HEARTBEAT_INTERVAL.toSeconds();
                long up = link.requestBytes() - requests;
                long down = link.responseBytes() - responses;
                System.out.printf("  one heartbeat at height %d: %.0f bytes (%.0f request + %.0f answer, HTTP headers "
                                + "included; about %.0f heartbeats in %.1f s)%n", chain.size(), (up + down) / heartbeats,
                        up / heartbeats, down / heartbeats, heartbeats, seconds);
                caller.stop();
            }
            served.stop();
        }
    }

    private static void catchUp(Path work, List<Block> chain) throws Exception {
        try (NodeProcess source = node(work, "source", chain, List.of())) {
            source.start().awaitReady();
            try (NodeProcess fresh = node(work, "fresh", List.of(), List.of(source.url()))) {
                fresh.start().awaitReady();
                long start = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> fresh.height() == chain.size());
                System.out.printf("  fresh node catches up %,d blocks: %.2f s after it was ready%n", chain.size(),
                        (System.nanoTime() - start) / 1e9);
                fresh.stop();
            }
            source.stop();
        }
    }
}
