package io.meshchain.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** What the node logs and reports about its peers. */
@ExtendWith(OutputCaptureExtension.class)
class PeerDirectoryTest {

    private static final URI PEER = URI.create("http://127.0.0.1:7002");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PeerDirectory directory = new PeerDirectory(TestProperties.of("n1", List.of(PEER), null, 1),
            new MutableClock(ChainFixture.NOW), meters);
    private final Peer peer = directory.peers().get(0);

    private static NodeSummary summary(String nodeId) {
        return new NodeSummary(nodeId, 3, "ab".repeat(32), 1, BigInteger.valueOf(1024), 0, List.of());
    }

    private static long occurrences(CapturedOutput output, String text) {
        return output.getOut().lines().filter(line -> line.contains(text)).count();
    }

    @Test
    void aFailingPeerIsLoggedOncePerChangeOfStateNotOncePerHeartbeat(CapturedOutput output) {
        for (int heartbeat = 0; heartbeat < 5; heartbeat++) {
            directory.failed(peer, "Connection refused");
        }
        directory.failed(peer, "Read timed out");
        directory.answered(peer, summary("n2"), Duration.ofMillis(3));
        directory.answered(peer, summary("n2"), Duration.ofMillis(3));
        directory.failed(peer, "Connection refused");

        assertThat(occurrences(output, "is unreachable: Connection refused")).isEqualTo(2);
        assertThat(occurrences(output, "is unreachable: Read timed out")).isEqualTo(1);
        assertThat(occurrences(output, "is reachable: node n2")).isEqualTo(1);
        assertThat(output.getOut()).contains(PEER.toString());
    }

    @Test
    void reachabilityAndRoundTripsAreMetrics() {
        directory.answered(peer, summary("n2"), Duration.ofMillis(7));
        assertThat(meters.get("meshchain.peer.reachable").tag("peer", PEER.toString()).gauge().value()).isEqualTo(1);
        assertThat(meters.get("meshchain.heartbeat.round.trip").timer().count()).isEqualTo(1);
        directory.failed(peer, "Connection refused");
        assertThat(meters.get("meshchain.peer.reachable").gauge().value()).isZero();
    }

    @Test
    void aPeerThatTurnsOutToBeThisNodeIsNoLongerCalled() {
        directory.answered(peer, summary("n1"), Duration.ofMillis(1));
        assertThat(directory.peers()).isEmpty();
        assertThat(directory.views()).isEmpty();
    }

    @Test
    void viewsShowWhatWasLastLearned() {
        directory.answered(peer, summary("n2"), Duration.ofMillis(1));
        PeerView view = directory.views().get(0);
        assertThat(view.nodeId()).isEqualTo("n2");
        assertThat(view.reachable()).isTrue();
        assertThat(view.height()).isEqualTo(3);
        assertThat(view.lastSeen()).isEqualTo(ChainFixture.NOW);
        assertThat(directory.byNodeId("n2")).contains(peer);
    }
}
