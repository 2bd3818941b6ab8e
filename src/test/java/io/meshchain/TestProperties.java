package io.meshchain;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.system.StoredChainCheck;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Node properties for tests that build features by hand, with the defaults of application.yml. */
public final class TestProperties {

    private TestProperties() {
    }

    public static MeshchainProperties of(String nodeId, List<URI> peers, Path peersFile, int miningThreads) {
        return new MeshchainProperties(nodeId, peers, peersFile, null,
                new MeshchainProperties.Heartbeat(Duration.ofSeconds(5)),
                new MeshchainProperties.Network(Duration.ofMillis(500), Duration.ofSeconds(1)),
                new MeshchainProperties.Mining(true, Duration.ofSeconds(1), ChainFixture.DIFFICULTY, miningThreads),
                new MeshchainProperties.Block(5, Duration.ofSeconds(10), Duration.ZERO),
                new MeshchainProperties.Pool(100, 100, Duration.ofSeconds(30), 128),
                new MeshchainProperties.Storage(Path.of("data", nodeId), true, StoredChainCheck.TAIL), null, null, null,
                null);
    }
}
