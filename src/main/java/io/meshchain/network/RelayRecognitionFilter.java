package io.meshchain.network;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Marks a request as a peer's relay when it carries a relay token this node gave a peer
 * ({@link RelayTokens}): it sets {@link RelayHeader#RELAYED_BY} to that peer's node id. Load
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
                    .ifPresent(nodeId -> request.setAttribute(RelayHeader.RELAYED_BY, nodeId));
        }
        chain.doFilter(request, response);
    }
}
