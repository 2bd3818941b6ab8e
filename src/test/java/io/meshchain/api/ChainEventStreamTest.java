package io.meshchain.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.TestProperties;
import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ChainTip;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ChainEventStreamTest {

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);
    private static final List<Block> CHAIN = ChainFixture.extend(GENESIS, 600);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ChainEventStream streams = new ChainEventStream(
            new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 1000),
                    Clock.systemUTC(), event -> { }, InMemoryLedgerStore.holding(List.of(GENESIS), List.of())),
            JsonMapper.builder().build(), TestProperties.of("n1", List.of(), Path.of("peers"), 1), meters);

    @AfterEach
    void stop() {
        streams.stop();
    }

    /** Announces {@link #CHAIN} in changes of 100 blocks, as a catch-up adopts pages. */
    private void announceChain() {
        for (int from = 0; from < CHAIN.size(); from += 100) {
            announce(CHAIN.subList(from, from + 100));
        }
    }

    private void announce(List<Block> added) {
        Block tip = added.get(added.size() - 1);
        streams.chainAdvanced(new ChainAdvanced(new ChainTip(tip.index(), tip.hash(), tip.timestamp(),
                BigInteger.ONE), added, List.of(), ChainAdvanced.Cause.ADOPTED));
    }

    private double held() {
        return meters.get("meshchain.events.held").gauge().value();
    }

    @Test
    void withNoStreamOpenTheRingKeepsOnlyTheLastEventsAndTheLatestChange() {
        announceChain();

        assertThat(held()).isEqualTo(ChainEventStream.IDLE_RING_EVENTS + 100);
    }

    @Test
    void withNoStreamOpenLargeBlocksAreKeptWithinAboutAMebibyte() {
        Block parent = GENESIS;
        for (int i = 0; i < 40; i++) {
            parent = ChainFixture.mine(parent, ChainFixture.txs(200), parent.timestamp() + 1);
            announce(List.of(parent));
        }

        long perBlock = EventRing.estimatedBytes(parent);
        assertThat(held()).isEqualTo(ChainEventStream.IDLE_RING_BYTES / perBlock + 1); // and the latest
    }

    @Test
    void anOpenStreamKeepsEveryEventWithinTheRingsLimits() {
        streams.open(OptionalLong.empty());

        announceChain();

        assertThat(held()).isEqualTo(CHAIN.size());
    }
}
