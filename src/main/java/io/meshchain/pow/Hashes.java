package io.meshchain.pow;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The one place that hashes: block headers, transaction ids and the transactions root all use
 * SHA-256 over explicit byte encodings, never over JSON or {@code toString()}.
 */
public final class Hashes {

    /** Version byte of the transaction encoding; bump it when the encoding changes. */
    static final byte TRANSACTION_ENCODING_VERSION = 1;
    /** Version byte of the transactions-root encoding. */
    static final byte ROOT_ENCODING_VERSION = 1;

    private Hashes() {
    }

    /**
     * A digest per thread for the hashes below, reset whenever it is taken ({@link #digest()}): a
     * hash of many parts that stops half-way (a malformed id) must leave nothing for the next one.
     * Looking one up in the JDK's providers for every hash cost more than the hashing of a small input.
     */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Hashes::sha256);

    private static MessageDigest digest() {
        MessageDigest digest = DIGEST.get();
        digest.reset();
        return digest;
    }

    /** The hex SHA-256 of a block header's {@link HeaderEncoding canonical encoding}. */
    public static String blockHash(BlockHeader header) {
        return Hex.encode(digest().digest(HeaderEncoding.encode(header)));
    }

    /**
     * A transaction's id: the hex SHA-256 of its canonical encoding
     * {@code version | len(sender) | sender | len(content) | content | timestamp}, with UTF-8 strings
     * and big-endian lengths, so that no two different transactions share an encoding.
     */
    public static String transactionId(String sender, String content, long timestamp) {
        return Hex.encode(transactionDigest(sender, content, timestamp));
    }

    /** True when {@code id} is the id of those fields: what {@link #transactionId} gives, without writing it out. */
    public static boolean isTransactionId(String id, String sender, String content, long timestamp) {
        return Hex.matches(id, transactionDigest(sender, content, timestamp));
    }

    private static byte[] transactionDigest(String sender, String content, long timestamp) {
        byte[] senderBytes = sender.getBytes(StandardCharsets.UTF_8);
        byte[] contentBytes = content.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + senderBytes.length + 4 + contentBytes.length + 8);
        buffer.put(TRANSACTION_ENCODING_VERSION)
                .putInt(senderBytes.length).put(senderBytes)
                .putInt(contentBytes.length).put(contentBytes)
                .putLong(timestamp);
        return digest().digest(buffer.array());
    }

    /**
     * Commits to the ordered list of transaction ids: {@code version | count | id...}. Reordering,
     * adding, removing or changing a transaction changes the root, and so the block's hash.
     */
    public static String transactionsRoot(List<String> transactionIds) {
        MessageDigest digest = digest();
        digest.update(ROOT_ENCODING_VERSION);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(transactionIds.size()).array());
        for (String id : transactionIds) {
            digest.update(Hex.decode32(id));
        }
        return Hex.encode(digest.digest());
    }

    /** A new SHA-256 digest, for a caller that keeps one of its own. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
