package io.meshchain.pow;

import io.meshchain.crypto.Hex;
import io.meshchain.crypto.MerkleTree;
import io.meshchain.crypto.Signatures;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that hashes: block headers, transaction ids and the transactions root all use
 * SHA-256 over explicit byte encodings, never over JSON or {@code toString()}. The bytes a transaction's
 * signature covers are built here too ({@link #signingMessage}), from the same encoding.
 */
public final class Hashes {

    /** Version byte of the transaction encoding; bump it when the encoding changes. */
    static final byte TRANSACTION_ENCODING_VERSION = 1;
    /** Version byte of a signed transaction's encoding: v1 followed by the signer's public key. */
    static final byte SIGNED_TRANSACTION_ENCODING_VERSION = 2;
    /** What a transaction's signed message starts with, so that a signature means nothing elsewhere. */
    private static final byte[] SIGNING_DOMAIN = "meshchain-tx".getBytes(StandardCharsets.US_ASCII);

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
     *
     * @throws IllegalArgumentException when a string holds an unpaired surrogate ({@link #utf8})
     */
    public static String transactionId(String sender, String content, long timestamp) {
        return Hex.encode(transactionDigest(sender, content, timestamp));
    }

    /**
     * True when {@code id} is the id of those fields: what {@link #transactionId} gives, without writing
     * it out. False for fields that have no id (a string that is not valid UTF-16).
     */
    public static boolean isTransactionId(String id, String sender, String content, long timestamp) {
        try {
            return Hex.matches(id, transactionDigest(sender, content, timestamp));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The UTF-8 bytes of {@code value}, encoded strictly: a string with an unpaired surrogate has no
     * UTF-8 encoding, and {@link String#getBytes} would write {@code ?} in its place, giving two
     * different strings the same bytes. Strings without surrogates, nearly all of them, take the fast way.
     *
     * @throws IllegalArgumentException when {@code value} holds an unpaired surrogate
     */
    static byte[] utf8(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isSurrogate(value.charAt(i))) {
                return strictUtf8(value);
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] strictUtf8(String value) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer encoded = encoder.encode(CharBuffer.wrap(value));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("an unpaired surrogate has no UTF-8 encoding", e);
        }
    }

    /**
     * A signed transaction's id: the hex SHA-256 of encoding v2, which adds the signer's 32-byte public
     * key to v1 ({@link #signedTransactionEncoding}), so that the key is part of what the id names.
     *
     * @throws IllegalArgumentException when a string holds an unpaired surrogate, or the key is not 32 bytes
     */
    public static String signedTransactionId(String sender, String content, long timestamp, byte[] publicKey) {
        return Hex.encode(digest().digest(signedTransactionEncoding(sender, content, timestamp, publicKey)));
    }

    /**
     * Encoding v2, of a signed transaction (docs/api.md): {@code 0x02 | len(sender) u32 | sender |
     * len(content) u32 | content | timestamp i64 | publicKey (32 bytes)}, UTF-8 and big-endian.
     */
    static byte[] signedTransactionEncoding(String sender, String content, long timestamp, byte[] publicKey) {
        if (publicKey.length != Signatures.PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("a public key is " + Signatures.PUBLIC_KEY_BYTES + " bytes, not "
                    + publicKey.length);
        }
        return transactionEncoding(SIGNED_TRANSACTION_ENCODING_VERSION, sender, content, timestamp, publicKey);
    }

    /**
     * The message a signed transaction's signature covers ({@link Signatures}): the 12 ASCII bytes
     * {@code meshchain-tx}, the genesis block's hash (32 raw bytes: a signature holds on one network
     * only), then the transaction's encoding v2 ({@link #signedTransactionEncoding}).
     *
     * @param genesisHash the network's genesis block hash, 64 hex characters
     * @throws IllegalArgumentException for a malformed hash or key, or a string with an unpaired surrogate
     */
    public static byte[] signingMessage(String genesisHash, String sender, String content, long timestamp,
                                        byte[] publicKey) {
        byte[] encoding = signedTransactionEncoding(sender, content, timestamp, publicKey);
        return ByteBuffer.allocate(SIGNING_DOMAIN.length + 32 + encoding.length)
                .put(SIGNING_DOMAIN).put(Hex.decode32(genesisHash)).put(encoding).array();
    }

    private static byte[] transactionDigest(String sender, String content, long timestamp) {
        return digest().digest(transactionEncoding(TRANSACTION_ENCODING_VERSION, sender, content, timestamp, null));
    }

    private static byte[] transactionEncoding(byte version, String sender, String content, long timestamp,
                                              byte[] publicKey) {
        byte[] senderBytes = utf8(sender);
        byte[] contentBytes = utf8(content);
        int keyBytes = publicKey == null ? 0 : publicKey.length;
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + senderBytes.length + 4 + contentBytes.length + 8 + keyBytes);
        buffer.put(version)
                .putInt(senderBytes.length).put(senderBytes)
                .putInt(contentBytes.length).put(contentBytes)
                .putLong(timestamp);
        if (publicKey != null) {
            buffer.put(publicKey);
        }
        return buffer.array();
    }

    /**
     * The transactions root: RFC 6962's Merkle tree hash ({@link MerkleTree}) over the block's
     * transactions in order, each leaf the transaction's 32-byte id. Reordering, adding, removing or
     * changing a transaction changes the root, and so the block's hash; one transaction's place in
     * it is proved with a log-sized audit path.
     */
    public static String transactionsRoot(List<String> transactionIds) {
        return transactionsRoot(transactionIds, null);
    }

    /**
     * The root of transactions some of which are signed: a signed transaction's leaf is its id
     * followed by its 64-byte signature, so that a block commits to every signature it carries and a
     * stripped or swapped signature changes its hash.
     *
     * @param signatures the signature of each transaction, null for an unsigned one; null for none signed
     */
    public static String transactionsRoot(List<String> transactionIds, List<byte[]> signatures) {
        return Hex.encode(MerkleTree.root(leaves(transactionIds, signatures)));
    }

    /** The Merkle leaves of transactions: each id, followed by its signature when it has one. */
    public static List<byte[]> leaves(List<String> transactionIds, List<byte[]> signatures) {
        List<byte[]> leaves = new ArrayList<>(transactionIds.size());
        for (int i = 0; i < transactionIds.size(); i++) {
            byte[] id = Hex.decode32(transactionIds.get(i));
            byte[] signature = signatures == null ? null : signatures.get(i);
            leaves.add(signature == null ? id : ByteBuffer.allocate(id.length + signature.length).put(id)
                    .put(signature).array());
        }
        return leaves;
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
