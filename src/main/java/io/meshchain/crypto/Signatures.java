package io.meshchain.crypto;

import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 signatures (RFC 8032) of transactions, exactly as docs/api.md ("Signed transactions") specifies
 * them, so that any Ed25519 implementation, in any language, can sign for meshchain from that page.
 * The message a transaction's signature covers is built where its encoding is
 * ({@code io.meshchain.pow.Hashes#signingMessage}); this class signs and verifies bytes, whatever they
 * hold. Keys and signatures travel as base64url without padding.
 * <p>
 * Bouncy Castle's Ed25519 does the arithmetic: it verifies about eight times as many signatures a
 * second as the JDK 17 provider, more than openssl on the same core (BENCHMARKS.md), and agrees with
 * both and with RFC 8032's test vectors (SignaturesTest).
 */
public final class Signatures {

    /** Bytes of a public key. */
    public static final int PUBLIC_KEY_BYTES = Ed25519.PUBLIC_KEY_SIZE;
    /** Bytes of a private key (RFC 8032's 32-byte seed). */
    public static final int PRIVATE_KEY_BYTES = Ed25519.SECRET_KEY_SIZE;
    /** Bytes of a signature. */
    public static final int SIGNATURE_BYTES = Ed25519.SIGNATURE_SIZE;

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
    private static final String NOT_CANONICAL = "must be canonical base64url without padding";

    static {
        // Bouncy Castle's tables for fixed-base multiplication, built once rather than at the first signature.
        Ed25519.precompute();
    }

    private Signatures() {
    }

    /** True when {@code signature} is {@code publicKey}'s signature of {@code message}; false for anything malformed. */
    public static boolean verify(byte[] publicKey, byte[] signature, byte[] message) {
        if (publicKey == null || signature == null || publicKey.length != PUBLIC_KEY_BYTES
                || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    /** The signature of {@code message} by {@code privateKey}: what a client does, here for the CLI and tests. */
    public static byte[] sign(byte[] privateKey, byte[] message) {
        requireLength(privateKey, PRIVATE_KEY_BYTES, "a private key");
        byte[] signature = new byte[SIGNATURE_BYTES];
        Ed25519.sign(privateKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    /** The public key of {@code privateKey}. */
    public static byte[] publicKey(byte[] privateKey) {
        requireLength(privateKey, PRIVATE_KEY_BYTES, "a private key");
        byte[] publicKey = new byte[PUBLIC_KEY_BYTES];
        Ed25519.generatePublicKey(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    /** A new private key from {@code random}. */
    public static byte[] newPrivateKey(SecureRandom random) {
        byte[] privateKey = new byte[PRIVATE_KEY_BYTES];
        Ed25519.generatePrivateKey(random, privateKey);
        return privateKey;
    }

    /** Bytes as they travel: base64url without padding. */
    public static String encode(byte[] bytes) {
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * Bytes from base64url without padding, checked to be {@code length} long and to be written the one
     * way those bytes are written. The last character of an encoding whose length is not a multiple of
     * three bytes carries bits no byte uses, and a lenient decoder ignores them: four strings then
     * decode to one key. Whoever compares keys as strings (the pool, a block's bindings) would take
     * them for four keys, while the bytes, hashed into ids and stored, are one. So only the canonical
     * string is taken, and string equality of keys is byte equality everywhere.
     *
     * @throws IllegalArgumentException when it is not canonical base64url without padding, or not that long
     */
    public static byte[] decode(String base64url, int length) {
        if (base64url.indexOf('=') >= 0) {
            throw new IllegalArgumentException(NOT_CANONICAL);
        }
        byte[] bytes;
        try {
            bytes = BASE64URL_DECODER.decode(base64url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(NOT_CANONICAL);
        }
        requireLength(bytes, length, "it");
        if (!BASE64URL.encodeToString(bytes).equals(base64url)) {
            throw new IllegalArgumentException(NOT_CANONICAL + ": its last character has bits set that no byte uses");
        }
        return bytes;
    }

    /** Whether {@code base64url} is the canonical encoding of {@code length} bytes. */
    public static boolean isCanonical(String base64url, int length) {
        try {
            decode(base64url, length);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requireLength(byte[] bytes, int length, String what) {
        if (bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, not " + bytes.length);
        }
    }
}
