package io.meshchain.network;

/**
 * A peer answered, but not as the protocol requires: a wrong status, or an oversized, endless,
 * malformed or inconsistent body.
 */
class PeerException extends RuntimeException {

    /** The answer could not be read as the expected JSON. */
    static final String MALFORMED = "malformed-response";
    /** The answer was larger than any honest answer could be. */
    static final String TOO_LARGE = "response-too-large";
    /** The answer trickled in for longer than any honest answer takes. */
    static final String TOO_SLOW = "response-too-slow";
    /**
     * The peer advertised a chain it does not have: work its height cannot carry, or a height it does
     * not serve blocks up to.
     */
    static final String ADVERTISED_CHAIN = "advertised-chain";

    private final String rule;

    /** A failure that says nothing about the peer's honesty, such as an error status. */
    PeerException(String message) {
        this(null, message);
    }

    /** A broken protocol rule, counted against the peer like a broken block rule. */
    PeerException(String rule, String message) {
        super(message);
        this.rule = rule;
    }

    /** The protocol rule the answer broke, or null when it broke none. */
    String rule() {
        return rule;
    }
}
