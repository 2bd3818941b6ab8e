package io.meshchain.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class SyncHealthIndicatorTest {

    private final MutableClock clock = new MutableClock(ChainFixture.NOW);
    /** A node of height 10: the fixture's chain stored. */
    private final ChainService chain = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5,
            Duration.ofSeconds(10), 100), clock, event -> { },
            InMemoryLedgerStore.holding(ChainFixture.extend(Genesis.block(ChainFixture.DIFFICULTY), 10), List.of()));
    private final Peer honest = new Peer(URI.create("http://127.0.0.1:7002"), null);
    private final Peer liar = new Peer(URI.create("http://127.0.0.1:7003"), null);

    private PeerDirectory directory(Peer... peers) {
        return new PeerDirectory(TestProperties.of("n1", Arrays.stream(peers).map(Peer::url).toList(), null, 1),
                clock, new SimpleMeterRegistry());
    }

    private static void answers(PeerDirectory directory, Peer peer, String nodeId, long height) {
        directory.answered(peer, new NodeSummary(nodeId, height, "ab".repeat(32), ChainFixture.NOW,
                BigInteger.valueOf(height + 1), 0, List.of()), Duration.ofMillis(1));
    }

    private Health health(PeerDirectory directory) {
        return new SyncHealthIndicator(chain, directory).health();
    }

    @Test
    void aNodeAloneIsReady() {
        assertThat(health(directory()).getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aNodeNoneOfWhosePeersAnswersIsOutOfService() {
        Health health = health(directory(honest, liar));
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).containsEntry("reason", "no configured peer is reachable");
    }

    @Test
    void aNodeAFewBlocksBehindAProvedChainIsReadyAndOneFurtherBehindIsNot() {
        PeerDirectory directory = directory(honest);
        answers(directory, honest, "n2", 10 + SyncHealthIndicator.MAX_BLOCKS_BEHIND);
        directory.synced(honest, true);
        assertThat(health(directory).getStatus()).isEqualTo(Status.UP);

        answers(directory, honest, "n2", 11 + SyncHealthIndicator.MAX_BLOCKS_BEHIND);
        Health behind = health(directory);
        assertThat(behind.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(behind.getDetails()).containsEntry("blocksBehind", SyncHealthIndicator.MAX_BLOCKS_BEHIND + 1)
                .containsEntry("bestPeerHeight", 11L + SyncHealthIndicator.MAX_BLOCKS_BEHIND);
    }

    @Test
    void aHeightAPeerOnlyClaimsDoesNotTakeTheNodeOutOfService() {
        PeerDirectory directory = directory(honest, liar);
        answers(directory, honest, "n2", 10);
        answers(directory, liar, "liar", 1_000_000);

        assertThat(health(directory).getStatus()).isEqualTo(Status.UP);
        assertThat(health(directory).getDetails()).containsEntry("blocksBehind", 0L);

        directory.setAside(liar, Misbehaviour.INVALID_CHAIN, "served junk");
        Health health = health(directory);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("peersReachable", 1).extractingByKey("peersSetAside")
                .asList().singleElement().hasToString("{nodeId=liar, reason=invalid-chain, secondsLeft=600}");
    }

    @Test
    void aNodeWhosePeersAreAllSetAsideIsOutOfService() {
        PeerDirectory directory = directory(liar);
        answers(directory, liar, "liar", 400);
        directory.setAside(liar, Misbehaviour.LIED, "advertised work its height cannot carry");

        assertThat(health(directory).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health(directory).getDetails()).containsEntry("reason", "every reachable peer is set aside for misbehaving");
    }

    @Test
    void aDeepForkIsNamedInTheDetailsWithoutTakingTheNodeOutOfService() {
        PeerDirectory directory = directory(honest, liar);
        answers(directory, honest, "n2", 10);
        answers(directory, liar, "n3", 20);
        directory.deepFork(liar, 3, "forks deeper than this node reorganises");

        Health health = health(directory);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKey("deepFork");
    }

    @Test
    void aNodeWhoseOnlyPeerForksDeeperThanItReorganisesStaysInService() {
        PeerDirectory directory = directory(honest);
        answers(directory, honest, "n2", 20);
        directory.deepFork(honest, 3, "forks deeper than this node reorganises");

        Health health = health(directory);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKey("deepFork");
    }

    @Test
    void aNodeAheadOfItsPeersIsReady() {
        PeerDirectory directory = directory(honest);
        answers(directory, honest, "n2", 3);
        directory.synced(honest, false);
        assertThat(health(directory).getStatus()).isEqualTo(Status.UP);
        assertThat(health(directory).getDetails()).containsEntry("blocksBehind", 0L);
    }
}
