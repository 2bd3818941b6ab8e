package io.meshchain.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * A store for tests of the ledger alone: it keeps what it is told in memory, and can be told to
 * fail like a full disk.
 */
public final class InMemoryLedgerStore implements LedgerStore {

    private final StoredLedger initial;
    private final List<List<Block>> blockRecords = new ArrayList<>();
    private final List<PendingTransaction> pending = new ArrayList<>();
    private volatile boolean failing;
    private int rewrites;
    private int pendingRewrites;
    private int compactAbove = Integer.MAX_VALUE;

    public InMemoryLedgerStore() {
        this(StoredLedger.empty());
    }

    public InMemoryLedgerStore(StoredLedger initial) {
        this.initial = initial;
    }

    /** From now on, every write fails as on a full disk (or succeeds again). */
    public void failWrites(boolean fail) {
        this.failing = fail;
    }

    public synchronized List<List<Block>> blockRecords() {
        return List.copyOf(blockRecords);
    }

    public synchronized List<PendingTransaction> pending() {
        return List.copyOf(pending);
    }

    public synchronized int rewrites() {
        return rewrites;
    }

    public synchronized int pendingRewrites() {
        return pendingRewrites;
    }

    /** From now on the pool's record is worth compacting once it holds more than this many records. */
    public synchronized void compactAbove(int records) {
        this.compactAbove = records;
    }

    private void check() {
        if (failing) {
            throw new StorageException("No space left on device", new java.io.IOException("No space left on device"));
        }
    }

    @Override
    public StoredLedger load() {
        return initial;
    }

    @Override
    public synchronized Durability appendPending(PendingTransaction transaction) {
        check();
        pending.add(transaction);
        return () -> { };
    }

    @Override
    public Durability written() {
        return this::check;
    }

    @Override
    public synchronized void putBlocks(List<Block> blocks) {
        check();
        blockRecords.add(List.copyOf(blocks));
    }

    @Override
    public synchronized boolean pendingNeedsCompaction(int livePending) {
        return pending.size() > compactAbove;
    }

    @Override
    public synchronized void rewrite(List<Block> blocks, List<PendingTransaction> pool) {
        check();
        rewrites++;
        blockRecords.clear();
        if (!blocks.isEmpty()) {
            blockRecords.add(List.copyOf(blocks));
        }
        pending.clear();
        pending.addAll(pool);
    }

    @Override
    public synchronized void rewritePending(List<PendingTransaction> pool) {
        check();
        pendingRewrites++;
        pending.clear();
        pending.addAll(pool);
    }
}
