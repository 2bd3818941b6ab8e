package io.meshchain.network;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.MutableClock;
import io.meshchain.ledger.RelayedBy;
import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.wire.Paging;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/** A new transaction goes to every peer once, except back to the peer that relayed it here. */
class TransactionRelayTest {

    @TempDir
    Path dir;

    private final PeerClient client = mock(PeerClient.class);
    private final PeerLanes lanes = new PeerLanes();
    private final Peer n2 = new Peer(URI.create("http://127.0.0.1:7002"), "n2");
    private final Peer n3 = new Peer(URI.create("http://127.0.0.1:7003"), "n3");
    private PeerDirectory directory;
    private TransactionRelay relay;

    @BeforeEach
    void setUp() throws IOException {
        Path peers = Files.writeString(dir.resolve("peers.txt"), "3\nn1 7001\nn2 7002\nn3 7003\n");
        MeshchainProperties properties = TestProperties.of("n1", List.of(), peers, 1);
        directory = new PeerDirectory(properties, new MutableClock(ChainFixture.NOW), new SimpleMeterRegistry());
        relay = new TransactionRelay(properties, directory, client, lanes, new RelayTokens(directory));
    }

    /** Relay headers naming {@code nodeId} as the relaying node. */
    private static PeerClient.RelayHeaders from(String nodeId) {
        return argThat(headers -> headers != null && headers.selfNodeId().equals(nodeId));
    }

    /** An argument that is the acceptance of {@code transaction}, whatever it says of its block. */
    private static TransactionAccepted carrying(Transaction transaction) {
        return argThat(accepted -> accepted != null && accepted.transaction().equals(transaction));
    }

    @AfterEach
    void tearDown() {
        lanes.destroy();
    }

    @Test
    void clientSubmissionGoesToEveryPeer() {
        Transaction tx = ChainFixture.tx();
        relay.relay(accepted(tx, (String) null));
        verify(client, timeout(2_000)).relay(eq(n2), carrying(tx), from("n1"));
        verify(client, timeout(2_000)).relay(eq(n3), carrying(tx), from("n1"));
    }

    @Test
    void relayedTransactionIsNotSentBackToItsSource() {
        Transaction tx = ChainFixture.tx();
        relay.relay(accepted(tx, "n2"));
        verify(client, timeout(2_000)).relay(eq(n3), carrying(tx), from("n1"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> verify(client, never()).relay(eq(n2), any(), any()));
    }

    /** In a full mesh a relay travels one hop: no node passes on what the relaying peer sent everywhere. */
    @Test
    void aTransactionIsNotRelayedToTheNodesTheRelayingPeerSaidItSendsItTo() {
        Transaction everywhere = ChainFixture.tx();
        Transaction notToN3 = ChainFixture.tx();
        relay.relay(accepted(everywhere, new RelayedBy("n2", Set.of("n1", "n2", "n3"))));
        relay.relay(accepted(notToN3, new RelayedBy("n2", Set.of("n1", "n2"))));

        verify(client, timeout(2_000)).relay(eq(n3), carrying(notToN3), from("n1"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            verify(client, never()).relay(any(), carrying(everywhere), any());
            verify(client, never()).relay(eq(n2), any(), any());
        });
    }

    @Test
    void aRelayNamesThisNodeAndThePeersThatAnswerIt() {
        directory.answered(n3, new NodeSummary("n3", 0, "ab".repeat(32), 1, BigInteger.ONE, 0, List.of()),
                Duration.ofMillis(1));
        relay.relay(accepted(ChainFixture.tx(), (String) null));

        verify(client, timeout(2_000)).relay(eq(n2), any(),
                argThat(headers -> headers.alsoSentTo().equals(Set.of("n1", "n3"))));
    }

    /**
     * A peer whose relay call failed may lack what the call carried: until a call to it succeeds, a relay
     * does not name it, so the peers that got the transaction pass it on.
     */
    @Test
    void aPeerWhoseRelayFailedIsNotNamedUntilARelayToItSucceeds() {
        directory.answered(n3, new NodeSummary("n3", 0, "ab".repeat(32), 1, BigInteger.ONE, 0, List.of()),
                Duration.ofMillis(1));
        AtomicBoolean n3Refuses = new AtomicBoolean(true);
        willAnswer(call -> {
            if (n3Refuses.get()) {
                throw new PeerException("refused a relayed transaction with HTTP 503");
            }
            return null;
        }).given(client).relay(eq(n3), any(), any());
        List<Set<String>> namedToN2 = new CopyOnWriteArrayList<>();
        willAnswer(call -> namedToN2.add(call.<PeerClient.RelayHeaders>getArgument(2).alsoSentTo()))
                .given(client).relay(eq(n2), any(), any());
        willAnswer(call -> namedToN2.add(call.<PeerClient.RelayHeaders>getArgument(2).alsoSentTo()))
                .given(client).relayBatch(eq(n2), any(), any());

        relay.relay(accepted(ChainFixture.tx(), (String) null));
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            relay.relay(accepted(ChainFixture.tx(), (String) null));
            assertThat(namedToN2).last().isEqualTo(Set.of("n1"));
        });

        n3Refuses.set(false);
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            relay.relay(accepted(ChainFixture.tx(), (String) null));
            assertThat(namedToN2).last().isEqualTo(Set.of("n1", "n3"));
        });
    }

    /** A steady stream of transactions costs a peer a call per pace, not a call per transaction. */
    @Test
    void transactionsThatFollowACallWithinThePaceWaitAndGoTogether() throws InterruptedException {
        List<Long> callsStarted = new CopyOnWriteArrayList<>();
        CountDownLatch firstCallStarted = new CountDownLatch(1);
        willAnswer(call -> {
            callsStarted.add(System.nanoTime());
            firstCallStarted.countDown();
            return null;
        }).given(client).relay(eq(n2), any(), any());
        willAnswer(call -> callsStarted.add(System.nanoTime())).given(client).relayBatch(eq(n2), any(), any());
        relay.relay(accepted(ChainFixture.tx(), "n3"));
        assertThat(firstCallStarted.await(2, TimeUnit.SECONDS)).isTrue();

        List<Transaction> following = ChainFixture.txs(2);
        following.forEach(tx -> relay.relay(accepted(tx, "n3")));

        verify(client, timeout(2_000)).relayBatch(eq(n2),
                argThat(batch -> batch.stream().map(TransactionAccepted::transaction).toList().equals(following)), any());
        assertThat(Duration.ofNanos(callsStarted.get(1) - callsStarted.get(0)))
                .isGreaterThanOrEqualTo(TransactionRelay.paceFor(2).minusMillis(5));
    }

    /** In a full mesh a node receives about as many relay calls a second however many nodes there are. */
    @Test
    void thePaceGrowsWithThePeersBetweenItsBounds() {
        assertThat(TransactionRelay.paceFor(0)).isEqualTo(TransactionRelay.MIN_PACE);
        assertThat(TransactionRelay.paceFor(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(TransactionRelay.paceFor(7)).isEqualTo(Duration.ofMillis(350));
        assertThat(TransactionRelay.paceFor(100)).isEqualTo(TransactionRelay.MAX_PACE);
    }

    @Test
    void transactionsThatArriveWhileACallIsUnderWayGoTogetherInOneBatch() throws InterruptedException {
        CountDownLatch firstCallStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Transaction first = ChainFixture.tx();
        willAnswer(call -> {
            firstCallStarted.countDown();
            release.await(5, TimeUnit.SECONDS);
            return null;
        }).given(client).relay(eq(n2), carrying(first), from("n1"));
        List<Transaction> later = ChainFixture.txs(300);

        relay.relay(accepted(first, "n3"));
        assertThat(firstCallStarted.await(2, TimeUnit.SECONDS)).isTrue();
        later.forEach(tx -> relay.relay(accepted(tx, "n3")));
        release.countDown();

        ArgumentCaptor<List<TransactionAccepted>> batches = ArgumentCaptor.captor();
        verify(client, timeout(2_000).times(2)).relayBatch(eq(n2), batches.capture(), from("n1"));
        assertThat(batches.getAllValues()).as("at most %d per call", Paging.MAX_BATCH)
                .extracting(List::size).containsExactly(Paging.MAX_BATCH, 300 - Paging.MAX_BATCH);
        assertThat(batches.getAllValues().stream().flatMap(List::stream).map(TransactionAccepted::transaction).toList())
                .isEqualTo(later);
        verify(client, times(1)).relay(eq(n2), any(), any());
    }

    @Test
    void anOutboxIsForgottenOnceItsPeerHasLeft() {
        MeshchainProperties properties = TestProperties.of("n1", List.of(), null, 1);
        PeerDirectory directory = new PeerDirectory(properties, new MutableClock(ChainFixture.NOW), new SimpleMeterRegistry());
        TransactionRelay discovered = new TransactionRelay(properties, directory, client, lanes, new RelayTokens(directory));
        Peering peering = TestPeering.of(directory, new MutableClock(ChainFixture.NOW));
        Peer dns2 = new Peer(n2.url(), null);
        Peer dns3 = new Peer(n3.url(), null);
        peering.replaceDnsSeeds(List.of(dns2, dns3));
        discovered.relay(accepted(ChainFixture.tx(), (String) null));
        verify(client, timeout(2_000)).relay(eq(dns2), any(), from("n1"));
        assertThat(discovered.outboxCount()).isEqualTo(2);

        peering.replaceDnsSeeds(List.of(dns3));
        Transaction later = ChainFixture.tx();
        discovered.relay(accepted(later, (String) null));

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            discovered.relay(accepted(ChainFixture.tx(), (String) null));
            assertThat(discovered.outboxCount()).as("n2's outbox, once its last call ended").isEqualTo(1);
        });
        verify(client, never()).relay(eq(dns2), carrying(later), any());
    }

    /** A transaction accepted here, which a block may take from its timestamp on. */
    private static TransactionAccepted accepted(Transaction transaction, String relayedBy) {
        return accepted(transaction, RelayedBy.of(relayedBy));
    }

    private static TransactionAccepted accepted(Transaction transaction, RelayedBy relayedBy) {
        return new TransactionAccepted(transaction, relayedBy, transaction.timestamp());
    }
}
