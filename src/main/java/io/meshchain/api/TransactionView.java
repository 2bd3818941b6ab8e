package io.meshchain.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.meshchain.ledger.TransactionStatus;
import io.meshchain.primitives.Transaction;

/** A transaction with where it stands: {@code pending}, or {@code confirmed} with its block. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TransactionView(String id, String sender, String content, long timestamp, String publicKey,
                       String signature, String status, Long blockIndex, String blockHash, Long confirmations) {

    static TransactionView of(TransactionStatus status) {
        Transaction tx = status.transaction();
        if (!status.confirmed()) {
            return pending(tx);
        }
        return new TransactionView(tx.id(), tx.sender(), tx.content(), tx.timestamp(), tx.publicKey(), tx.signature(),
                "confirmed", status.blockIndex(), status.blockHash(), status.confirmations());
    }

    static TransactionView pending(Transaction tx) {
        return new TransactionView(tx.id(), tx.sender(), tx.content(), tx.timestamp(), tx.publicKey(), tx.signature(),
                "pending", null, null, null);
    }
}
