package io.meshchain.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a request whose Host header is not one of this node's names ({@link AllowedHosts}) with
 * {@code 421 Misdirected Request}, before anything else of the node sees it: that is how a page
 * that reached the node by DNS rebinding is turned away. 421 rather than 403, because nothing is
 * wrong with who asks: the request names a server this one is not (RFC 9110, 15.5.20).
 */
class HostHeaderFilter extends OncePerRequestFilter {

    /** Longest host name the refusal repeats: the longest a DNS name can be. */
    static final int MAX_NAME_LENGTH = 253;

    private final AllowedHosts allowed;
    private final JsonMapper json;

    HostHeaderFilter(AllowedHosts allowed, JsonMapper json) {
        this.allowed = allowed;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.HOST);
        if (allowed.allows(header)) {
            chain.doFilter(request, response);
            return;
        }
        String host = AllowedHosts.hostOf(header);
        String named = host == null || host.length() > MAX_NAME_LENGTH ? "the name in its Host header" : "'" + host + "'";
        ProblemDetails.write(request, response, ProblemDetails.of(HttpStatus.MISDIRECTED_REQUEST, "misdirected-request",
                "Misdirected Request", "this node does not answer to " + named
                        + "; its operator can add the name to meshchain.http.allowed-hosts"), json);
    }
}
