package io.meshchain.mining;

import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The miner's health, shown under {@code /actuator/health} as {@code mining}: what the miner is doing
 * ({@code miner}: {@code idle}, {@code mining} or {@code disabled}). Always up, and no part of
 * readiness: a node that does not mine still serves, relays and follows its peers.
 */
@Component("mining")
class MiningHealthIndicator implements HealthIndicator {

    private final Miner miner;

    MiningHealthIndicator(Miner miner) {
        this.miner = miner;
    }

    @Override
    public Health health() {
        return Health.up().withDetail("miner", miner.state().name().toLowerCase(Locale.ROOT)).build();
    }
}
