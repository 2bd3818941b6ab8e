package io.meshchain.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lowercase hex for hashes, and the strict parsing of 32-byte hashes a peer sends. Every block a
 * node validates, stores and indexes has its hashes and transaction ids converted several times, so
 * the conversions use lookup tables: the JDK's {@code HexFormat} took a fifth of a catching-up
 * node's time.
 */
public final class Hex {

    /** Length in characters of a SHA-256 hash written in hex. */
    public static final int HASH_LENGTH = 64;
    /** A hash as it appears on the wire, for bean validation of requests and peers' answers. */
    public static final String HASH_PATTERN = "[0-9a-f]{64}";

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** The value of each lowercase hex digit by its character; -1 for every other ASCII character. */
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < DIGITS.length; i++) {
            VALUES[DIGITS[i]] = (byte) i;
        }
    }

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        byte[] chars = new byte[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            chars[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
            chars[2 * i + 1] = DIGITS[bytes[i] & 0xF];
        }
        return new String(chars, StandardCharsets.ISO_8859_1);
    }

    /** True when {@code value} is 64 lowercase hex characters. */
    public static boolean isHash(String value) {
        if (value == null || value.length() != HASH_LENGTH) {
            return false;
        }
        int invalid = 0;
        for (int i = 0; i < HASH_LENGTH; i++) {
            invalid |= value(value.charAt(i));
        }
        return invalid >= 0;
    }

    /**
     * The 32 bytes of a hash written as 64 lowercase hex characters.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static byte[] decode32(String hash) {
        if (hash.length() != HASH_LENGTH) {
            throw new IllegalArgumentException("not a 64-character lowercase hex hash: " + hash);
        }
        byte[] bytes = new byte[HASH_LENGTH / 2];
        int invalid = 0;
        for (int i = 0; i < bytes.length; i++) {
            int high = value(hash.charAt(2 * i));
            int low = value(hash.charAt(2 * i + 1));
            invalid |= high | low;
            bytes[i] = (byte) (high << 4 | low);
        }
        if (invalid < 0) {
            throw new IllegalArgumentException("not a 64-character lowercase hex hash: " + hash);
        }
        return bytes;
    }

    /** True when {@code hex} is {@code bytes} written in lowercase hex. */
    public static boolean matches(String hex, byte[] bytes) {
        if (hex.length() != bytes.length * 2) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (hex.charAt(2 * i) != DIGITS[(bytes[i] >> 4) & 0xF] || hex.charAt(2 * i + 1) != DIGITS[bytes[i] & 0xF]) {
                return false;
            }
        }
        return true;
    }

    /** The digit's value, or -1 when {@code c} is not a lowercase hex digit. */
    private static int value(char c) {
        return c < VALUES.length ? VALUES[c] : -1;
    }
}
