package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.storage.StorageFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * Benchmark (not a test): a fresh node catching up a chain of full blocks of signed transactions,
 * beside the same length of unsigned ones, in the same run, alternating: what verifying every
 * signature costs a catch-up, with verification spread over the cores ({@code ChainService}
 * verifies a page's signatures in parallel before it takes its lock). Both nodes run as the image
 * runs them ({@code -Xmx384m}) on this machine.
 * <p>
 * {@code ./mvnw -B -Pbench verify -Dbench.skipJmh=true -Dbench.skipNodes=true -Dbench.skipSigned=false}, or
 * {@code scripts/bench-signed-catchup.sh [blocks] [rounds]}.
 */
public final class SignedCatchUpBenchmark {

    private static final int TRANSACTIONS_PER_BLOCK = 5;
    private static final int WRITE_BATCH = 1_000;
    private static final List<String> IMAGE_HEAP = List.of("-Xmx384m");
    /** The signers: a few keys, each with a name of its own, as the users of a small network would be. */
    private static final int SIGNERS = TRANSACTIONS_PER_BLOCK;

    private SignedCatchUpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int length = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path work = Files.createTempDirectory("meshchain-signed-catchup");
        System.out.printf("signed catch-up: %,d blocks of %d transactions, %d rounds, %d cores%n", length,
                TRANSACTIONS_PER_BLOCK, rounds, Runtime.getRuntime().availableProcessors());
        Path unsigned = work.resolve("unsigned");
        Path signed = work.resolve("signed");
        write(unsigned.resolve("data"), length, false);
        write(signed.resolve("data"), length, true);
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("  round %d: unsigned %.1f s, signed %.1f s%n", round, catchUp(work, unsigned, length),
                    catchUp(work, signed, length));
        }
    }

    private static void write(Path data, int length, boolean signed) {
        long start = System.nanoTime();
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        // A block a second, the network's default interval (rule block-interval), ending a minute ago.
        long firstTimestamp = System.currentTimeMillis() - 1_000L * length - 60_000;
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < SIGNERS; k++) {
            keys.add(HexFormat.of().parseHex(String.format("%064x", k + 1)));
        }
        try (StorageFixture.ChainWriter writer = StorageFixture.writer(data, genesis)) {
            Block tip = genesis;
            List<Block> batch = new ArrayList<>(WRITE_BATCH);
            for (long height = 1; height <= length; height++) {
                List<Transaction> transactions = new ArrayList<>(TRANSACTIONS_PER_BLOCK);
                for (int t = 0; t < TRANSACTIONS_PER_BLOCK; t++) {
                    String content = "payment " + height + "." + t;
                    long timestamp = firstTimestamp + 1_000 * height;
                    transactions.add(signed
                            ? ChainFixture.signed(keys.get(t), genesis.hash(), "signer" + t, content, timestamp)
                            : Transaction.of("signer" + t, content, timestamp));
                }
                tip = ChainFixture.mine(tip, transactions, firstTimestamp + 1_000 * height);
                batch.add(tip);
                if (batch.size() == WRITE_BATCH || height == length) {
                    writer.append(batch);
                    batch.clear();
                }
            }
        }
        System.out.printf("  %s chain written in %.0f s%n", signed ? "signed" : "unsigned", (System.nanoTime() - start) / 1e9);
    }

    /** Seconds from the fresh node's readiness until its height reaches {@code length}. */
    private static double catchUp(Path work, Path chain, int length) throws Exception {
        Path freshDirectory = Files.createTempDirectory(work, "fresh");
        try (NodeProcess source = new NodeProcess(IMAGE_HEAP, "source", TestNode.freePort(), chain, List.of(),
                "--meshchain.mining.enabled=false")) {
            source.start().awaitReady();
            try (NodeProcess fresh = new NodeProcess(IMAGE_HEAP, "fresh", TestNode.freePort(), freshDirectory,
                    List.of(source.url()), "--meshchain.mining.enabled=false", "--meshchain.heartbeat.interval=1s")) {
                fresh.start().awaitReady();
                long start = System.nanoTime();
                await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> fresh.height() == length);
                double seconds = (System.nanoTime() - start) / 1e9;
                fresh.stop();
                source.stop();
                return seconds;
            }
        }
    }
}
