package io.meshchain.pow;

import java.security.DigestException;
import java.security.MessageDigest;

/**
 * The portable hasher: the whole header through {@link MessageDigest} for every attempt, two SHA-256
 * compressions, into reused buffers. The JDK runs SHA-256 on the CPU's SHA instructions where it has them.
 */
final class DigestHasher implements AttemptHasher {

    static final String NAME = "full digest (2 compressions per attempt)";

    private final byte[] encoded;
    private final byte[] hash = new byte[32];
    private final MessageDigest digest = Hashes.sha256();

    DigestHasher(byte[] encoded) {
        this.encoded = encoded.clone();
    }

    @Override
    public boolean meets(long proof, int difficulty) {
        HeaderEncoding.putProof(encoded, proof);
        digest.update(encoded);
        try {
            digest.digest(hash, 0, hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a 32-byte buffer always fits SHA-256", e);
        }
        return Difficulty.isMetBy(hash, difficulty);
    }

    @Override
    public String name() {
        return NAME;
    }
}
