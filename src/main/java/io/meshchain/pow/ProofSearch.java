package io.meshchain.pow;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * Searches proofs for one header. It encodes the header once and then, per attempt, only writes
 * the proof into the last eight bytes and hashes into a reused buffer: no allocation per attempt.
 * One instance is used by one thread.
 */
public final class ProofSearch {

    /** Attempts between two checks of whether the work has gone stale. */
    public static final int STALENESS_CHECK_INTERVAL = 1 << 14;

    private final byte[] encoded;
    private final byte[] hash = new byte[32];
    private final MessageDigest digest = Hashes.sha256();
    private final int difficulty;

    public ProofSearch(BlockHeader header) {
        this.encoded = HeaderEncoding.encode(header);
        this.difficulty = header.difficulty();
    }

    /**
     * Tries {@code start}, {@code start + step}, {@code start + 2*step}, ... until a proof meets the
     * difficulty, or {@code stale} answers true (checked every {@link #STALENESS_CHECK_INTERVAL} attempts).
     *
     * @param attempts counts every hash computed, for metrics; called once per check interval
     * @return the proof, or empty when the search was abandoned
     */
    public OptionalLong search(long start, long step, BooleanSupplier stale, AttemptCounter attempts) {
        long proof = start;
        int sinceCheck = 0;
        while (true) {
            HeaderEncoding.putProof(encoded, proof);
            digest.update(encoded);
            finish();
            sinceCheck++;
            if (Difficulty.isMetBy(hash, difficulty)) {
                attempts.add(sinceCheck);
                return OptionalLong.of(proof);
            }
            if (sinceCheck == STALENESS_CHECK_INTERVAL) {
                attempts.add(sinceCheck);
                sinceCheck = 0;
                if (stale.getAsBoolean()) {
                    return OptionalLong.empty();
                }
            }
            proof += step;
        }
    }

    private void finish() {
        try {
            digest.digest(hash, 0, hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a 32-byte buffer always fits SHA-256", e);
        }
    }

    /** Receives the number of hashes computed. */
    @FunctionalInterface
    public interface AttemptCounter {
        void add(long attempts);
    }
}
