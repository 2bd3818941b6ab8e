package io.meshchain.it;

import static org.awaitility.Awaitility.await;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.Transaction;
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

/**
 * Benchmark (not a test) of a node with a long chain, run as the Docker image runs it (extracted
 * jar, AOT, class-data archive, {@code -Xmx384m}): for each chain length given (default 1,000,000
 * full blocks of 5 transactions), the time from start to ready and the resident memory, beside the
 * same figures for an empty node measured in the same run; how long reads of old blocks and
 * transactions take; and, for the first length, how long a fresh node takes to catch the chain up
 * from a peer and how much memory it needed at most. Chains are written with the test fixtures
 * (full blocks mined at the fixtures' difficulty), not mined through HTTP. Run by
 * {@code scripts/bench-scale.sh}.
 */
public final class LedgerScaleBenchmark {

    private static final int TRANSACTIONS_PER_BLOCK = 5;
    private static final int WRITE_BATCH = 1_000;
    private static final int STARTS = 3;
    private static final int SETTLE_SECONDS = 3;
    private static final Duration READY_WITHIN = Duration.ofMinutes(10);

    private LedgerScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Long> lengths = args.length == 0 ? List.of(1_000_000L) : Stream.of(args).map(Long::parseLong).toList();
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "scale-bench");
        try {
            NodeFiguresBenchmark.Launch image = NodeFiguresBenchmark.asTheImageRunsIt(work);
            System.out.println("ledger at scale (one process per node, " + image.name() + ": "
                    + String.join(" ", image.jvmOptions()) + ")");
            for (int i = 0; i < lengths.size(); i++) {
                long length = lengths.get(i);
                Path chainNode = work.resolve("chain-" + length);
                Chain chain = write(chainNode.resolve("data"), length);
                startAndMemory(work, image, chainNode, length);
                try (NodeProcess source = node(image, "source-" + length, chainNode)) {
                    source.start().awaitReady();
                    reads(source, chain);
                    if (i == 0) {
                        catchUp(work, image, source, length);
                    }
                    source.stop();
                }
                FileSystemUtils.deleteRecursively(chainNode.toFile());
            }
        } finally {
            FileSystemUtils.deleteRecursively(work.toFile());
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
        long firstTimestamp = System.currentTimeMillis() - length;
        try (StorageFixture.ChainWriter writer = StorageFixture.writer(data, genesis)) {
            Block tip = genesis;
            List<Block> batch = new ArrayList<>(WRITE_BATCH);
            for (long height = 1; height <= length; height++) {
                List<Transaction> transactions = new ArrayList<>(TRANSACTIONS_PER_BLOCK);
                for (int t = 0; t < TRANSACTIONS_PER_BLOCK; t++) {
                    transactions.add(Transaction.of("scale" + t, "payment " + height + "." + t, firstTimestamp));
                }
                tip = ChainFixture.mine(tip, transactions, firstTimestamp + height);
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

    private static NodeProcess node(NodeFiguresBenchmark.Launch launch, String id, Path directory) {
        return new NodeProcess(launch.jar(), launch.jvmOptions(), id, TestNode.freePort(), directory, List.of(),
                "--meshchain.mining.enabled=false", "--meshchain.heartbeat.interval=1s");
    }

    /** Start to ready and resident memory, empty and with the chain, alternately, {@value #STARTS} times each. */
    private static void startAndMemory(Path work, NodeFiguresBenchmark.Launch image, Path chainNode, long length)
            throws Exception {
        for (int run = 1; run <= STARTS; run++) {
            Path empty = work.resolve("empty-" + length + "-" + run);
            Figures emptyFigures = startOnce(image, "empty", empty);
            Figures chainFigures = startOnce(image, "chain", chainNode);
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

    private static Figures startOnce(NodeFiguresBenchmark.Launch image, String id, Path directory) throws Exception {
        try (NodeProcess node = node(image, id, directory)) {
            long start = System.nanoTime();
            node.start();
            await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> node.get("/readyz").status() == 200);
            double seconds = (System.nanoTime() - start) / 1e9;
            TimeUnit.SECONDS.sleep(SETTLE_SECONDS); // let start-up garbage be collected before reading memory
            long resident = NodeFiguresBenchmark.residentMegabytes(node.pid(), "VmRSS");
            node.stop();
            return new Figures(seconds, resident);
        }
    }

    /** Reads that go to the index and the block log: old blocks by height and hash, old transactions by id. */
    private static void reads(NodeProcess node, Chain chain) {
        long height = node.height();
        String deep = chain.samples().get(0).hash();
        String deepTransaction = chain.samples().get(chain.samples().size() / 2).transactions().get(3).id();
        long start = System.nanoTime();
        int reads = 0;
        for (Block sample : chain.samples()) {
            require(node.get("/chain?from=" + sample.index() + "&limit=1").json().get("blocks").get(0).get("hash")
                    .asString().equals(sample.hash()), "block " + sample.index());
            require(node.get("/chain/blocks/" + sample.hash()).status() == 200, "block " + sample.hash());
            require(node.get("/transactions/" + sample.transactions().get(0).id()).json().get("blockIndex").asLong()
                    == sample.index(), "transaction of block " + sample.index());
            reads += 3;
        }
        double micros = (System.nanoTime() - start) / 1e3 / reads;
        long pageStart = System.nanoTime();
        require(node.get("/chain?from=" + (height / 2) + "&limit=1000").json().get("blocks").size() == 1000, "a page");
        double pageMillis = (System.nanoTime() - pageStart) / 1e6;
        System.out.printf("  served at height %,d: %d reads of old blocks by height and hash and of old transactions by "
                        + "id, %.0f us each over HTTP; a page of 1,000 blocks from the middle in %.0f ms (%s, %s)%n",
                height, reads, micros, pageMillis, deep.substring(0, 12), deepTransaction.substring(0, 12));
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("the node did not serve " + what + " as written");
        }
    }

    /** A fresh node syncing the whole chain from {@code source}: time, and its peak resident memory. */
    private static void catchUp(Path work, NodeFiguresBenchmark.Launch image, NodeProcess source, long length)
            throws Exception {
        Path fresh = work.resolve("fresh-" + length);
        try (NodeProcess node = new NodeProcess(image.jar(), image.jvmOptions(), "fresh", TestNode.freePort(), fresh,
                List.of(source.url()), "--meshchain.mining.enabled=false", "--meshchain.heartbeat.interval=1s")) {
            node.start().awaitReady();
            long ready = System.nanoTime();
            long emptyResident = NodeFiguresBenchmark.residentMegabytes(node.pid(), "VmRSS");
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> node.height() == length);
            double seconds = (System.nanoTime() - ready) / 1e9;
            System.out.printf("  fresh node catches up %,d blocks in %.1f s after it was ready (%,.0f blocks/s); "
                            + "resident memory %d MB when ready, at most %d MB while catching up, %d MB after%n",
                    length, seconds, length / seconds, emptyResident,
                    NodeFiguresBenchmark.residentMegabytes(node.pid(), "VmHWM"),
                    NodeFiguresBenchmark.residentMegabytes(node.pid(), "VmRSS"));
            node.stop();
        }
        FileSystemUtils.deleteRecursively(fresh.toFile());
    }
}
