package io.meshchain.api;

import io.meshchain.ledger.Pushback;
import io.meshchain.ledger.TransactionsRefused;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.wire.RelayHeader;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sheds load a node cannot serve: it works on at most {@code meshchain.pool.max-in-flight} client
 * submissions ({@code POST /transactions} and {@code /transactions/batch}) at once, and answers any
 * beyond them {@code 503} with {@code Retry-After} at once. A node that keeps up answers a submission
 * in milliseconds, so many at once means it is saturated; beyond the limit, a client waiting longer
 * would only lengthen every other client's wait, while a refusal costs the node little. So an
 * acknowledged submission waits for at most the limit's worth of others, and the excess is refused,
 * not queued.
 * <p>
 * A submission takes its place only once its whole body has arrived ({@link RequestBodyLimitFilter}
 * reads it first, within its limits of size and time): a client that sends headers and half a body
 * holds no place that a whole submission could use. A peer's relay, recognised by its relay token
 * ({@link RelayHeader#RELAYED_BY}), takes none: each peer sends one at a time.
 */
class SubmissionLimitFilter extends OncePerRequestFilter {

    /** After the body limits and the recognition of relays. */
    static final int ORDER = RequestBodyLimitFilter.ORDER + 30;
    static final String RETRY_AFTER_SECONDS = "1";

    private final Semaphore inFlight;
    private final int limit;
    private final JsonMapper json;
    private final ApplicationEventPublisher events;

    SubmissionLimitFilter(MeshchainProperties properties, JsonMapper json, ApplicationEventPublisher events) {
        this.limit = properties.pool().maxInFlight();
        this.inFlight = new Semaphore(limit);
        this.json = json;
        this.events = events;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !(request.getRequestURI().equals("/transactions") || request.getRequestURI().equals("/transactions/batch"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean relay = request.getAttribute(RelayHeader.RELAYED_BY) != null;
        if (!relay && !inFlight.tryAcquire()) {
            events.publishEvent(new TransactionsRefused(Pushback.BUSY, 1));
            response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
            ProblemDetails.write(request, response, ProblemDetails.of(HttpStatus.SERVICE_UNAVAILABLE, Pushback.BUSY,
                    "Node busy", "the node is working on " + limit + " submissions already; retry shortly"), json);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            if (!relay) {
                inFlight.release();
            }
        }
    }
}
