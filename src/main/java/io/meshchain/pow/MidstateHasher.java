package io.meshchain.pow;

import io.meshchain.crypto.Hex;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast hasher: one SHA-256 compression per attempt. The header encoding puts the proof last,
 * so the first 64-byte block is the same for every attempt: its compression (the midstate) is done
 * once, and each attempt compresses only the second block, already padded, from that midstate.
 * <p>
 * The compression is the JDK's own SHA-256 block function, which the JIT replaces with the CPU's
 * SHA instructions. The JDK does not export it, so this needs
 * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}: the jar's manifest grants it to
 * {@code java -jar}, and the build passes it to tests and benchmarks. Without it,
 * {@link HasherChoice} falls back to {@link DigestHasher}; both give the same hashes.
 */
final class MidstateHasher implements AttemptHasher {

    private static final Logger log = LoggerFactory.getLogger(MidstateHasher.class);

    static final String NAME = "midstate (1 compression per attempt)";
    static final int BLOCK = HeaderEncoding.SHA256_BLOCK;
    /** Where the proof sits in the second block. */
    static final int PROOF_IN_BLOCK = HeaderEncoding.PROOF_OFFSET - BLOCK;

    private static final Constructor<?> NEW_DIGEST;
    private static final MethodHandle COMPRESS;
    private static final VarHandle STATE;

    static {
        Constructor<?> constructor = null;
        MethodHandle compress = null;
        VarHandle state = null;
        try {
            Class<?> sha2 = Class.forName("sun.security.provider.SHA2");
            constructor = Class.forName("sun.security.provider.SHA2$SHA256").getDeclaredConstructor();
            constructor.setAccessible(true);
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(sha2, MethodHandles.lookup());
            compress = lookup.findVirtual(sha2, "implCompress0", MethodType.methodType(void.class, byte[].class, int.class))
                    .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class));
            state = lookup.findVarHandle(sha2, "state", int[].class);
            if (!selfTest(constructor, compress, state)) {
                throw new IllegalStateException("the JDK's SHA-256 block function gave an unexpected hash");
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("Mining hashes whole headers ({}); start the JVM with --add-opens "
                    + "java.base/sun.security.provider=ALL-UNNAMED to compress one block per attempt", e.toString());
            constructor = null;
            compress = null;
            state = null;
        }
        NEW_DIGEST = constructor;
        COMPRESS = compress;
        STATE = state;
    }

    private final Object digest;
    private final int[] state;
    private final int[] midstate = new int[8];
    private final byte[] block;

    MidstateHasher(byte[] encoded) {
        block = HeaderEncoding.paddedSecondBlock(encoded);
        try {
            digest = NEW_DIGEST.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the SHA-256 digest could not be created", e);
        }
        state = (int[]) STATE.get(digest);
        compress(encoded, 0);
        System.arraycopy(state, 0, midstate, 0, midstate.length);
    }

    static boolean isAvailable() {
        return COMPRESS != null;
    }

    private void compress(byte[] data, int offset) {
        try {
            COMPRESS.invokeExact(digest, data, offset);
        } catch (Throwable e) {
            throw new IllegalStateException("SHA-256 block function failed", e);
        }
    }

    @Override
    public boolean meets(long proof, int difficulty) {
        for (int i = 0; i < Long.BYTES; i++) {
            block[PROOF_IN_BLOCK + i] = (byte) (proof >>> (56 - 8 * i));
        }
        System.arraycopy(midstate, 0, state, 0, midstate.length);
        compress(block, 0);
        return Difficulty.isMetBy(state, difficulty);
    }

    /** The hash of the header with {@code proof}, in hex; for tests that compare it with {@link Hashes#blockHash}. */
    String hash(long proof) {
        meets(proof, 0);
        StringBuilder hex = new StringBuilder(Hex.HASH_LENGTH);
        for (int word : state) {
            hex.append(String.format("%08x", word));
        }
        return hex.toString();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Checks the block function on the standard test vector "abc" before trusting it. */
    private static boolean selfTest(Constructor<?> constructor, MethodHandle compress, VarHandle stateHandle)
            throws ReflectiveOperationException {
        Object digest = constructor.newInstance();
        byte[] block = new byte[BLOCK];
        block[0] = 'a';
        block[1] = 'b';
        block[2] = 'c';
        block[3] = (byte) 0x80;
        block[BLOCK - 1] = 24;
        try {
            compress.invokeExact(digest, block, 0);
        } catch (Throwable e) {
            return false;
        }
        int[] state = (int[]) stateHandle.get(digest);
        return state[0] == 0xba7816bf && state[7] == 0xf20015ad;
    }
}
