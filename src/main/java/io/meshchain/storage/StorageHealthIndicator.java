package io.meshchain.storage;

import io.meshchain.system.HealthDisclosure;
import java.time.Instant;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The store under {@code /actuator/health} as {@code storage}: file sizes, last write and what
 * recovery found, and the data directory's path once an operator turns every detail on
 * ({@link HealthDisclosure}); until then a failure names the directory by its setting. It is part of
 * the readiness group, so a node whose disk fails stops taking traffic while it keeps serving what
 * it has.
 */
@Component("storage")
class StorageHealthIndicator implements HealthIndicator {

    private final FileLedgerStore store;
    private final HealthDisclosure disclosure;

    StorageHealthIndicator(FileLedgerStore store, HealthDisclosure disclosure) {
        this.store = store;
        this.disclosure = disclosure;
    }

    @Override
    public Health health() {
        store.probe();
        StorageStatus status = store.status();
        boolean namesPath = disclosure.namesLocations();
        Health.Builder health = Health.up();
        if (status.failure() != null) {
            health = Health.down().withDetail("error", namesPath ? status.failure()
                    : status.failure().replace(status.directory().toString(), DataDirectory.PROPERTY));
        }
        if (namesPath) {
            health.withDetail("path", status.directory().toString());
        }
        return health
                .withDetail("fsync", status.fsync())
                .withDetail("blocksBytes", status.blocksBytes())
                .withDetail("pendingBytes", status.pendingBytes())
                .withDetail("lastWrite", status.lastWrite() == 0 ? "never" : Instant.ofEpochMilli(status.lastWrite()).toString())
                .withDetail("recovered", status.recovery())
                .build();
    }
}
