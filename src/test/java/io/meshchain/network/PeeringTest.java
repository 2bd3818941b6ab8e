package io.meshchain.network;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.MutableClock;
import io.meshchain.network.PeerDirectory.Direction;
import io.meshchain.system.PeerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node started with one member's address learns the others, holds a bounded number of peers each
 * way, replaces peers that keep failing, and never calls itself or one node at two addresses.
 */
class PeeringTest {

    private static final URI SELF = URI.create("http://127.0.0.1:7000");
    private static final URI FIRST = URI.create("http://127.0.0.1:7001");

    private final MutableClock clock = new MutableClock(ChainFixture.NOW);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private PeerDirectory directory(URI... configured) {
        return new PeerDirectory(TestProperties.of("n0", List.of(configured), null, 1), clock, meters);
    }

    private static PeerSettings settings(int target, int maxInbound) {
        return new PeerSettings(target, maxInbound, 1_000, List.of(), SELF, true);
    }

    private static URI node(int i) {
        return URI.create("http://127.0.0.1:" + (7000 + i));
    }

    private static NodeSummary summary(String nodeId, URI url, List<URI> peers) {
        return new NodeSummary(nodeId, 0, "ab".repeat(32), 1, BigInteger.ONE, 0,
                peers.stream().map(peer -> new PeerView(peer.toString(), null, true, 0L, 1L)).toList(),
                url == null ? null : url.toString());
    }

    private static List<URI> urls(PeerDirectory directory) {
        return directory.peers().stream().map(Peer::url).toList();
    }

    @Test
    void aNodeGivenOneMembersAddressLearnsTheOthersUpToItsTarget() {
        PeerDirectory directory = directory(FIRST);
        Peering peering = TestPeering.of(directory, clock, settings(8, 24), SELF, meters);
        List<URI> others = IntStream.rangeClosed(2, 20).mapToObj(PeeringTest::node).toList();

        peering.answered(new Peer(FIRST, null), summary("n1", FIRST,
                java.util.stream.Stream.concat(others.stream(), java.util.stream.Stream.of(SELF)).toList()));
        peering.maintain();

        assertThat(directory.count(Direction.OUTBOUND)).isEqualTo(8);
        assertThat(urls(directory)).contains(FIRST).doesNotContain(SELF).allMatch(url -> url.equals(FIRST)
                || others.contains(url));
        assertThat(meters.get("meshchain.peers").tag("direction", "outbound").gauge().value()).isEqualTo(8);
        assertThat(meters.get("meshchain.peers.addresses").gauge().value()).as("the seed and 19 learned")
                .isEqualTo(20);
    }

    @Test
    void nodesPickTheirPeersAmongManySeedsAtRandomNotAllTheSameFew() {
        List<URI> seeds = IntStream.rangeClosed(1, 50).mapToObj(PeeringTest::node).toList();
        PeerDirectory one = directory(seeds.toArray(URI[]::new));
        new Peering(one, settings(8, 24), SELF, new AddressPolicy(List.of(), true), clock, meters, new java.util.Random(1),
                Runnable::run);
        PeerDirectory another = directory(seeds.toArray(URI[]::new));
        new Peering(another, settings(8, 24), SELF, new AddressPolicy(List.of(), true), clock, new SimpleMeterRegistry(),
                new java.util.Random(2), Runnable::run);

        assertThat(one.count(Direction.OUTBOUND)).isEqualTo(8);
        assertThat(another.count(Direction.OUTBOUND)).isEqualTo(8);
        assertThat(urls(one)).isNotEqualTo(urls(another));
    }

    @Test
    void aNodeThatCallsGivingItsAddressBecomesAnInboundPeerUpToTheCap() {
        PeerDirectory directory = directory(FIRST);
        Peering peering = TestPeering.of(directory, clock, settings(8, 2), SELF, meters);

        peering.calledBy(summary("n2", node(2), List.of()), "127.0.0.1");
        peering.calledBy(summary("n2", node(2), List.of()), "127.0.0.1");
        peering.calledBy(summary("n3", node(3), List.of()), "127.0.0.1");
        peering.calledBy(summary("n4", node(4), List.of()), "127.0.0.1");
        peering.calledBy(summary("n5", null, List.of()), "127.0.0.1");

        assertThat(directory.count(Direction.INBOUND)).isEqualTo(2);
        assertThat(urls(directory)).containsExactly(FIRST, node(2), node(3));
    }

    @Test
    void aCallerGivingAForbiddenAddressOrThisNodesOwnIsNotCalledBack() {
        PeerDirectory directory = directory(FIRST);
        Peering peering = TestPeering.of(directory, clock, settings(8, 24), SELF, meters);

        peering.calledBy(summary("n2", URI.create("http://169.254.169.254"), List.of()), "127.0.0.1");
        peering.calledBy(summary("n3", SELF, List.of()), "127.0.0.1");
        peering.calledBy(summary("n4", URI.create("http://127.0.0.1:7004/admin"), List.of()), "127.0.0.1");

        assertThat(urls(directory)).containsExactly(FIRST);
        assertThat(meters.get("meshchain.peers.addresses.refused").counter().count()).isEqualTo(2);
    }

    @Test
    void aCallerGivingItsAddressByNameIsJudgedApartFromItsRequest() {
        PeerDirectory directory = directory(FIRST);
        Peering peering = TestPeering.of(directory, clock, settings(8, 24), SELF, meters);

        peering.calledBy(summary("n2", URI.create("http://localhost:7002"), List.of()), "127.0.0.1");

        assertThat(urls(directory)).containsExactly(FIRST, URI.create("http://localhost:7002"));
        assertThat(directory.count(Direction.INBOUND)).isEqualTo(1);
    }

    @Test
    void withoutExchangeANodeKeepsToItsSeeds() {
        PeerDirectory directory = directory(FIRST);
        Peering peering = TestPeering.of(directory, clock, new PeerSettings(8, 24, 1_000, List.of(), SELF, false),
                SELF, meters);

        peering.answered(new Peer(FIRST, null), summary("n1", FIRST, List.of(node(2), node(3))));
        peering.calledBy(summary("n4", node(4), List.of()), "127.0.0.1");
        peering.maintain();

        assertThat(urls(directory)).containsExactly(FIRST);
    }

    @Test
    void anOutboundPeerThatKeepsFailingMakesWayForAnotherAddressButNotWhenNoneWaits() {
        PeerDirectory directory = directory(FIRST);
        Peering peering = TestPeering.of(directory, clock, settings(1, 24), SELF, meters);
        Peer first = new Peer(FIRST, null);
        for (int i = 0; i < Peering.OUTBOUND_FAILURES; i++) {
            directory.failed(first, "connection refused");
            peering.failed(first);
        }
        peering.maintain();
        assertThat(urls(directory)).as("no other address known").containsExactly(FIRST);

        directory.answered(first, summary("n1", FIRST, List.of()), Duration.ofMillis(1));
        peering.answered(first, summary("n1", FIRST, List.of(node(2))));
        for (int i = 0; i < Peering.OUTBOUND_FAILURES; i++) {
            directory.failed(first, "connection refused");
            peering.failed(first);
        }
        peering.maintain();
        assertThat(urls(directory)).containsExactly(node(2));
    }

    @Test
    void aSecondAddressOfAPeerAndThisNodeItselfAreDroppedAndNotPickedAgainAtOnce() {
        PeerDirectory directory = directory(FIRST, node(2), node(9));
        Peering peering = TestPeering.of(directory, clock, settings(8, 24), SELF, meters);
        directory.answered(new Peer(FIRST, null), summary("n1", null, List.of()), Duration.ofMillis(1));
        directory.answered(new Peer(node(2), null), summary("n1", null, List.of()), Duration.ofMillis(1));
        directory.answered(new Peer(node(9), null), summary("n0", null, List.of()), Duration.ofMillis(1));

        peering.maintain();
        assertThat(urls(directory)).containsExactly(FIRST);

        peering.answered(new Peer(FIRST, null), summary("n1", FIRST, List.of(node(2), node(9))));
        peering.maintain();
        assertThat(urls(directory)).as("not learned, nor picked, again").containsExactly(FIRST);
        assertThat(peering.addressesKnown()).as("the seed at a second address is kept, to be tried later")
                .isEqualTo(2);
    }

    @Test
    void aStrangerAnsweringAsAPeersNodeIdIsTheOneDropped() {
        PeerDirectory directory = directory(FIRST);
        Peering peering = TestPeering.of(directory, clock, settings(8, 24), SELF, meters);
        directory.answered(new Peer(FIRST, null), summary("n1", null, List.of()), Duration.ofMillis(1));
        peering.calledBy(summary("n7", node(7), List.of()), "10.0.0.66");
        directory.answered(new Peer(node(7), null), summary("n1", null, List.of()), Duration.ofMillis(1));

        peering.maintain();
        assertThat(urls(directory)).containsExactly(FIRST);
    }

    @Test
    void moreConfiguredPeersThanTheTargetAreSeedsOfWhichTheTargetIsCalled() {
        PeerDirectory directory = directory(IntStream.rangeClosed(1, 12).mapToObj(PeeringTest::node).toArray(URI[]::new));
        Peering peering = TestPeering.of(directory, clock, settings(8, 24), SELF, meters);
        assertThat(directory.count(Direction.OUTBOUND)).isEqualTo(8);
        assertThat(peering.addressesKnown()).isEqualTo(12);
    }
}
