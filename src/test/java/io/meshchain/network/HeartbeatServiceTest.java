package io.meshchain.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.system.MeshchainProperties;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** An inbound heartbeat may trigger a sync, but only ever from the configured address of that node. */
class HeartbeatServiceTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(ChainFixture.NOW);
    private final ChainService chain = new ChainService(
            new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 100), clock, event -> { }, new InMemoryLedgerStore());
    private final PeerClient client = mock(PeerClient.class);
    private final ChainSync sync = mock(ChainSync.class);
    private final ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
    private HeartbeatService heartbeats;

    @BeforeEach
    void setUp() throws IOException {
        executor.initialize();
        Path peers = Files.writeString(dir.resolve("peers.txt"), "2\nn1 7001\nn2 7002\n");
        MeshchainProperties properties = TestProperties.of("n1", List.of(), peers, 1);
        heartbeats = new HeartbeatService(properties, chain, new PeerDirectory(properties, clock), client, sync, executor);
    }

    @AfterEach
    void tearDown() {
        executor.shutdown();
    }

    private static NodeSummary better(String nodeId) {
        return new NodeSummary(nodeId, 9, "ab".repeat(32), 1, BigInteger.TEN.pow(6), 0, List.of());
    }

    @Test
    void betterChainFromAConfiguredPeerIsFetchedFromItsConfiguredAddress() {
        NodeSummary answer = heartbeats.receive(better("n2"));

        assertThat(answer.nodeId()).isEqualTo("n1");
        verify(sync, timeout(2_000)).syncFrom(eq(new Peer(URI.create("http://127.0.0.1:7002"), "n2")), any());
    }

    @Test
    void betterChainFromAnUnknownNodeIsNotFetched() throws InterruptedException {
        heartbeats.receive(better("stranger"));

        executor.getThreadPoolExecutor().shutdown();
        executor.getThreadPoolExecutor().awaitTermination(2, TimeUnit.SECONDS);
        verifyNoInteractions(sync);
    }

    @Test
    void worseChainIsNotFetched() throws InterruptedException {
        heartbeats.receive(new NodeSummary("n2", 0, chain.genesis().hash(), 0, BigInteger.valueOf(256), 0, List.of()));

        executor.getThreadPoolExecutor().shutdown();
        executor.getThreadPoolExecutor().awaitTermination(2, TimeUnit.SECONDS);
        verifyNoInteractions(sync);
    }
}
