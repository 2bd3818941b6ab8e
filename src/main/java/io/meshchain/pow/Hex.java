package io.meshchain.pow;

import java.util.HexFormat;

/** Lowercase hex for hashes, and the strict parsing of 32-byte hashes a peer sends. */
public final class Hex {

    /** Length in characters of a SHA-256 hash written in hex. */
    public static final int HASH_LENGTH = 64;
    /** A hash as it appears on the wire, for bean validation of requests and peers' answers. */
    public static final String HASH_PATTERN = "[0-9a-f]{64}";

    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    /** True when {@code value} is 64 lowercase hex characters. */
    public static boolean isHash(String value) {
        if (value == null || value.length() != HASH_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    static byte[] decode32(String hash) {
        if (!isHash(hash)) {
            throw new IllegalArgumentException("not a 64-character lowercase hex hash: " + hash);
        }
        return FORMAT.parseHex(hash);
    }
}
