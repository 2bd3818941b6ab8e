package io.meshchain.network;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.system.PeerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * An inbound heartbeat may trigger a sync, but only ever from the configured address of that node;
 * heartbeats requested while one runs are coalesced into one more, never lost.
 */
class HeartbeatServiceTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(ChainFixture.NOW);
    private final ChainService chain = new ChainService(
            new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 100), clock, event -> { }, new InMemoryLedgerStore());
    private final PeerClient client = mock(PeerClient.class);
    private final ChainSync sync = mock(ChainSync.class);
    private final PeerLanes lanes = new PeerLanes();
    private final Peer n2 = new Peer(URI.create("http://127.0.0.1:7002"), "n2");
    private final Peer n3 = new Peer(URI.create("http://127.0.0.1:7003"), "n3");
    private HeartbeatService heartbeats;
    private RelayTokens tokens;
    private PeerDirectory directory;

    @BeforeEach
    void setUp() throws IOException {
        Path peers = Files.writeString(dir.resolve("peers.txt"), "2\nn1 7001\nn2 7002\n");
        MeshchainProperties properties = TestProperties.of("n1", List.of(), peers, 1);
        directory = new PeerDirectory(properties, clock, new SimpleMeterRegistry());
        Peering peering = TestPeering.of(directory, clock);
        DnsDiscovery noDiscovery = new DnsDiscovery(null, 8080, peering, name -> List.of(), Set::of);
        tokens = new RelayTokens(directory);
        heartbeats = new HeartbeatService(properties, chain, directory, client, sync, lanes, noDiscovery, peering,
                tokens);
    }

    @AfterEach
    void tearDown() {
        lanes.destroy();
    }

    private static NodeSummary better(String nodeId) {
        return new NodeSummary(nodeId, 9, "ab".repeat(32), 1, BigInteger.TEN.pow(6), 0, List.of());
    }

    /**
     * Answers n2's heartbeats with a summary no better than this node's, the first only once
     * {@code release} is counted down (after counting {@code entered} down); returns the calls made.
     */
    private AtomicInteger heartbeatsHoldingTheFirst(CountDownLatch entered, CountDownLatch release) {
        AtomicInteger calls = new AtomicInteger();
        given(client.heartbeat(eq(n2), any(), any(), any())).willAnswer(invocation -> {
            if (calls.incrementAndGet() == 1) {
                entered.countDown();
                release.await();
            }
            return new NodeSummary("n2", 0, chain.genesis().hash(), 0, BigInteger.valueOf(256), 0, List.of());
        });
        return calls;
    }

    /**
     * A node before peer exchange refuses a summary with a field it does not know: it is sent this
     * node's address only once its own answers show it reads one, and answered without it.
     */
    @Test
    void thisNodesAddressGoesOnlyToNodesThatReadIt() {
        MeshchainProperties properties = TestProperties.of("n1", List.of(n2.url()), null, 1);
        PeerDirectory peers = new PeerDirectory(properties, clock, new SimpleMeterRegistry());
        Peering peering = TestPeering.of(peers, clock, PeerSettings.defaults(), URI.create("http://127.0.0.1:7001"),
                new SimpleMeterRegistry());
        HeartbeatService advertising = new HeartbeatService(properties, chain, peers, client, sync, lanes,
                new DnsDiscovery(null, 8080, peering, name -> List.of(), Set::of), peering, new RelayTokens(peers));
        Peer peer = new Peer(n2.url(), null);
        given(client.heartbeat(eq(peer), any(), any(), any())).willReturn(new NodeSummary("n2", 0,
                chain.genesis().hash(), 0, BigInteger.valueOf(256), 0, List.of(), "http://127.0.0.1:7002"));

        assertThat(advertising.receive(better("n3"), null, null, "127.0.0.1", false).url()).isNull();
        assertThat(advertising.receive(better("n3"), null, null, "127.0.0.1", true).url())
                .isEqualTo("http://127.0.0.1:7001");

        ArgumentCaptor<NodeSummary> sent = ArgumentCaptor.forClass(NodeSummary.class);
        advertising.beat();
        verify(client, timeout(2_000)).heartbeat(eq(peer), sent.capture(), any(), any());
        assertThat(sent.getValue().url()).as("before it answered").isNull();
        advertising.beat();
        verify(client, timeout(2_000).times(2)).heartbeat(eq(peer), sent.capture(), any(), any());
        assertThat(sent.getValue().url()).isEqualTo("http://127.0.0.1:7001");
    }

    @Test
    void betterChainFromAConfiguredPeerIsFetchedFromItsConfiguredAddress() {
        given(client.heartbeat(eq(n2), any(), any(), any())).willReturn(better("n2"));

        NodeSummary answer = heartbeats.receive(better("n2"), null, null, "127.0.0.1", true);

        assertThat(answer.nodeId()).isEqualTo("n1");
        verify(client, timeout(2_000)).heartbeat(eq(n2), any(), any(), any());
        verify(sync, timeout(2_000)).syncFrom(eq(n2), any(), eq(false));
    }

    /** A heartbeat with the token this node gave that peer is the peer's own: its summary is synced from at once. */
    @Test
    void aPeersOwnAnnouncementIsSyncedFromWithoutAskingForItsSummary() {
        NodeSummary announced = better("n2");

        heartbeats.receive(announced, null, tokens.givenTo(n2), "127.0.0.1", true);

        verify(sync, timeout(2_000)).syncFrom(n2, announced, true);
        verify(client, never()).heartbeat(any(), any(), any(), any());
        assertThat(directory.views()).as("what the peer said of itself is what this node shows of it")
                .anySatisfy(view -> assertThat(view.height()).isEqualTo(announced.height()));
    }

    /** This node's heartbeats carry back the token the peer gave it, which shows the peer they are this node's. */
    @Test
    void heartbeatsCarryBackTheTokenThePeerGave() {
        given(client.heartbeat(eq(n2), any(), any(), any())).willReturn(
                new NodeSummary("n2", 0, chain.genesis().hash(), 0, BigInteger.valueOf(256), 0, List.of()));
        heartbeats.beat();
        verify(client, timeout(2_000)).heartbeat(eq(n2), any(), any(), eq(Optional.empty()));
        String given = "T".repeat(22);
        tokens.received("n2", given);

        heartbeats.beat();

        verify(client, timeout(2_000)).heartbeat(eq(n2), any(), eq(tokens.givenTo(n2)), eq(Optional.of(given)));
    }

    /** An announcement waiting does not stand in for a heartbeat this node was asked to send: that one goes. */
    @Test
    void aScheduledHeartbeatIsSentEvenWithAnAnnouncementWaiting() throws Exception {
        CountDownLatch firstCallEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstCall = new CountDownLatch(1);
        AtomicInteger calls = heartbeatsHoldingTheFirst(firstCallEntered, releaseFirstCall);
        heartbeats.beat();
        assertThat(firstCallEntered.await(2, TimeUnit.SECONDS)).isTrue();

        heartbeats.receive(better("n2"), null, tokens.givenTo(n2), "127.0.0.1", true);
        heartbeats.beat();
        releaseFirstCall.countDown();

        await().atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 2);
    }

    /** A token this node gave another peer, or none it gave, proves nothing: the named peer is asked first. */
    @Test
    void anAnnouncementWithAnotherPeersTokenIsCheckedWithThePeerFirst() {
        given(client.heartbeat(eq(n2), any(), any(), any())).willReturn(better("n2"));

        heartbeats.receive(better("n2"), null, tokens.givenTo(n3), "127.0.0.1", true);
        verify(client, timeout(2_000)).heartbeat(eq(n2), any(), any(), any());
        heartbeats.receive(better("n2"), null, "A".repeat(22), "127.0.0.1", true);

        verify(client, timeout(2_000).times(2)).heartbeat(eq(n2), any(), any(), any());
        verify(sync, timeout(2_000).times(2)).syncFrom(eq(n2), any(), eq(false));
    }

    @Test
    void betterChainFromAnUnknownNodeIsNotFetched() {
        heartbeats.receive(better("stranger"), null, null, "127.0.0.1", true);

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> verifyNoInteractions(client, sync));
    }

    @Test
    void worseChainIsNotFetched() {
        heartbeats.receive(new NodeSummary("n2", 0, chain.genesis().hash(), 0, BigInteger.valueOf(256), 0, List.of()), null, null, "127.0.0.1", true);

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> verifyNoInteractions(client, sync));
    }

    @Test
    void anErrorDuringAnExchangeDoesNotSilenceThePeer() {
        AtomicInteger calls = new AtomicInteger();
        given(client.heartbeat(eq(n2), any(), any(), any())).willAnswer(invocation -> {
            if (calls.incrementAndGet() == 1) {
                throw new StackOverflowError("thrown by the first exchange");
            }
            return new NodeSummary("n2", 0, chain.genesis().hash(), 0, BigInteger.valueOf(256), 0, List.of());
        });

        heartbeats.beat();
        // The Error ends the lane's thread uncaught, as it would in the node; Awaitility must not take it as its own.
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 1);
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            heartbeats.beat();
            assertThat(calls.get()).as("the peer is called again after the Error").isGreaterThan(1);
        });
    }

    @Test
    void exchangesRequestedWhileOneRunsAreCoalescedNotLost() throws Exception {
        CountDownLatch firstCallEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstCall = new CountDownLatch(1);
        AtomicInteger calls = heartbeatsHoldingTheFirst(firstCallEntered, releaseFirstCall);

        heartbeats.beat();
        assertThat(firstCallEntered.await(2, TimeUnit.SECONDS)).isTrue();
        heartbeats.beat();
        heartbeats.beat();
        heartbeats.beat();
        releaseFirstCall.countDown();

        await().atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> calls.get() == 2);
    }

    @Test
    void peersThatLeaveDnsLeaveNoLanesBehind() throws Exception {
        AtomicReference<List<InetAddress>> addresses = new AtomicReference<>(List.of(
                InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2")));
        MeshchainProperties properties = TestProperties.of("n1", List.of(), null, 1);
        PeerDirectory directory = new PeerDirectory(properties, clock, new SimpleMeterRegistry());
        Peering peering = TestPeering.of(directory, clock);
        DnsDiscovery discovery = new DnsDiscovery("meshchain-peers", 8080, peering, name -> addresses.get(), Set::of);
        HeartbeatService discovering = new HeartbeatService(properties, chain, directory, client, sync, lanes, discovery,
                peering, new RelayTokens(directory));
        given(client.heartbeat(any(), any(), any(), any())).willThrow(new PeerException("connection refused"));
        URI first = URI.create("http://10.0.0.1:8080");
        URI second = URI.create("http://10.0.0.2:8080");

        discovering.beat();
        assertThat(lanes.peersWithLanes()).containsExactlyInAnyOrder(first, second);

        addresses.set(List.of(InetAddress.getByName("10.0.0.2")));
        discovering.beat();
        assertThat(lanes.peersWithLanes()).containsExactly(second);
        verify(client, timeout(2000).atLeast(2)).heartbeat(eq(new Peer(second, null)), any(), any(), any());
    }
}
