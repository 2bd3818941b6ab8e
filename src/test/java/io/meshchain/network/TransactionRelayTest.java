package io.meshchain.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.MutableClock;
import io.meshchain.ledger.Transaction;
import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.system.MeshchainProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/** A new transaction goes to every peer once, except back to the peer that relayed it here. */
class TransactionRelayTest {

    @TempDir
    Path dir;

    private final PeerClient client = mock(PeerClient.class);
    private final PeerLanes lanes = new PeerLanes();
    private final Peer n2 = new Peer(URI.create("http://127.0.0.1:7002"), "n2");
    private final Peer n3 = new Peer(URI.create("http://127.0.0.1:7003"), "n3");
    private TransactionRelay relay;

    @BeforeEach
    void setUp() throws IOException {
        Path peers = Files.writeString(dir.resolve("peers.txt"), "3\nn1 7001\nn2 7002\nn3 7003\n");
        MeshchainProperties properties = TestProperties.of("n1", List.of(), peers, 1);
        PeerDirectory directory = new PeerDirectory(properties, new MutableClock(ChainFixture.NOW), new SimpleMeterRegistry());
        relay = new TransactionRelay(properties, directory, client, lanes, new RelayTokens(directory));
    }

    @AfterEach
    void tearDown() {
        lanes.destroy();
    }

    @Test
    void clientSubmissionGoesToEveryPeer() {
        Transaction tx = ChainFixture.tx();
        relay.relay(new TransactionAccepted(tx, null));
        verify(client, timeout(2_000)).relay(eq(n2), eq(tx), eq("n1"), any());
        verify(client, timeout(2_000)).relay(eq(n3), eq(tx), eq("n1"), any());
    }

    @Test
    void relayedTransactionIsNotSentBackToItsSource() {
        Transaction tx = ChainFixture.tx();
        relay.relay(new TransactionAccepted(tx, "n2"));
        verify(client, timeout(2_000)).relay(eq(n3), eq(tx), eq("n1"), any());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> verify(client, never()).relay(eq(n2), any(), any(), any()));
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
        }).given(client).relay(eq(n2), eq(first), eq("n1"), any());
        List<Transaction> later = ChainFixture.txs(300);

        relay.relay(new TransactionAccepted(first, "n3"));
        assertThat(firstCallStarted.await(2, TimeUnit.SECONDS)).isTrue();
        later.forEach(tx -> relay.relay(new TransactionAccepted(tx, "n3")));
        release.countDown();

        ArgumentCaptor<List<Transaction>> batches = ArgumentCaptor.captor();
        verify(client, timeout(2_000).times(2)).relayBatch(eq(n2), batches.capture(), eq("n1"), any());
        assertThat(batches.getAllValues()).as("at most %d per call", ChainService.MAX_BATCH)
                .extracting(List::size).containsExactly(ChainService.MAX_BATCH, 300 - ChainService.MAX_BATCH);
        assertThat(batches.getAllValues().stream().flatMap(List::stream).toList()).isEqualTo(later);
        verify(client, times(1)).relay(eq(n2), any(), any(), any());
    }

    @Test
    void anOutboxIsForgottenOnceItsPeerHasLeft() {
        MeshchainProperties properties = TestProperties.of("n1", List.of(), null, 1);
        PeerDirectory directory = new PeerDirectory(properties, new MutableClock(ChainFixture.NOW), new SimpleMeterRegistry());
        TransactionRelay discovered = new TransactionRelay(properties, directory, client, lanes, new RelayTokens(directory));
        directory.replaceDiscovered(List.of(n2, n3));
        discovered.relay(new TransactionAccepted(ChainFixture.tx(), null));
        verify(client, timeout(2_000)).relay(eq(n2), any(), eq("n1"), any());
        assertThat(discovered.outboxCount()).isEqualTo(2);

        directory.replaceDiscovered(List.of(n3));
        Transaction later = ChainFixture.tx();
        discovered.relay(new TransactionAccepted(later, null));

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            discovered.relay(new TransactionAccepted(ChainFixture.tx(), null));
            assertThat(discovered.outboxCount()).as("n2's outbox, once its last call ended").isEqualTo(1);
        });
        verify(client, never()).relay(eq(n2), eq(later), any(), any());
    }
}
