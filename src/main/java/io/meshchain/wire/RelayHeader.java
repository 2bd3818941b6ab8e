package io.meshchain.wire;

/**
 * How a relay is told from a client's submission. A relaying node names itself in
 * {@link #NAME} (for logs and people; anyone can write it) and proves it with {@link #TOKEN}: the
 * token the receiving node gave it, which only the peer it was given to holds ({@code RelayTokens}, in
 * {@code network}). The receiving node recognises the token and sets {@link #RELAYED_BY} on the request
 * to the node id of the peer that holds it; nothing else makes a request a relay.
 * <p>
 * {@code network} writes these headers and recognises them; {@code api} reads the attribute when it
 * takes a submission. They are here, in {@code wire}, a package that imports none of the others, so
 * that both read them from one place and {@code api} does not depend on {@code network}.
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
    /**
     * On a heartbeat ({@code POST /heartbeat}): the token the called node gave the calling one, which
     * shows the heartbeat is that peer's and not a stranger's. The called node may then take the
     * summary as the peer's word and fetch a better chain from it at once, without asking it for its
     * summary first.
     */
    public static final String PEER_TOKEN = "X-Meshchain-Peer-Token";
    /**
     * On a relay: the node ids, comma-separated, the relaying node sends the same transactions to
     * besides the receiving one (itself included). The receiving node does not relay them there again.
     */
    public static final String RELAYED_TO = "X-Meshchain-Relayed-To";
    /**
     * On a heartbeat, {@value #SUMMARY_VERSION_READ}: the caller reads a summary's {@code url}, so the
     * answer may carry it. A node that sends no such header (one before peer exchange, whose JSON
     * reader refuses fields it does not know) gets summaries without it, and is sent none until its
     * own answers carry a {@code url}: nodes of both kinds keep exchanging through a rolling upgrade.
     */
    public static final String SUMMARY_VERSION = "X-Meshchain-Summary-Version";
    /** The summary version that carries {@code url}. */
    public static final String SUMMARY_VERSION_READ = "2";
    /**
     * Most node ids named in, and read from, {@link #RELAYED_TO}: 64 ids of up to 64 characters keep the
     * header within about 4 KiB, half of what a request's headers may take (Tomcat's 8 KiB). A node with
     * more peers names only some; the peers it does not name are passed the transaction by the others.
     */
    public static final int MAX_RELAYED_TO = 64;
    /**
     * Request attribute: the peer whose token the request carries, a {@code io.meshchain.ledger.RelayedBy};
     * absent for a client's request.
     */
    public static final String RELAYED_BY = "io.meshchain.wire.RelayHeader.relayedBy";

    private RelayHeader() {
    }
}
