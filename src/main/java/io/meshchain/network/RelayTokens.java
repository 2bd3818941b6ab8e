package io.meshchain.network;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Tokens that tell a peer's relay from a client's submission, which a stranger cannot forge. This
 * node gives each peer a random token of its own in the heartbeats it sends it: a call to the peer's
 * address, which only that peer answers. The peer sends that token back with every relay to this
 * node, so a request carrying it comes from the node at that address, whatever headers a client
 * writes. Tokens live as long as the node runs; a peer learns a new one at the next heartbeat after a
 * restart, and relays without one meanwhile count as a client's submissions (they are still taken).
 * <p>
 * What a stranger can do is post heartbeats in a peer's name with tokens of its own: this node then
 * sends the stranger's token with its relays to that peer, which takes them as a client's (counted
 * against its submissions at once, and relayed back) until the peer's next heartbeat here gives the
 * right one again, for as long as the stranger keeps posting. No transaction is lost (they still reach
 * the peer, in the relay or in a block), but the peer then places them by its own arrival rather than
 * by the moment this node gives ({@code eligibleFrom}), so its blocks may differ from the others' at a
 * cutoff a relay straddles: a block of one height at a time, which fork choice settles. Telling a
 * peer's heartbeat from a stranger's would take what plain HTTP does not have (TLS between nodes, or
 * keys of their own); the NetworkPolicy keeps strangers off the nodes' port in a cluster. A peer
 * whose node id another peer answers with too gets no token: a member must not be handed a token meant
 * for another.
 */
@Component
class RelayTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** What a token looks like: 16 random bytes in base64url. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");

    private final PeerDirectory directory;
    /** The token this node gave each peer, by the peer's address. */
    private final Map<URI, String> given = new ConcurrentHashMap<>();
    /** The peer each token was given to. */
    private final Map<String, Peer> holders = new ConcurrentHashMap<>();
    /** The tokens peers gave this node, by their node id: sent with every relay to them. */
    private final Map<String, String> received = new ConcurrentHashMap<>();

    RelayTokens(PeerDirectory directory) {
        this.directory = directory;
    }

    /** The token this node gives {@code peer}, the same at every heartbeat. */
    String givenTo(Peer peer) {
        return given.computeIfAbsent(peer.url(), url -> {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            String token = BASE64URL.encodeToString(bytes);
            holders.put(token, peer);
            return token;
        });
    }

    /** The peer that holds {@code token}, if this node gave it to one that is still its peer. */
    Optional<Peer> holder(String token) {
        return Optional.ofNullable(holders.get(token));
    }

    /**
     * Keeps the token a caller of {@code POST /heartbeat} gives, for this node's relays to it: only for
     * a node id of one of this node's peers, and only a well-formed one.
     */
    void received(String callerNodeId, String token) {
        if (token != null && TOKEN.matcher(token).matches() && directory.byNodeId(callerNodeId).isPresent()) {
            received.put(callerNodeId, token);
        }
    }

    /** The token to send with relays to {@code peer}, once it has given one and its node id is its own. */
    Optional<String> toRelayTo(Peer peer) {
        return directory.nodeIdOf(peer).filter(directory::answersAsOnePeer).map(received::get);
    }

    /** Forgets the tokens of peers no longer in the directory (DNS no longer finds them). */
    void retainOnly(Collection<Peer> peers) {
        Set<URI> urls = peers.stream().map(Peer::url).collect(Collectors.toSet());
        given.entrySet().removeIf(entry -> {
            if (urls.contains(entry.getKey())) {
                return false;
            }
            holders.remove(entry.getValue());
            return true;
        });
        Set<String> nodeIds = peers.stream().map(directory::nodeIdOf).flatMap(Optional::stream)
                .collect(Collectors.toSet());
        received.keySet().retainAll(nodeIds);
    }
}
