package io.meshchain.storage;

import java.time.Instant;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The store under {@code /actuator/health} as {@code storage}: files, sizes, last write and what
 * recovery found. It is part of the readiness group, so a node whose disk fails stops taking
 * traffic while it keeps serving what it has.
 */
@Component("storage")
class StorageHealthIndicator implements HealthIndicator {

    private final FileLedgerStore store;

    StorageHealthIndicator(FileLedgerStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        store.probe();
        StorageStatus status = store.status();
        Health.Builder health = status.failure() == null ? Health.up() : Health.down().withDetail("error", status.failure());
        return health
                .withDetail("path", status.directory().toString())
                .withDetail("fsync", status.fsync())
                .withDetail("blocksBytes", status.blocksBytes())
                .withDetail("pendingBytes", status.pendingBytes())
                .withDetail("lastWrite", status.lastWrite() == 0 ? "never" : Instant.ofEpochMilli(status.lastWrite()).toString())
                .withDetail("recovered", status.recovery())
                .build();
    }
}
