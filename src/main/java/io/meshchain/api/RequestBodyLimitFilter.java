package io.meshchain.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bounds what reading a request body may cost. A body over {@link #MAX_REQUEST_BYTES} is refused
 * with 413: at once when the declared length is too large, and while reading when a chunked body
 * grows past it. A body still arriving {@link #BODY_DEADLINE} after the request began is refused with
 * 408 at the next read: a client that sends headers and then half a body a byte at a time holds a
 * thread for that long, and for one socket read timeout ({@code server.tomcat.connection-timeout}) at
 * most, not for as long as it likes. Nothing this API takes comes near either limit, so only a broken
 * or hostile client meets them.
 */
@Component
@Order(RequestBodyLimitFilter.ORDER)
class RequestBodyLimitFilter extends OncePerRequestFilter {

    /** After the Host check, before anything reads a body. */
    static final int ORDER = HostCheckConfiguration.ORDER + 10;
    /** Largest request body accepted: a proof for a block of 1000 transactions fits easily. */
    static final int MAX_REQUEST_BYTES = 256 * 1024;
    /** Longest a body may take to arrive in full: 256 KiB at 50 KiB/s, a few hundred bytes in a blink. */
    static final Duration BODY_DEADLINE = Duration.ofSeconds(5);

    private final JsonMapper json;

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
        chain.doFilter(new LimitedRequest(request, System.nanoTime() + BODY_DEADLINE.toNanos()), response);
    }

    /** A request whose body stream throws past the limit of bytes or of time. */
    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long deadline;
        private ServletInputStream limited;

        LimitedRequest(HttpServletRequest request, long deadline) {
            super(request);
            this.deadline = deadline;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (limited == null) {
                limited = new LimitedInputStream(super.getInputStream(), deadline);
            }
            return limited;
        }
    }

    private static final class LimitedInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long deadline;
        private long read;

        LimitedInputStream(ServletInputStream in, long deadline) {
            this.in = in;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count(b >= 0 ? 1 : 0);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > MAX_REQUEST_BYTES) {
                throw new PayloadTooLargeException();
            }
            if (System.nanoTime() - deadline > 0 && !in.isFinished()) {
                throw new BodyTooSlowException();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
