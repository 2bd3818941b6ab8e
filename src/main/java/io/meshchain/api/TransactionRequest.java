package io.meshchain.api;

import io.meshchain.crypto.Signatures;
import io.meshchain.primitives.Transaction;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire form of {@code POST /transactions} (the seed's {@code tx sender content}). The rules for
 * each field are the ledger's transaction rules; this record only insists the fields are there.
 * It checks that itself rather than through bean validation, which cost about 4% of the CPU of a
 * submission.
 *
 * @param timestamp optional; without it the node stamps the transaction. A signed one must carry it
 * @param publicKey a signed transaction's Ed25519 public key, 32 bytes in base64url without padding
 * @param signature its signature (docs/api.md, "Signed transactions"), 64 bytes in base64url without padding
 * @param eligibleFrom on a peer's relay only: from which block cutoff the relaying node lets a block take
 *                  it; ignored from a client
 */
record TransactionRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String sender,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String content,
                          Long timestamp, String publicKey, String signature,
                          @Schema(hidden = true) Long eligibleFrom) {

    /** The required fields the request lacks, each with its message; empty when it has them all. */
    Map<String, String> missingFields() {
        Map<String, String> missing = new LinkedHashMap<>();
        if (sender == null) {
            missing.put("sender", "is required");
        }
        if (content == null) {
            missing.put("content", "is required");
        }
        if (publicKey != null && signature == null) {
            missing.put("signature", "is required with a publicKey");
        }
        if (signature != null && publicKey == null) {
            missing.put("publicKey", "is required with a signature");
        }
        if (signature != null && timestamp == null) {
            missing.put("timestamp", "is required in a signed transaction: it is part of what is signed");
        }
        if (publicKey != null) {
            malformed("publicKey", publicKey, Signatures.PUBLIC_KEY_BYTES, missing);
        }
        if (signature != null) {
            malformed("signature", signature, Signatures.SIGNATURE_BYTES, missing);
        }
        return missing;
    }

    private static void malformed(String field, String base64url, int bytes, Map<String, String> errors) {
        try {
            Signatures.decode(base64url, bytes);
        } catch (IllegalArgumentException e) {
            errors.put(field, "must be " + bytes + " bytes in canonical base64url without padding");
        }
    }

    /** The transaction it asks for, stamped {@code timestamp}; signed when it carries a signature. */
    Transaction transaction(long timestamp) {
        return signature == null ? Transaction.of(sender, content, timestamp)
                : Transaction.signed(sender, content, timestamp, publicKey, signature);
    }
}
