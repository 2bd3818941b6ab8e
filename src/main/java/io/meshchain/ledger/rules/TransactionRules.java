package io.meshchain.ledger.rules;

import io.meshchain.crypto.Signatures;
import io.meshchain.primitives.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's {@code validateTransaction}, made precise. Each rule is a named method, so a rejected
 * transaction says exactly which rule it broke. The same rules apply to a user's submission, a
 * peer's relay and every transaction of a peer's block.
 */
public final class TransactionRules {

    /** Longest sender: a university login fits with room to spare. */
    public static final int MAX_SENDER_LENGTH = 32;
    /** Longest content, in code points: the seed system's limit. */
    public static final int MAX_CONTENT_LENGTH = 70;
    /** Rule name of a key or signature not written in canonical base64url. */
    public static final String KEY_ENCODING = "key-encoding";
    /** How far ahead of the node's clock a transaction may be stamped. */
    public static final Duration MAX_CLOCK_DRIFT = Duration.ofMinutes(2);

    private TransactionRules() {
    }

    /** Checks the fields of a submission; an empty list means it may be accepted. */
    public static List<RuleViolation> check(String sender, String content, long timestamp, long now) {
        List<RuleViolation> violations = checkFormats(sender, content);
        timestampNotInFuture(timestamp, now, violations);
        return violations;
    }

    /** Checks a whole transaction, including that its id is the hash of its fields. */
    public static List<RuleViolation> check(Transaction transaction, long now) {
        List<RuleViolation> violations = check(transaction.sender(), transaction.content(), transaction.timestamp(), now);
        keyEncoding(transaction, violations);
        idMatchesContents(transaction, violations);
        return violations;
    }

    /**
     * Checks what time cannot change: the fields' formats and the id. A block's transactions are
     * checked against the clock apart ({@link TransactionsNotInFuture}).
     */
    static List<RuleViolation> checkContents(Transaction transaction) {
        List<RuleViolation> violations = checkFormats(transaction.sender(), transaction.content());
        keyEncoding(transaction, violations);
        idMatchesContents(transaction, violations);
        return violations;
    }

    private static List<RuleViolation> checkFormats(String sender, String content) {
        List<RuleViolation> violations = new ArrayList<>(2);
        senderFormat(sender, violations);
        contentLength(content, violations);
        contentNotBlank(content, violations);
        contentCharacters(content, violations);
        return violations;
    }

    /**
     * A signed transaction carries its key's signature of its fields on the network whose genesis
     * block has {@code genesisHash}, and a network that requires signatures takes no other: what a
     * submission and a relay must show before they are taken.
     */
    public static List<RuleViolation> checkSignature(Transaction transaction, String genesisHash,
                                                     boolean signaturesRequired) {
        if (!transaction.isSigned()) {
            return signaturesRequired ? List.of(new RuleViolation(SignedWhereRequired.NAME, "signature",
                    "is required: this network takes signed transactions only")) : List.of();
        }
        if (transaction.hasValidSignature(genesisHash)) {
            return List.of();
        }
        return List.of(new RuleViolation("signature", "signature",
                "is not the public key's signature of this transaction on this network"));
    }

    /** True when {@code timestamp} is more than {@link #MAX_CLOCK_DRIFT} ahead of {@code now}. */
    static boolean isAheadOfClock(long timestamp, long now) {
        return timestamp > now + MAX_CLOCK_DRIFT.toMillis();
    }

    /** What a sender name breaks: empty when it is one. */
    public static List<RuleViolation> checkSender(String sender) {
        List<RuleViolation> violations = new ArrayList<>(1);
        senderFormat(sender, violations);
        return violations;
    }

    /** The sender is an account name: {@code [A-Za-z0-9]{1,32}}. Keeps separators and markup out of ids. */
    static void senderFormat(String sender, List<RuleViolation> violations) {
        if (sender.isEmpty() || sender.length() > MAX_SENDER_LENGTH || !isAsciiAlphanumeric(sender)) {
            violations.add(new RuleViolation("sender-format", "sender",
                    "must be 1 to " + MAX_SENDER_LENGTH + " letters or digits (A-Z, a-z, 0-9)"));
        }
    }

    /** Content is 1 to 70 code points, so that a block stays small whatever the script. */
    static void contentLength(String content, List<RuleViolation> violations) {
        int length = content.codePointCount(0, content.length());
        if (length < 1 || length > MAX_CONTENT_LENGTH) {
            violations.add(new RuleViolation("content-length", "content",
                    "must be 1 to " + MAX_CONTENT_LENGTH + " characters, was " + length));
        }
    }

    /** Content says something: whitespace alone is not a transaction. */
    static void contentNotBlank(String content, List<RuleViolation> violations) {
        if (!content.isEmpty() && content.isBlank()) {
            violations.add(new RuleViolation("content-not-blank", "content", "must not be blank"));
        }
    }

    /**
     * No backslash, no {@code |} (the seed's wire separator {@code tx|sender|content}), no control
     * characters, so content can be printed and framed safely by every client; and no unpaired
     * surrogate, which has no UTF-8 encoding: a lenient encoder writes each as {@code ?}, so
     * "pay \\ud800 to bob" would have had the id of "pay ? to bob".
     */
    static void contentCharacters(String content, List<RuleViolation> violations) {
        boolean bad = false;
        // By char, not code point, so that no stream is made per transaction.
        for (int i = 0; i < content.length() && !bad; i++) {
            char c = content.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < content.length()
                    && Character.isLowSurrogate(content.charAt(i + 1))) {
                i++;
            } else {
                bad = c == '\\' || c == '|' || Character.isISOControl(c) || Character.isSurrogate(c);
            }
        }
        if (bad) {
            violations.add(new RuleViolation("content-characters", "content",
                    "must not contain a backslash, '|', control characters or unpaired surrogates"));
        }
    }

    /** A transaction stamped far in the future could be used to jump the queue forever. */
    static void timestampNotInFuture(long timestamp, long now, List<RuleViolation> violations) {
        if (isAheadOfClock(timestamp, now)) {
            violations.add(new RuleViolation("timestamp-not-in-future", "timestamp",
                    "must not be more than " + MAX_CLOCK_DRIFT.toMinutes() + " minutes ahead of the node's clock"));
        }
    }

    /**
     * A signed transaction's key and signature are written in canonical base64url: four strings
     * decode to one key when the unused bits of the last character are ignored, and a node that
     * compared them as strings would take one key for four (a name's binding, one key per name in a
     * block) while their ids and stored bytes agree. Refused, so that keys compare alike as strings
     * and as bytes.
     */
    static void keyEncoding(Transaction transaction, List<RuleViolation> violations) {
        if (!transaction.isSigned()) {
            return;
        }
        if (!Signatures.isCanonical(transaction.publicKey(), Signatures.PUBLIC_KEY_BYTES)) {
            violations.add(new RuleViolation(KEY_ENCODING, "publicKey",
                    "must be " + Signatures.PUBLIC_KEY_BYTES + " bytes in canonical base64url without padding"));
        }
        if (!Signatures.isCanonical(transaction.signature(), Signatures.SIGNATURE_BYTES)) {
            violations.add(new RuleViolation(KEY_ENCODING, "signature",
                    "must be " + Signatures.SIGNATURE_BYTES + " bytes in canonical base64url without padding"));
        }
    }

    /** The id is the hash of the fields; otherwise a peer could swap contents under a known id. */
    static void idMatchesContents(Transaction transaction, List<RuleViolation> violations) {
        if (!transaction.hasValidId()) {
            violations.add(new RuleViolation("id-matches-contents", "id",
                    "is not the hash of the transaction's sender, content and timestamp"));
        }
    }

    private static boolean isAsciiAlphanumeric(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
