package io.meshchain.primitives;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.meshchain.crypto.Signatures;
import io.meshchain.pow.Hashes;
import java.util.Objects;

/**
 * A transaction as it is stored, relayed and put into blocks: the seed's {@code tx sender content}
 * plus a timestamp and an id. The id is the SHA-256 of the canonical encoding of the other three
 * fields ({@link Hashes#transactionId}), so the same submission always has the same id.
 * <p>
 * A signed transaction (docs/api.md, "Signed transactions") also carries its signer's Ed25519 public key
 * and signature, base64url without padding; its id is the hash of encoding v2, which holds the key
 * ({@link Hashes#signedTransactionId}). Both are null for an unsigned one, and left out of its JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Transaction(String id, String sender, String content, long timestamp, String publicKey,
                          String signature) {

    public Transaction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(content, "content");
        if ((publicKey == null) != (signature == null)) {
            throw new IllegalArgumentException("a signed transaction has both a public key and a signature");
        }
    }

    /** An unsigned transaction with the given id. */
    public Transaction(String id, String sender, String content, long timestamp) {
        this(id, sender, content, timestamp, null, null);
    }

    /** An unsigned transaction with its id computed from the other fields. */
    public static Transaction of(String sender, String content, long timestamp) {
        return new Transaction(Hashes.transactionId(sender, content, timestamp), sender, content, timestamp);
    }

    /**
     * A signed transaction with its id computed from the other fields and the key.
     *
     * @param publicKey the signer's 32-byte public key, base64url without padding
     * @param signature its 64-byte signature of {@link #signedMessage}, base64url without padding
     * @throws IllegalArgumentException when the key or the signature is malformed, or a string holds
     *                                  an unpaired surrogate
     */
    public static Transaction signed(String sender, String content, long timestamp, String publicKey,
                                     String signature) {
        Signatures.decode(signature, Signatures.SIGNATURE_BYTES);
        return new Transaction(Hashes.signedTransactionId(sender, content, timestamp,
                Signatures.decode(publicKey, Signatures.PUBLIC_KEY_BYTES)), sender, content, timestamp, publicKey,
                signature);
    }

    /** Whether it carries a signature. */
    @JsonIgnore
    public boolean isSigned() {
        return signature != null;
    }

    /** True when {@link #id()} is the hash of this transaction's fields; false for a tampered one. */
    public boolean hasValidId() {
        if (!isSigned()) {
            return Hashes.isTransactionId(id, sender, content, timestamp);
        }
        try {
            return Hashes.signedTransactionId(sender, content, timestamp,
                    Signatures.decode(publicKey, Signatures.PUBLIC_KEY_BYTES)).equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * True when it is signed and its signature is its key's, over its fields on the network whose
     * genesis block has {@code genesisHash}; false for an unsigned transaction or anything malformed.
     */
    public boolean hasValidSignature(String genesisHash) {
        if (!isSigned()) {
            return false;
        }
        try {
            byte[] key = Signatures.decode(publicKey, Signatures.PUBLIC_KEY_BYTES);
            return Signatures.verify(key, Signatures.decode(signature, Signatures.SIGNATURE_BYTES),
                    Hashes.signingMessage(genesisHash, sender, content, timestamp, key));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The signature's 64 bytes, for the block's transactions root; null when unsigned. */
    public byte[] signatureBytes() {
        return isSigned() ? Signatures.decode(signature, Signatures.SIGNATURE_BYTES) : null;
    }
}
