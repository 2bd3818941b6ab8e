package io.meshchain.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.MutableClock;
import io.meshchain.ledger.RelayedBy;
import io.meshchain.wire.RelayHeader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** A request is a relay only with a token this node gave a peer; what else the relay says comes with it. */
class RelayRecognitionFilterTest {

    private final Peer n2 = new Peer(URI.create("http://127.0.0.1:7002"), "n2");
    private final PeerDirectory directory = new PeerDirectory(TestProperties.of("n1", List.of(n2.url()), null, 1),
            new MutableClock(ChainFixture.NOW), new SimpleMeterRegistry());
    private final RelayTokens tokens = new RelayTokens(directory);
    private final RelayRecognitionFilter filter = new RelayRecognitionFilter(tokens, directory);

    private Object relayedBy(MockHttpServletRequest request) throws Exception {
        filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
        return request.getAttribute(RelayHeader.RELAYED_BY);
    }

    @Test
    void aRelayWithItsTokenNamesThePeerAndTheNodesItAlsoSendsTo() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/transactions/batch");
        request.addHeader(RelayHeader.TOKEN, tokens.givenTo(n2));
        request.addHeader(RelayHeader.RELAYED_TO, "n2, n3,,n4");

        assertThat(relayedBy(request)).isEqualTo(new RelayedBy("n2", Set.of("n2", "n3", "n4")));
    }

    @Test
    void theRelayedToHeaderWithoutATokenIsAClientsWordAndNotBelieved() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/transactions");
        request.addHeader(RelayHeader.RELAYED_TO, "n2,n3");
        request.addHeader(RelayHeader.TOKEN, "A".repeat(22));

        assertThat(relayedBy(request)).isNull();
    }

    @Test
    void aRelayNamesAtMostALimitedNumberOfNodes() {
        String many = String.join(",", java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "n" + i).toList());

        assertThat(RelayRecognitionFilter.relayedTo(many)).hasSize(RelayHeader.MAX_RELAYED_TO);
        assertThat(RelayRecognitionFilter.relayedTo(null)).isEmpty();
    }
}
