package io.meshchain.pow;

import io.meshchain.ledger.Genesis;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Hashes per second of the mining loop on one thread: the SIMD lanes the node uses where the CPU
 * has 512-bit vectors, the midstate hasher it uses otherwise, and the portable full-digest one it
 * falls back to. Compare with {@code openssl speed -evp sha256} at 64
 * bytes, run on the same machine in the same session ({@code scripts/bench.sh} does both).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class MiningBenchmark {

    /** Attempts per benchmark call, so the loop, not the call, is measured; a multiple of any lane count. */
    static final int ATTEMPTS = 1_024;
    /** Higher than any proof in the loop can meet, so every attempt is a full attempt. */
    static final int DIFFICULTY = 64;

    private AttemptHasher lanes;
    private AttemptHasher midstate;
    private AttemptHasher digest;
    private long proof;

    @Setup
    public void header() {
        BlockHeader header = new BlockHeader(1, 1_764_000_000_000L, Genesis.NO_PARENT, DIFFICULTY,
                Hashes.transactionsRoot(List.of()), 0);
        byte[] encoded = HeaderEncoding.encode(header);
        midstate = new MidstateHasher(encoded);
        lanes = new LaneHasher(encoded, midstate);
        digest = new DigestHasher(encoded);
    }

    @Benchmark
    @OperationsPerInvocation(ATTEMPTS)
    public int laneHashes() {
        int met = 0;
        for (int i = 0; i < ATTEMPTS; i += LaneHasher.LANES) {
            met += lanes.firstMet(proof, 1, DIFFICULTY) >= 0 ? 1 : 0;
            proof += LaneHasher.LANES;
        }
        return met;
    }

    @Benchmark
    @OperationsPerInvocation(ATTEMPTS)
    public int midstateHashes() {
        int met = 0;
        for (int i = 0; i < ATTEMPTS; i++) {
            met += midstate.meets(proof++, DIFFICULTY) ? 1 : 0;
        }
        return met;
    }

    @Benchmark
    @OperationsPerInvocation(ATTEMPTS)
    public int fullDigestHashes() {
        int met = 0;
        for (int i = 0; i < ATTEMPTS; i++) {
            met += digest.meets(proof++, DIFFICULTY) ? 1 : 0;
        }
        return met;
    }
}
