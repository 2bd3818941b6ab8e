package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * What the ledger's parts share: the chain's tip region, the pending pool, the one lock that guards
 * both, and the version a miner's template is checked against. {@link ChainService} makes one and
 * hands it to each part (admission, templates, the chain switch, compaction); nothing outside the
 * package sees it.
 * <p>
 * The chain and the pool are read under the shared lock ({@link #read}) and changed under the write
 * lock ({@link #writeLock()}), so a reader always sees the ledger between two changes, never during
 * one. Methods named {@code ...Locked}, here and in the parts, expect the caller to hold the lock.
 */
final class LedgerState {

    private final LedgerParameters parameters;
    private final Clock clock;
    private final Block genesis;
    private final Chain chain;
    private final PendingPool pool = new PendingPool();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile long version;

    LedgerState(LedgerParameters parameters, Clock clock, Block genesis, Chain chain) {
        this.parameters = parameters;
        this.clock = clock;
        this.genesis = genesis;
        this.chain = chain;
    }

    LedgerParameters parameters() {
        return parameters;
    }

    Clock clock() {
        return clock;
    }

    Block genesis() {
        return genesis;
    }

    /** The chain; read or change it only under the lock. */
    Chain chain() {
        return chain;
    }

    /** The pending pool; read or change it only under the lock. */
    PendingPool pool() {
        return pool;
    }

    /** Runs {@code reader} under the shared lock: it sees the ledger between two changes, never during one. */
    <T> T read(Supplier<T> reader) {
        lock.readLock().lock();
        try {
            return reader.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The lock every change of the chain or the pool holds. */
    Lock writeLock() {
        return lock.writeLock();
    }

    /** See {@link ChainService#version()}. */
    long version() {
        return version;
    }

    /** Marks work on earlier templates stale: the tip moved or transactions left the pool. Under the write lock. */
    void advanceVersion() {
        version++;
    }

    /** What this node knows of a transaction: pending, confirmed at some depth, or nothing. */
    Optional<TransactionStatus> statusLocked(String transactionId) {
        Optional<Transaction> pending = pool.get(transactionId);
        if (pending.isPresent()) {
            return Optional.of(TransactionStatus.pending(pending.get()));
        }
        return chain.transaction(transactionId).map(confirmed -> new TransactionStatus(confirmed.transaction(), true,
                confirmed.height(), chain.entry(confirmed.height()).hash(), chain.height() - confirmed.height() + 1));
    }
}
