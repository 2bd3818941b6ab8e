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

    /** The fastest hasher this runtime allows for {@code encoded}. */
    static AttemptHasher forHeader(byte[] encoded) {
        return MidstateHasher.isAvailable() ? new MidstateHasher(encoded) : new DigestHasher(encoded);
    }
}
