package io.meshchain;

import io.meshchain.api.JsonConfigurationAccess;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.system.StoredChainCheck;
import java.time.Duration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A real ledger for controller slice tests: fixture difficulty, five transactions per block, a small
 * pool and a smaller limit per sender (so both are reachable), the default target wait, and a clock
 * the test moves.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import({ChainService.class, JsonConfigurationAccess.class})
public class LedgerTestConfiguration {

    public static final int POOL_CAPACITY = 8;
    public static final int SENDER_LIMIT = 6;

    @Bean
    MutableClock clock() {
        return new MutableClock(ChainFixture.NOW);
    }

    @Bean
    InMemoryLedgerStore ledgerStore() {
        return new InMemoryLedgerStore();
    }

    @Bean
    LedgerParameters ledgerParameters() {
        return new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), POOL_CAPACITY,
                StoredChainCheck.TAIL, SENDER_LIMIT, Duration.ofSeconds(30));
    }
}
