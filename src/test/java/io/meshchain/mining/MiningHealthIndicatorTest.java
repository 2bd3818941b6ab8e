package io.meshchain.mining;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.system.MeshchainProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class MiningHealthIndicatorTest {

    private final ChainService chain = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5,
            Duration.ofSeconds(10), 100), new MutableClock(ChainFixture.NOW), event -> { }, new InMemoryLedgerStore());

    private Health health(boolean mining) {
        MeshchainProperties p = TestProperties.of("n1", List.of(), null, 1);
        MeshchainProperties properties = new MeshchainProperties(p.nodeId(), p.peers(), p.peersFile(), p.discovery(),
                p.heartbeat(), p.network(), new MeshchainProperties.Mining(mining, p.mining().interval(),
                        p.mining().difficulty(), 1),
                p.block(), p.pool(), p.storage(), p.http(), p.transactions(), p.events(), p.sync());
        return new MiningHealthIndicator(new Miner(chain, properties, new SimpleMeterRegistry())).health();
    }

    @Test
    void aMinerWaitingForItsNextBlockIsUpAndIdle() {
        Health health = health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsExactly(Map.entry("miner", "idle"));
    }

    /** A node that does not mine is no less healthy: it serves, relays and follows its peers. */
    @Test
    void aNodeThatDoesNotMineIsUpWithItsMinerDisabled() {
        Health health = health(false);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsExactly(Map.entry("miner", "disabled"));
    }
}
