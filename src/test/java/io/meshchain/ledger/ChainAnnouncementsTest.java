package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static io.meshchain.ledger.ChainFixture.NOW;
import static io.meshchain.ledger.LedgerFixture.CAPACITY;
import static io.meshchain.ledger.LedgerFixture.MAX_WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Changes of the chain told to listeners once they are on disk, in the order they were made
 * ({@link ChainAnnouncements}), through {@link ChainService}. That an accepted transaction is
 * announced, and what a change of the chain announces, is tested with the change, in
 * {@link AdmissionTest} and {@link ChainSwitchTest}.
 */
class ChainAnnouncementsTest {

    private final LedgerFixture ledger = new LedgerFixture();
    private final MutableClock clock = ledger.clock();

    /**
     * Listeners hear of changes in the order they were made, even when a later change is on disk
     * before an earlier one: the block stream tells clients of blocks in the chain's order.
     */
    @Test
    void changesAreAnnouncedInTheOrderTheyWereMadeWhateverForceReturnsFirst() throws Exception {
        List<Object> heard = Collections.synchronizedList(new ArrayList<>());
        InMemoryLedgerStore slow = new InMemoryLedgerStore();
        ChainService ordered = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY),
                clock, heard::add, slow);
        Block first = ChainFixture.mine(ordered.genesis(), List.of(ChainFixture.tx()), NOW);
        Block second = ChainFixture.mine(first, List.of(ChainFixture.tx()), NOW + 1);
        CountDownLatch firstForced = new CountDownLatch(1);
        slow.holdNextForce(firstForced);
        ExecutorService adopters = Executors.newFixedThreadPool(2);
        try {
            Future<ChainService.Adoption> firstAdopted = adopters.submit(() -> ordered.adopt(List.of(first)));
            await().atMost(Duration.ofSeconds(5)).until(() -> ordered.tip().height() == 1);
            Future<ChainService.Adoption> secondAdopted = adopters.submit(() -> ordered.adopt(List.of(second)));
            await().atMost(Duration.ofSeconds(5)).until(() -> ordered.tip().height() == 2);

            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> heard.stream().noneMatch(ChainAdvanced.class::isInstance));
            firstForced.countDown();
            assertThat(firstAdopted.get(5, TimeUnit.SECONDS)).isEqualTo(ChainService.Adoption.ADOPTED);
            assertThat(secondAdopted.get(5, TimeUnit.SECONDS)).isEqualTo(ChainService.Adoption.ADOPTED);
        } finally {
            adopters.shutdownNow();
        }
        assertThat(heard.stream().filter(ChainAdvanced.class::isInstance).map(e -> ((ChainAdvanced) e).tip().height()))
                .containsExactly(1L, 2L);
    }
}
