package io.meshchain.network;

/**
 * How a relay is told from a client's submission. A relaying node names itself in
 * {@link #NAME} (for logs and people; anyone can write it) and proves it with {@link #TOKEN}: the
 * token the receiving node gave it, which only the peer it was given to holds ({@link RelayTokens}).
 * The receiving node recognises the token and sets {@link #RELAYED_BY} on the request to the node id
 * of the peer that holds it; nothing else makes a request a relay.
 */
public final class RelayHeader {

    /** The relaying node's id, as it says. */
    public static final String NAME = "X-Meshchain-Relayed-By";
    /**
     * On a relay: the token the receiving node gave the relaying one. On a heartbeat
     * ({@code POST /heartbeat}): the token the calling node gives the one it calls, for that one's
     * relays to it.
     */
    public static final String TOKEN = "X-Meshchain-Relay-Token";
    /** Request attribute: the node id of the peer whose token the request carries; absent for a client's request. */
    public static final String RELAYED_BY = "io.meshchain.network.RelayHeader.relayedBy";

    private RelayHeader() {
    }
}
