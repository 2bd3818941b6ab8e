package io.meshchain.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.TestProperties;
import io.meshchain.ledger.Pushback;
import io.meshchain.ledger.RelayedBy;
import io.meshchain.ledger.TransactionsRefused;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.wire.RelayHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.DelegatingServletInputStream;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** A node busy with its limit of client submissions answers the next one 503 at once, and no other request. */
class SubmissionLimitFilterTest {

    private final List<Object> events = new ArrayList<>();
    private final SubmissionLimitFilter filter = new SubmissionLimitFilter(withMaxInFlight(1),
            JsonMapper.builder().build(), events::add);

    private static MeshchainProperties withMaxInFlight(int limit) {
        MeshchainProperties p = TestProperties.of("n1", List.of(), null, 1);
        return new MeshchainProperties(p.nodeId(), p.peers(), p.peersFile(), p.discovery(), p.heartbeat(), p.network(),
                p.mining(), p.block(), new MeshchainProperties.Pool(100, 100, Duration.ofSeconds(30), limit), p.storage(),
                p.http(), null, null, null);
    }

    private static MockHttpServletRequest request(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setRequestURI(path);
        return request;
    }

    private MockHttpServletResponse pass(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> ((MockHttpServletResponse) res).setStatus(201));
        return response;
    }

    @Test
    void aSubmissionBeyondTheLimitIsRefusedAtOnceWhileOthersPass() throws Exception {
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
            try {
                filter.doFilter(request("POST", "/transactions"), new MockHttpServletResponse(), (req, res) -> {
                    working.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(working.await(10, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse refused = pass(request("POST", "/transactions/batch"));
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentAsString()).contains("urn:meshchain:problem:busy");
        assertThat(events).containsExactly(new TransactionsRefused(Pushback.BUSY, 1));

        MockHttpServletRequest relay = request("POST", "/transactions/batch");
        relay.setAttribute(RelayHeader.RELAYED_BY, RelayedBy.of("n2"));
        assertThat(pass(relay).getStatus()).as("a peer's relay, recognised by its token").isEqualTo(201);
        MockHttpServletRequest claimed = request("POST", "/transactions/batch");
        claimed.addHeader(RelayHeader.NAME, "n2");
        assertThat(pass(claimed).getStatus()).as("a client writing the relay header").isEqualTo(503);
        assertThat(pass(request("GET", "/transactions")).getStatus()).as("a read").isEqualTo(201);

        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(pass(request("POST", "/transactions")).getStatus()).as("room again").isEqualTo(201);
    }

    /** A request whose body is sent up to its first byte, and the rest only once {@code rest} opens. */
    static MockHttpServletRequest slowBody(String path, CountDownLatch reading, CountDownLatch rest) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path) {
            @Override
            public long getContentLengthLong() {
                return 60;
            }

            @Override
            public ServletInputStream getInputStream() {
                return new DelegatingServletInputStream(new InputStream() {
                    private boolean first = true;

                    @Override
                    public int read() throws IOException {
                        if (first) {
                            first = false;
                            return '{';
                        }
                        reading.countDown();
                        try {
                            rest.await(10, TimeUnit.SECONDS); // the rest of the body is still on its way
                        } catch (InterruptedException e) {
                            throw new InterruptedIOException();
                        }
                        return -1;
                    }
                });
            }
        };
        request.setRequestURI(path);
        return request;
    }

    @Test
    void aSubmissionTakesItsPlaceOnlyOnceItsBodyHasArrived() throws Exception {
        RequestBodyLimitFilter bodies = new RequestBodyLimitFilter(JsonMapper.builder().build());
        FilterChain node = (request, response) -> bodies.doFilter(request, response,
                (read, answer) -> filter.doFilter(read, answer, (taken, done) -> ((MockHttpServletResponse) done).setStatus(201)));
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch rest = new CountDownLatch(1);
        CompletableFuture<MockHttpServletResponse> first = CompletableFuture.supplyAsync(() -> {
            MockHttpServletResponse response = new MockHttpServletResponse();
            try {
                node.doFilter(slowBody("/transactions", reading, rest), response);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return response;
        });
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse whole = new MockHttpServletResponse();
        MockHttpServletRequest meanwhile = request("POST", "/transactions");
        meanwhile.setContent("{}".getBytes());
        node.doFilter(meanwhile, whole);
        assertThat(whole.getStatus()).as("a whole submission meanwhile").isEqualTo(201);

        rest.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(201);
    }
}
