package io.meshchain.ledger;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Tells listeners of every change of the chain, once it is on disk, in the order the changes were
 * made: peers hear of a block only once it is forced, and the block stream relies on the order. A
 * change is numbered under the ledger's write lock ({@link #made}) and announced after the lock is
 * let go ({@link #announceOnceDurable}), whichever thread made it and whichever force returned first.
 */
final class ChainAnnouncements {

    private final ApplicationEventPublisher events;
    /** Changes of the chain made, under the write lock: each change's place in the order of announcements. */
    private long changesMade;
    /** Changes of the chain announced to listeners, guarded by {@link #announcing}. */
    private long changesAnnounced;
    private final Object announcing = new Object();

    ChainAnnouncements(ApplicationEventPublisher events) {
        this.events = events;
    }

    /**
     * A change of the chain made under the lock, the wait until it is on disk, and its place in the
     * order of changes.
     */
    record Change(ChainAdvanced event, PoolJournal.Durability durability, long sequence) {
    }

    /** Numbers a change just made; called under the ledger's write lock, so the numbers follow the changes. */
    Change made(ChainAdvanced event, PoolJournal.Durability durability) {
        return new Change(event, durability, ++changesMade);
    }

    /**
     * After the lock is let go: waits until the change is on disk, then tells listeners. Were the
     * force to fail, listeners still hear of the change, which the chain has made, and the node reports
     * itself not ready until a write succeeds.
     * <p>
     * Listeners hear of changes in the order they were made, one at a time. A listener must
     * therefore not wait on anything that may itself be waiting to announce.
     */
    void announceOnceDurable(Change change) {
        try {
            change.durability().await();
        } finally {
            announceInOrder(change);
        }
    }

    private void announceInOrder(Change change) {
        boolean interrupted = false;
        synchronized (announcing) {
            // Every change made is announced (nothing between its making and this call can throw), so
            // the one before this is announced soon; an interrupt must not make this one skip its turn.
            while (changesAnnounced != change.sequence() - 1) {
                try {
                    announcing.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            try {
                events.publishEvent(change.event());
            } finally {
                changesAnnounced = change.sequence();
                announcing.notifyAll();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
