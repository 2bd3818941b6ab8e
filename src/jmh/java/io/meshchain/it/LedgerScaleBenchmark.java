package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.storage.StorageFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * Benchmark (not a test) of a node with a long chain, run as the Docker image runs it (extracted
 * jar, AOT, class-data archive): with {@code -Xmx384m} on this machine, and, where control groups
 * can be made, in the limits of its pod (512 MiB, one CPU; {@link PodLimits}). For each chain length
 * given (default 1,000,000 full blocks of 5 transactions): the time from start to ready and the
 * resident memory, beside the same figures for an empty node measured in the same run; how long
 * reads of old blocks and transactions take; and, for the first length, how long a fresh node takes
 * to catch the chain up from a peer and how much memory it needed at most. Chains are written with the test fixtures
 * (full blocks mined at the fixtures' difficulty), not mined through HTTP. Run by
 * {@code scripts/bench-scale.sh}.
 */
public final class LedgerScaleBenchmark {

    private static final int TRANSACTIONS_PER_BLOCK = 5;
    private static final int WRITE_BATCH = 1_000;
    private static final int STARTS = 3;
    /** The Dockerfile's heap setting: 75% of the memory limit, 384 MB under the StatefulSet's 512 MiB. */
    private static final String IMAGE_HEAP_SHARE = "-XX:MaxRAMPercentage=75";
    private static final int READ_ROUNDS = 20;
    private static final int SETTLE_SECONDS = 3;
    private static final Duration READY_WITHIN = Duration.ofMinutes(10);

    private LedgerScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Long> lengths = args.length == 0 ? List.of(1_000_000L) : Stream.of(args).map(Long::parseLong).toList();
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "scale-bench");
        try {
            NodeFiguresBenchmark.Launch image = NodeFiguresBenchmark.asTheImageRunsIt(work);
            List<Form> forms = new ArrayList<>(List.of(new Form("the image's form with -Xmx384m, on this machine",
                    image, false)));
            if (PodLimits.create("meshchain-bench-probe").map(LedgerScaleBenchmark::closed).orElse(false)) {
                // The heap as the image's entrypoint gives it: a share of the pod's memory limit.
                List<String> options = new ArrayList<>(image.jvmOptions().stream()
                        .filter(option -> !option.startsWith("-Xmx")).toList());
                options.add(IMAGE_HEAP_SHARE);
                forms.add(new Form("the image's form in a pod's limits (512 MiB, 1 CPU; " + IMAGE_HEAP_SHARE
                        + ", the JVM sizing itself from them)",
                        new NodeFiguresBenchmark.Launch(image.name(), image.key(), image.jar(), options), true));
            } else {
                System.out.println("(control groups cannot be made here: no figures in a pod's limits)");
            }
            System.out.println("ledger at scale, one process per node, as the Docker image runs it ("
                    + String.join(" ", image.jvmOptions()) + ")");
            for (int i = 0; i < lengths.size(); i++) {
                long length = lengths.get(i);
                Path chainNode = work.resolve("chain-" + length);
                Chain chain = write(chainNode.resolve("data"), length);
                for (Form form : forms) {
                    System.out.println(" " + form.name() + ":");
                    startAndMemory(work, form, chainNode, length);
                    try (Node source = node(form, "source-" + length, chainNode)) {
                        source.process().start().awaitReady();
                        reads(source.process(), chain);
                        if (i == 0) {
                            catchUp(work, form, source.process(), length);
                        }
                        source.process().stop();
                    }
                }
                FileSystemUtils.deleteRecursively(chainNode.toFile());
            }
        } finally {
            FileSystemUtils.deleteRecursively(work.toFile());
        }
    }

    private static boolean closed(PodLimits limits) {
        try {
            limits.close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** How nodes are run: the JVM's launch, and whether in a pod's limits. */
    private record Form(String name, NodeFiguresBenchmark.Launch launch, boolean inPod) {
    }

    /** A node process, with the control groups it runs in when its form asks for them. */
    private record Node(NodeProcess process, PodLimits limits) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            process.close();
            if (limits != null) {
                limits.close();
            }
        }
    }

    /** What the benchmark needs to know of a chain it wrote: a few blocks and transactions to look up. */
    private record Chain(long length, List<Block> samples) {
    }

    /** Writes {@code length} full blocks after genesis into {@code data}, a thousand at a time. */
    private static Chain write(Path data, long length) throws IOException {
        long start = System.nanoTime();
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> samples = new ArrayList<>();
        // A block a second, the network's default interval (rule block-interval), ending a minute ago.
        long firstTimestamp = System.currentTimeMillis() - 1_000 * length - 60_000;
        try (StorageFixture.ChainWriter writer = StorageFixture.writer(data, genesis)) {
            Block tip = genesis;
            List<Block> batch = new ArrayList<>(WRITE_BATCH);
            for (long height = 1; height <= length; height++) {
                List<Transaction> transactions = new ArrayList<>(TRANSACTIONS_PER_BLOCK);
                for (int t = 0; t < TRANSACTIONS_PER_BLOCK; t++) {
                    transactions.add(Transaction.of("scale" + t, "payment " + height + "." + t, firstTimestamp));
                }
                tip = ChainFixture.mine(tip, transactions, firstTimestamp + 1_000 * height);
                batch.add(tip);
                if (height == 1 || height == length / 2 || height % (length / 10) == 0) {
                    samples.add(tip);
                }
                if (batch.size() == WRITE_BATCH || height == length) {
                    writer.append(batch);
                    batch.clear();
                }
            }
        }
        System.out.printf("  %,d blocks of %d transactions written in %.0f s: blocks.log %,d MB, index %,d MB%n",
                length, TRANSACTIONS_PER_BLOCK, (System.nanoTime() - start) / 1e9,
                Files.size(data.resolve("blocks.log")) / 1_000_000, megabytes(data.resolve("index")));
        return new Chain(length, samples);
    }

    private static long megabytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum() / 1_000_000;
        }
    }

    private static Node node(Form form, String id, Path directory, String... peers) {
        NodeProcess process = new NodeProcess(form.launch().jar(), form.launch().jvmOptions(), id, TestNode.freePort(),
                directory, List.of(peers), "--meshchain.mining.enabled=false", "--meshchain.heartbeat.interval=1s");
        PodLimits limits = null;
        if (form.inPod()) {
            limits = PodLimits.create("meshchain-bench-" + id).orElseThrow();
            process.launchedThrough(limits.launcher());
        }
        return new Node(process, limits);
    }

    /** Start to ready and resident memory, empty and with the chain, alternately, {@value #STARTS} times each. */
    private static void startAndMemory(Path work, Form form, Path chainNode, long length) throws Exception {
        for (int run = 1; run <= STARTS; run++) {
            Path empty = work.resolve("empty-" + length + "-" + run);
            Figures emptyFigures = startOnce(form, "empty", empty);
            Figures chainFigures = startOnce(form, "chain", chainNode);
            System.out.printf("  start %d: empty node ready in %.2f s, %d MB resident; %,d blocks ready in %.2f s "
                            + "(%.2f times), %d MB resident (%+d MB)%n", run, emptyFigures.seconds(),
                    emptyFigures.residentMegabytes(), length, chainFigures.seconds(),
                    chainFigures.seconds() / emptyFigures.seconds(), chainFigures.residentMegabytes(),
                    chainFigures.residentMegabytes() - emptyFigures.residentMegabytes());
            FileSystemUtils.deleteRecursively(empty.toFile());
        }
    }

    private record Figures(double seconds, long residentMegabytes) {
    }

    private static Figures startOnce(Form form, String id, Path directory) throws Exception {
        try (Node node = node(form, id, directory)) {
            long start = System.nanoTime();
            node.process().start();
            await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> node.process().get("/readyz").status() == 200);
            double seconds = (System.nanoTime() - start) / 1e9;
            TimeUnit.SECONDS.sleep(SETTLE_SECONDS); // let start-up garbage be collected before reading memory
            long resident = NodeFiguresBenchmark.residentMegabytes(node.process().pid(), "VmRSS");
            node.process().stop();
            return new Figures(seconds, resident);
        }
    }

    /** Reads that go to the index and the block log: old blocks by height and hash, old transactions by id. */
    private static void reads(NodeProcess node, Chain chain) {
        long height = node.height();
        long start = 0;
        int reads = 0;
        for (int round = 0; round < READ_ROUNDS; round++) { // the last round is measured, the others warm up
            start = System.nanoTime();
            reads = 0;
            for (Block sample : chain.samples()) {
                require(node.get("/chain?from=" + sample.index() + "&limit=1").json().get("blocks").get(0).get("hash")
                        .asString().equals(sample.hash()), "block " + sample.index());
                require(node.get("/chain/blocks/" + sample.hash()).status() == 200, "block " + sample.hash());
                require(node.get("/transactions/" + sample.transactions().get(0).id()).json().get("blockIndex")
                        .asLong() == sample.index(), "transaction of block " + sample.index());
                reads += 3;
            }
        }
        double micros = (System.nanoTime() - start) / 1e3 / reads;
        long heartbeatStart = System.nanoTime();
        for (int i = 0; i < reads; i++) {
            require(node.get("/heartbeat").status() == 200, "its heartbeat");
        }
        double heartbeatMicros = (System.nanoTime() - heartbeatStart) / 1e3 / reads;
        long pageStart = System.nanoTime();
        require(node.get("/chain?from=" + (height / 2) + "&limit=1000").json().get("blocks").size() == 1000, "a page");
        double pageMillis = (System.nanoTime() - pageStart) / 1e6;
        System.out.printf("  served at height %,d: %d reads of old blocks by height and hash and of old transactions by "
                        + "id, %.0f us each over HTTP (GET /heartbeat, which reads no storage: %.0f us); a page of "
                        + "1,000 blocks from the middle in %.0f ms%n", height, reads, micros, heartbeatMicros, pageMillis);
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("the node did not serve " + what + " as written");
        }
    }

    /** A fresh node syncing the whole chain from {@code source}: time, and its peak resident memory. */
    private static void catchUp(Path work, Form form, NodeProcess source, long length) throws Exception {
        Path fresh = work.resolve("fresh-" + length);
        try (Node node = node(form, "fresh", fresh, source.url())) {
            // From the moment it answers at all: a node is not ready until it is in step with its peers,
            // so time from readiness would miss the catch-up (a build that reports ready while behind
            // would look slower than one that does not).
            node.process().start().awaitLive();
            long live = System.nanoTime();
            long emptyResident = NodeFiguresBenchmark.residentMegabytes(node.process().pid(), "VmRSS");
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> node.process().height() == length);
            double seconds = (System.nanoTime() - live) / 1e9;
            System.out.printf("  fresh node catches up %,d blocks in %.1f s from when it answered (%,.0f blocks/s); "
                            + "resident memory %d MB then, at most %d MB while catching up, %d MB after%n",
                    length, seconds, length / seconds, emptyResident,
                    NodeFiguresBenchmark.residentMegabytes(node.process().pid(), "VmHWM"),
                    NodeFiguresBenchmark.residentMegabytes(node.process().pid(), "VmRSS"));
            node.process().stop();
        }
        FileSystemUtils.deleteRecursively(fresh.toFile());
    }
}
