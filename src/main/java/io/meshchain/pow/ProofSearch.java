package io.meshchain.pow;

import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Searches proofs for one header, with the fastest {@link AttemptHasher} the runtime allows. The
 * header is encoded once; an attempt only writes the proof and hashes, allocating nothing. One
 * instance is used by one thread.
 */
public final class ProofSearch {

    /** Attempts between two checks of whether the work has gone stale. */
    public static final int STALENESS_CHECK_INTERVAL = 1 << 14;

    private final AttemptHasher hasher;
    private final int difficulty;

    public ProofSearch(BlockHeader header) {
        this(HasherChoice.forHeader(HeaderEncoding.encode(header), header.difficulty()), header.difficulty());
    }

    ProofSearch(AttemptHasher hasher, int difficulty) {
        this.hasher = hasher;
        this.difficulty = difficulty;
    }

    /** How attempts at {@code difficulty} are hashed here, e.g. "midstate (1 compression per attempt)". */
    public static String hasherName(int difficulty) {
        return HasherChoice.name(difficulty);
    }

    /**
     * Tries {@code start}, {@code start + step}, {@code start + 2*step}, ... until a proof meets the
     * difficulty, or {@code stale} answers true (checked every {@link #STALENESS_CHECK_INTERVAL} attempts).
     *
     * @param attempts counts every hash computed, for metrics; called once per check interval
     * @return the proof, or empty when the search was abandoned
     */
    public OptionalLong search(long start, long step, BooleanSupplier stale, AttemptCounter attempts) {
        return search(start, step, () -> Long.MAX_VALUE, stale, attempts);
    }

    /**
     * As {@link #search(long, long, BooleanSupplier, AttemptCounter)}, but also gives up (empty) once
     * past {@code ceiling} (also checked every {@link #STALENESS_CHECK_INTERVAL} attempts): threads
     * searching interleaved proofs stop once another found a lower one, so that together they find
     * the lowest proof, whatever their number.
     */
    public OptionalLong search(long start, long step, LongSupplier ceiling, BooleanSupplier stale,
                               AttemptCounter attempts) {
        int lanes = hasher.lanes();
        long stride = step * lanes;
        long proof = start;
        int sinceCheck = 0;
        while (true) {
            int met = hasher.firstMet(proof, step, difficulty);
            if (met >= 0) {
                attempts.add(sinceCheck + met + 1);
                return OptionalLong.of(proof + met * step);
            }
            sinceCheck += lanes;
            if (sinceCheck >= STALENESS_CHECK_INTERVAL) {
                attempts.add(sinceCheck);
                sinceCheck = 0;
                if (proof > ceiling.getAsLong() || stale.getAsBoolean()) {
                    return OptionalLong.empty();
                }
            }
            proof += stride;
        }
    }

    /** Receives the number of hashes computed. */
    @FunctionalInterface
    public interface AttemptCounter {
        void add(long attempts);
    }
}
