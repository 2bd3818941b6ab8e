package io.meshchain.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.network.PeerStatus;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class SyncHealthIndicatorTest {

    /** A node of height 10: the fixture's chain stored. */
    private final ChainService chain = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5,
            Duration.ofSeconds(10), 100), new MutableClock(ChainFixture.NOW), event -> { },
            InMemoryLedgerStore.holding(ChainFixture.extend(Genesis.block(ChainFixture.DIFFICULTY), 10), List.of()));

    private Health health(int configured, int reachable, Long bestHeight) {
        PeerStatus peers = new PeerStatus() {
            @Override
            public int configuredPeers() {
                return configured;
            }

            @Override
            public int reachablePeers() {
                return reachable;
            }

            @Override
            public OptionalLong bestReachableHeight() {
                return bestHeight == null ? OptionalLong.empty() : OptionalLong.of(bestHeight);
            }
        };
        return new SyncHealthIndicator(chain, peers).health();
    }

    @Test
    void aNodeAloneIsReady() {
        assertThat(health(0, 0, null).getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aNodeNoneOfWhosePeersAnswersIsOutOfService() {
        Health health = health(2, 0, null);
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).containsEntry("reason", "no configured peer is reachable");
    }

    @Test
    void aNodeAFewBlocksBehindIsReadyAndOneFurtherBehindIsNot() {
        assertThat(health(2, 1, 10L + SyncHealthIndicator.MAX_BLOCKS_BEHIND).getStatus()).isEqualTo(Status.UP);
        Health behind = health(2, 1, 11L + SyncHealthIndicator.MAX_BLOCKS_BEHIND);
        assertThat(behind.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(behind.getDetails()).containsEntry("blocksBehind", SyncHealthIndicator.MAX_BLOCKS_BEHIND + 1)
                .containsEntry("bestPeerHeight", 11L + SyncHealthIndicator.MAX_BLOCKS_BEHIND);
    }

    @Test
    void aNodeAheadOfItsPeersIsReady() {
        assertThat(health(1, 1, 3L).getStatus()).isEqualTo(Status.UP);
        assertThat(health(1, 1, 3L).getDetails()).containsEntry("blocksBehind", 0L);
    }
}
