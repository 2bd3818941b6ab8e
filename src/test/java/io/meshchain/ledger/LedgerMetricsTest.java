package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.primitives.Block;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger's counters follow what the chain did: a reorganisation counts once, each block it abandoned as orphaned. */
class LedgerMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Object> events = new ArrayList<>();

    @Test
    void aReorganisationCountsOnceAndEveryBlockItAbandonsAsOrphaned() throws BlockRejectedException {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> ours = ChainFixture.extend(genesis, 5);
        ChainService chain = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 1000),
                new MutableClock(ChainFixture.NOW + Duration.ofDays(1).toMillis()), events::add,
                InMemoryLedgerStore.holding(ours, List.of()));
        LedgerMetrics metrics = new LedgerMetrics(chain, meters);

        List<Block> theirs = ChainFixture.extend(ours.get(2), 4); // forks above block 3, ends two blocks higher
        assertThat(chain.adopt(theirs)).isEqualTo(ChainService.Adoption.ADOPTED);
        events.stream().filter(ChainAdvanced.class::isInstance).map(ChainAdvanced.class::cast)
                .forEach(metrics::chainAdvanced);

        assertThat(meters.get("meshchain.reorgs").counter().count()).isEqualTo(1);
        assertThat(meters.get("meshchain.blocks.orphaned").counter().count()).as("blocks 4 and 5 abandoned")
                .isEqualTo(2);
        assertThat(meters.get("meshchain.reorg.depth").summary().max()).as("the deepest reorganisation").isEqualTo(2);
        assertThat(meters.get("meshchain.reorg.depth").summary().count()).isEqualTo(1);
    }

    @Test
    void pushbacksAreCountedByRuleAndEveryRuleIsThereFromTheStart() {
        ChainService chain = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 1000),
                new MutableClock(ChainFixture.NOW), events::add, new InMemoryLedgerStore());
        LedgerMetrics metrics = new LedgerMetrics(chain, meters);

        metrics.transactionsRefused(new TransactionsRefused(Pushback.BACKLOG, 3));

        assertThat(meters.get("meshchain.transactions.refused").tag("rule", "backlog").counter().count()).isEqualTo(3);
        assertThat(meters.get("meshchain.transactions.refused").tag("rule", "sender-limit").counter().count()).isZero();
        assertThat(meters.get("meshchain.transactions.refused").tag("rule", "pool-full").counter().count()).isZero();
        assertThat(meters.get("meshchain.confirmation.rate").gauge().value()).as("nothing confirmed yet").isZero();
    }
}
