package io.meshchain.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request's body in full before anything else sees it, and bounds what that may cost. A body
 * over {@link #MAX_REQUEST_BYTES} is refused with 413: at once when the declared length is too large,
 * and while reading when a chunked body grows past it. A body still arriving {@link #BODY_DEADLINE}
 * after the request began is refused with 408 at the next read, and one that stops arriving is
 * refused with 408 when a read waits longer than {@code server.tomcat.connection-timeout}; either way
 * the connection is closed. A thread reading a body is held meanwhile (the server reads bodies
 * blocking), so at most {@link #BODIES_PER_ADDRESS} bodies from one client address are read at once:
 * beyond, a request is refused with 429 before its body is read. A client that opens connections and
 * sends half a body on each holds that many threads at most, for the deadline at most, and the rest of
 * the server's threads serve everyone else. Honest clients send a body as soon as its headers, so
 * many requests of theirs at once are rarely mid-body together.
 * <p>
 * What follows reads the body from memory: a submission takes its place among those the node works
 * on at once ({@link SubmissionLimitFilter}) only once its body is in.
 */
@Component
@Order(RequestBodyLimitFilter.ORDER)
class RequestBodyLimitFilter extends OncePerRequestFilter {

    /** After the Host check, before anything reads a body. */
    static final int ORDER = HostCheckConfiguration.ORDER + 10;
    /** Largest request body accepted: a proof for a block of the most transactions fits. */
    static final int MAX_REQUEST_BYTES = 256 * 1024;
    /** Longest a body may take to arrive in full: 256 KiB at 50 KiB/s, a few hundred bytes in a blink. */
    static final Duration BODY_DEADLINE = Duration.ofSeconds(5);
    /** Bodies read at once from one client address before more are refused (429). */
    static final int BODIES_PER_ADDRESS = 8;
    private static final String RETRY_AFTER_SECONDS = "1";

    private final JsonMapper json;
    private final Map<String, AtomicInteger> reading = new ConcurrentHashMap<>();

    RequestBodyLimitFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > MAX_REQUEST_BYTES) {
            ProblemDetails.write(request, response, ProblemDetails.tooLarge(new PayloadTooLargeException()), json);
            return;
        }
        if (!hasBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        AtomicInteger fromAddress = reading.computeIfAbsent(address, key -> new AtomicInteger());
        byte[] body;
        try {
            if (fromAddress.incrementAndGet() > BODIES_PER_ADDRESS) {
                response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
                response.setHeader(HttpHeaders.CONNECTION, "close");
                ProblemDetails.write(request, response, ProblemDetails.of(HttpStatus.TOO_MANY_REQUESTS,
                        "too-many-bodies", "Too many bodies at once", "this address has " + BODIES_PER_ADDRESS
                                + " request bodies on their way already; send each body with its headers"), json);
                return;
            }
            body = read(request.getInputStream(), System.nanoTime() + BODY_DEADLINE.toNanos());
        } catch (PayloadTooLargeException e) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
            ProblemDetails.write(request, response, ProblemDetails.tooLarge(e), json);
            return;
        } catch (BodyTooSlowException | IOException e) {
            // Too slow, or a read that waited longer than the connection timeout: the client is cut off.
            response.setHeader(HttpHeaders.CONNECTION, "close");
            if (!response.isCommitted()) {
                ProblemDetails.write(request, response, ProblemDetails.tooSlow(new BodyTooSlowException()), json);
            }
            return;
        } finally {
            if (fromAddress.decrementAndGet() == 0) {
                reading.remove(address, fromAddress);
            }
        }
        chain.doFilter(new ReadRequest(request, body), response);
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** The whole body, within the limits of bytes and of time. */
    private static byte[] read(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            body.write(buffer, 0, n);
            if (body.size() > MAX_REQUEST_BYTES) {
                throw new PayloadTooLargeException();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new BodyTooSlowException();
            }
        }
        return body.toByteArray();
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
