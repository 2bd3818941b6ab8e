package io.meshchain.pow;

/**
 * Hashes one encoded header after another, where only the proof (the last eight bytes) changes.
 * One instance serves one thread and allocates nothing per attempt.
 */
interface AttemptHasher {

    /** Hashes the header with {@code proof} and answers whether it has {@code difficulty} leading zero bits. */
    boolean meets(long proof, int difficulty);

    /** How this hasher works, for logs and benchmarks. */
    String name();

    /** Proofs hashed together by one call of {@link #firstMet}: 1, or a SIMD hasher's lanes. */
    default int lanes() {
        return 1;
    }

    /**
     * Hashes the header with the {@link #lanes()} proofs {@code start}, {@code start + step}, ... and
     * answers the index of the first that has {@code difficulty} leading zero bits, or -1.
     */
    default int firstMet(long start, long step, int difficulty) {
        return meets(start, difficulty) ? 0 : -1;
    }
}
