package io.meshchain.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.DelegatingServletInputStream;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** Bodies are read in full before anything sees them, within limits of size, time and bodies per address. */
class RequestBodyLimitFilterTest {

    private final RequestBodyLimitFilter filter = new RequestBodyLimitFilter(JsonMapper.builder().build());

    private MockHttpServletResponse pass(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (read, answer) -> {
            ((MockHttpServletResponse) answer).setStatus(201);
            answer.getOutputStream().write(read.getInputStream().readAllBytes());
        });
        return response;
    }

    private static MockHttpServletRequest post(String address, byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/transactions");
        request.setRemoteAddr(address);
        request.setContent(body);
        return request;
    }

    @Test
    void theBodyIsReadInFullAndHandedOnFromMemory() throws Exception {
        MockHttpServletResponse response = pass(post("10.0.0.1", "{\"sender\":\"alice\"}".getBytes()));

        assertThat(response.getStatus()).isEqualTo(201);
        assertThat(response.getContentAsString()).isEqualTo("{\"sender\":\"alice\"}");
    }

    @Test
    void aClientAddressHasAtMostItsNumberOfBodiesOnTheirWayWhileOtherAddressesAreServed() throws Exception {
        CountDownLatch rest = new CountDownLatch(1);
        List<CountDownLatch> reading = new ArrayList<>();
        List<CompletableFuture<MockHttpServletResponse>> stalled = new ArrayList<>();
        for (int i = 0; i < RequestBodyLimitFilter.BODIES_PER_ADDRESS; i++) {
            CountDownLatch started = new CountDownLatch(1);
            reading.add(started);
            MockHttpServletRequest slow = SubmissionLimitFilterTest.slowBody("/transactions", started, rest);
            slow.setRemoteAddr("10.0.0.9");
            stalled.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return pass(slow);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CountDownLatch started : reading) {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        }

        MockHttpServletResponse refused = pass(post("10.0.0.9", "{}".getBytes()));
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getHeader("Connection")).isEqualTo("close");
        assertThat(refused.getContentAsString()).contains("urn:meshchain:problem:too-many-bodies");
        assertThat(pass(post("10.0.0.8", "{}".getBytes())).getStatus()).as("another address").isEqualTo(201);

        rest.countDown();
        for (CompletableFuture<MockHttpServletResponse> one : stalled) {
            assertThat(one.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(201);
        }
        assertThat(pass(post("10.0.0.9", "{}".getBytes())).getStatus()).as("room again").isEqualTo(201);
    }

    @Test
    void aBodyThatStopsArrivingIsATimeoutAnsweredAsAProblemAndTheConnectionClosed() throws Exception {
        MockHttpServletRequest stopped = new MockHttpServletRequest("POST", "/heartbeat") {
            @Override
            public long getContentLengthLong() {
                return 100;
            }

            @Override
            public ServletInputStream getInputStream() {
                return new DelegatingServletInputStream(new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new SocketTimeoutException("the connection timeout passed");
                    }
                });
            }
        };

        MockHttpServletResponse response = pass(stopped);

        assertThat(response.getStatus()).isEqualTo(408);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("urn:meshchain:problem:body-timeout");
        assertThat(response.getHeader("Connection")).isEqualTo("close");
    }

    @Test
    void aBodyOverTheLimitIsTooLargeWhetherDeclaredOrSent() throws Exception {
        byte[] huge = new byte[RequestBodyLimitFilter.MAX_REQUEST_BYTES + 1];
        assertThat(pass(post("10.0.0.1", huge)).getStatus()).isEqualTo(413);
        MockHttpServletRequest chunked = new MockHttpServletRequest("POST", "/transactions") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        chunked.addHeader("Transfer-Encoding", "chunked");
        chunked.setContent(huge);
        assertThat(pass(chunked).getStatus()).isEqualTo(413);
    }
}
