package io.meshchain.ledger;

import io.meshchain.pow.Hashes;
import java.util.Objects;

/**
 * A transaction as it is stored, relayed and put into blocks: the seed's {@code tx sender content}
 * plus a timestamp and an id. The id is the SHA-256 of the canonical encoding of the other three
 * fields ({@link Hashes#transactionId}), so the same submission always has the same id.
 */
public record Transaction(String id, String sender, String content, long timestamp) {

    public Transaction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(content, "content");
    }

    /** A transaction with its id computed from the other fields. */
    public static Transaction of(String sender, String content, long timestamp) {
        return new Transaction(Hashes.transactionId(sender, content, timestamp), sender, content, timestamp);
    }

    /** True when {@link #id()} is the hash of this transaction's fields; false for a tampered one. */
    public boolean hasValidId() {
        return Hashes.isTransactionId(id, sender, content, timestamp);
    }
}
