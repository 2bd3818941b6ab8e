package io.meshchain.api;

import io.meshchain.ledger.Pushback;
import io.meshchain.ledger.TransactionsRefused;
import io.meshchain.network.RelayHeader;
import io.meshchain.system.MeshchainProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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
 * A submission takes its place only once its whole body has arrived (within the body's limits of
 * size and time, {@link RequestBodyLimitFilter}): a client that sends headers and half a body holds
 * no place that a whole submission could use. A peer's relay, recognised by its relay token
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
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (PayloadTooLargeException e) {
            ProblemDetails.write(request, response, ProblemDetails.tooLarge(e), json);
            return;
        } catch (BodyTooSlowException e) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
            ProblemDetails.write(request, response, ProblemDetails.tooSlow(e), json);
            return;
        }
        boolean relay = request.getAttribute(RelayHeader.RELAYED_BY) != null;
        if (!relay && !inFlight.tryAcquire()) {
            events.publishEvent(new TransactionsRefused(Pushback.BUSY, 1));
            response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
            ProblemDetails.write(request, response, ProblemDetails.of(HttpStatus.SERVICE_UNAVAILABLE, Pushback.BUSY,
                    "Node busy", "the node is working on " + limit + " submissions already; retry shortly"), json);
            return;
        }
        try {
            chain.doFilter(new ReadRequest(request, body), response);
        } finally {
            if (!relay) {
                inFlight.release();
            }
        }
    }

    /** The request with its body read already: the rest of the chain reads it from memory. */
    private static final class ReadRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is read already");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                    encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
