package io.meshchain.network;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** A summary without an address reads as one from before peer exchange: no {@code url} field at all. */
class NodeSummaryTest {

    /** The summary as a node before peer exchange reads it, refusing fields it does not know. */
    record SummaryBeforePeerExchange(String nodeId, long height, String tipHash, long tipTimestamp,
                                     BigInteger totalWork, int pending, List<PeerView> peers) {
    }

    private final JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    @Test
    void aSummaryWithoutAnAddressIsReadByANodeFromBeforePeerExchange() {
        NodeSummary summary = new NodeSummary("n1", 3, "ab".repeat(32), 1, BigInteger.TEN, 0,
                List.of(new PeerView("http://127.0.0.1:8081", "n2", true, 3L, 1L)));
        String written = json.writeValueAsString(summary);

        assertThat(written).doesNotContain("\"url\":null");
        assertThat(json.readValue(written, SummaryBeforePeerExchange.class).nodeId()).isEqualTo("n1");
    }

    @Test
    void aSummaryWithAnAddressCarriesIt() {
        NodeSummary summary = new NodeSummary("n1", 3, "ab".repeat(32), 1, BigInteger.TEN, 0, List.of(),
                "http://127.0.0.1:8080");
        assertThat(json.readValue(json.writeValueAsString(summary), NodeSummary.class).url())
                .isEqualTo("http://127.0.0.1:8080");
    }
}
