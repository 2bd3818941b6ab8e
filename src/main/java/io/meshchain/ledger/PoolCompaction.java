package io.meshchain.ledger;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pool's journal from growing without bound: once it holds mostly transactions that have
 * since been mined, it is rewritten with only what is pending. The pool is taken under the shared
 * lock, the whole record written and forced without any lock (submissions and blocks go on
 * meanwhile), and only the swap, carrying over what was appended meanwhile, takes the lock. One
 * compaction runs at a time; a failed one leaves the old record intact and is tried after the next block.
 */
final class PoolCompaction {

    private static final Logger log = LoggerFactory.getLogger(PoolCompaction.class);

    private final LedgerState state;
    private final PoolJournal journal;
    /** Whether a compaction of the pool's record runs: one at a time. */
    private final AtomicBoolean compacting = new AtomicBoolean();

    PoolCompaction(LedgerState state, PoolJournal journal) {
        this.state = state;
        this.journal = journal;
    }

    /** Compacts the pool's journal if it is worth it and no compaction runs; without the lock held. */
    void compactIfWorthwhile() {
        if (!compacting.compareAndSet(false, true)) {
            return;
        }
        try {
            PoolJournal.Rewrite rewrite = state.read(() -> journal.needsCompaction(state.pool().size())
                    ? journal.beginRewrite(state.pool().entries()) : null);
            if (rewrite == null) {
                return;
            }
            try {
                rewrite.write();
            } catch (StorageException e) {
                rewrite.abandon();
                throw e;
            }
            state.writeLock().lock();
            try {
                rewrite.finish();
            } finally {
                state.writeLock().unlock();
            }
        } catch (StorageException e) {
            // The old files are intact and complete; compaction is tried again after the next block.
            log.warn("Could not compact the ledger's files: {}", e.getMessage());
        } finally {
            compacting.set(false);
        }
    }
}
