package io.meshchain.network;

import io.meshchain.wire.RelayHeader;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.meshchain.ledger.RelayedBy;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Marks a request as a peer's relay when it carries a relay token this node gave a peer
 * ({@link RelayTokens}): it sets {@link RelayHeader#RELAYED_BY} to that peer's node id, with the
 * nodes the peer says it relays the same transactions to ({@link RelayHeader#RELAYED_TO}). Load
 * shedding and the relay onwards read that attribute, never the headers a client may write.
 * Registered by {@link RelayRecognitionConfiguration}.
 */
class RelayRecognitionFilter extends OncePerRequestFilter {

    /** After the body limits, before load shedding, which tells relays from clients' submissions. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 30;

    private final RelayTokens tokens;
    private final PeerDirectory directory;

    RelayRecognitionFilter(RelayTokens tokens, PeerDirectory directory) {
        this.tokens = tokens;
        this.directory = directory;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = request.getHeader(RelayHeader.TOKEN);
        if (token != null) {
            tokens.holder(token).map(peer -> directory.nodeIdOf(peer).orElse(peer.url().toString()))
                    .ifPresent(nodeId -> request.setAttribute(RelayHeader.RELAYED_BY,
                            new RelayedBy(nodeId, relayedTo(request.getHeader(RelayHeader.RELAYED_TO)))));
        }
        chain.doFilter(request, response);
    }

    /** The node ids a {@link RelayHeader#RELAYED_TO} header names, at most {@link RelayHeader#MAX_RELAYED_TO}. */
    static Set<String> relayedTo(String header) {
        if (header == null) {
            return Set.of();
        }
        return Arrays.stream(header.split(",", RelayHeader.MAX_RELAYED_TO + 1)).limit(RelayHeader.MAX_RELAYED_TO)
                .map(String::strip).filter(id -> !id.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }
}
