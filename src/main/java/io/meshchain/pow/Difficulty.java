package io.meshchain.pow;

import io.meshchain.crypto.Hex;
import java.math.BigInteger;

/**
 * Difficulty is counted in leading zero bits of the block hash. The seed system asked for a hex
 * prefix of "00", which is 8 bits. Miner and validation both use {@link #isMetBy}, so the two
 * can never disagree about what a valid proof is.
 */
public final class Difficulty {

    private Difficulty() {
    }

    /** True when {@code hash} starts with at least {@code bits} zero bits. */
    public static boolean isMetBy(byte[] hash, int bits) {
        int fullBytes = bits / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (hash[i] != 0) {
                return false;
            }
        }
        int remainingBits = bits % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = 0xFF << (8 - remainingBits) & 0xFF;
        return (hash[fullBytes] & mask) == 0;
    }

    /** The same test on a hash as SHA-256's eight big-endian state words. */
    public static boolean isMetBy(int[] words, int bits) {
        int full = bits / 32;
        for (int i = 0; i < full; i++) {
            if (words[i] != 0) {
                return false;
            }
        }
        int remainingBits = bits % 32;
        return remainingBits == 0 || words[full] >>> (32 - remainingBits) == 0;
    }

    /** Hex form of {@link #isMetBy(byte[], int)}; false for anything that is not a hex hash. */
    public static boolean isMetBy(String hexHash, int bits) {
        return Hex.isHash(hexHash) && isMetBy(Hex.decode32(hexHash), bits);
    }

    /** Expected number of hashes to meet {@code bits}: 2^bits. Chains compare by the sum of these. */
    public static BigInteger work(int bits) {
        return BigInteger.ONE.shiftLeft(bits);
    }
}
