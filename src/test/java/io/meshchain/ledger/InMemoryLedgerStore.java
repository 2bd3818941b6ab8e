package io.meshchain.ledger;

import io.meshchain.crypto.MerkleTree;
import io.meshchain.pow.Difficulty;
import io.meshchain.pow.Hashes;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store for tests of the ledger alone: it keeps what it is told in memory, indexed as the file
 * store indexes it, records every change it is asked for, and can be told to fail like a full disk.
 */
public final class InMemoryLedgerStore implements LedgerStore {

    private final List<Block> initialBlocks;
    private final List<PendingTransaction> initialPending;
    private boolean fullCheckDue;
    private final List<Block> chain = new ArrayList<>();
    private final List<BigInteger> work = new ArrayList<>();
    private final Map<String, Long> heightByHash = new HashMap<>();
    private final Map<String, Long> heightByTransaction = new HashMap<>();
    private final List<List<Block>> blockRecords = new ArrayList<>();
    private final List<List<PendingTransaction>> returned = new ArrayList<>();
    private final List<PendingTransaction> pending = new ArrayList<>();
    private volatile boolean failing;
    private int pendingRewrites;
    private int compactAbove = Integer.MAX_VALUE;
    private final AtomicInteger flushesAwaited = new AtomicInteger();
    private CountDownLatch nextForce;

    public InMemoryLedgerStore() {
        this(List.of(), List.of(), false);
    }

    private InMemoryLedgerStore(List<Block> blocks, List<PendingTransaction> pending, boolean rebuilt) {
        this.initialBlocks = List.copyOf(blocks);
        this.initialPending = List.copyOf(pending);
        this.fullCheckDue = rebuilt;
    }

    /** A store that already holds these blocks (genesis excluded) and pool records, as a restarted node's. */
    public static InMemoryLedgerStore holding(List<Block> blocks, List<PendingTransaction> pending) {
        return new InMemoryLedgerStore(blocks, pending, false);
    }

    /** The same, as a store that has just built its index anew from its block log. */
    public static InMemoryLedgerStore rebuilt(List<Block> blocks) {
        return new InMemoryLedgerStore(blocks, List.of(), true);
    }

    /** From now on, every write fails as on a full disk (or succeeds again). */
    public void failWrites(boolean fail) {
        this.failing = fail;
    }

    /** Every {@link #putBlocks} call's blocks, in order. */
    public synchronized List<List<Block>> blockRecords() {
        return List.copyOf(blockRecords);
    }

    /** Every {@link #putBlocks} call's returned transactions that were not empty, in order. */
    public synchronized List<List<PendingTransaction>> returned() {
        return List.copyOf(returned);
    }

    public synchronized List<PendingTransaction> pending() {
        return List.copyOf(pending);
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
    public synchronized StoredLedger open(Block genesis) {
        chain.add(genesis);
        work.add(Difficulty.work(genesis.difficulty()));
        heightByHash.put(genesis.hash(), 0L);
        for (Block block : initialBlocks) {
            index(block);
        }
        pending.addAll(initialPending);
        return new StoredLedger(entry(chain.size() - 1), initialPending, fullCheckDue);
    }

    @Override
    public synchronized void fullCheckPassed() {
        fullCheckDue = false;
    }

    /** Whether the store would still ask for a full check at the next start. */
    public synchronized boolean fullCheckDue() {
        return fullCheckDue;
    }

    private void index(Block block) {
        work.add(work.get(work.size() - 1).add(Difficulty.work(block.difficulty())));
        chain.add(block);
        heightByHash.put(block.hash(), block.index());
        block.transactions().forEach(tx -> heightByTransaction.put(tx.id(), block.index()));
    }

    private StoredBlock entry(int height) {
        return StoredBlock.of(chain.get(height), work.get(height));
    }

    @Override
    public synchronized List<StoredBlock> entries(long from, int limit) {
        List<StoredBlock> entries = new ArrayList<>();
        for (long h = from; h >= 0 && h < chain.size() && entries.size() < limit; h++) {
            entries.add(entry((int) h));
        }
        return entries;
    }

    @Override
    public synchronized List<Block> blocks(long from, int limit) {
        if (from < 0 || from >= chain.size() || limit <= 0) {
            return List.of();
        }
        return List.copyOf(chain.subList((int) from, (int) Math.min(chain.size(), from + limit)));
    }

    @Override
    public synchronized OptionalLong heightOf(String blockHash) {
        Long height = heightByHash.get(blockHash);
        return height == null ? OptionalLong.empty() : OptionalLong.of(height);
    }

    @Override
    public synchronized Map<String, Long> transactionHeights(Collection<String> transactionIds) {
        Map<String, Long> heights = new HashMap<>();
        for (String id : transactionIds) {
            Long height = heightByTransaction.get(id);
            if (height != null) {
                heights.put(id, height);
            }
        }
        return heights;
    }

    /** Found by walking the chain from genesis: a test's chain is short. */
    @Override
    public synchronized Map<String, SenderBinding> bindings(Collection<String> senders) {
        Map<String, SenderBinding> bound = new HashMap<>();
        for (Block block : chain) {
            for (Transaction transaction : block.transactions()) {
                if (transaction.isSigned() && senders.contains(transaction.sender())) {
                    bound.putIfAbsent(transaction.sender(), new SenderBinding(transaction.publicKey(), block.index()));
                }
            }
        }
        return bound;
    }

    @Override
    public synchronized Optional<TransactionLeaves> leaves(String transactionId) {
        Long height = heightByTransaction.get(transactionId);
        if (height == null) {
            return Optional.empty();
        }
        Block block = chain.get(Math.toIntExact(height));
        return Optional.of(new TransactionLeaves(height, block.hash(), block.transactionIds().indexOf(transactionId),
                MerkleTree.leafHashes(Hashes.leaves(block.transactionIds(),
                        block.transactions().stream().map(Transaction::signatureBytes).toList()))));
    }

    @Override
    public synchronized Optional<ConfirmedTransaction> transaction(String transactionId) {
        Long height = heightByTransaction.get(transactionId);
        if (height == null) {
            return Optional.empty();
        }
        return chain.get(Math.toIntExact(height)).transactions().stream().filter(tx -> tx.id().equals(transactionId))
                .findFirst().map(tx -> new ConfirmedTransaction(tx, height));
    }

    @Override
    public synchronized ChainReader reader() {
        List<Block> snapshot = List.copyOf(chain);
        ChainTip tip = entry(chain.size() - 1).tip();
        return new ChainReader() {
            @Override
            public ChainTip tip() {
                return tip;
            }

            @Override
            public List<Block> blocks(long from, int limit) {
                if (from < 0 || from >= snapshot.size()) {
                    return List.of();
                }
                return snapshot.subList((int) from, (int) Math.min(snapshot.size(), from + limit));
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public synchronized Durability appendPending(PendingTransaction transaction) {
        check();
        pending.add(transaction);
        return flushesAwaited::incrementAndGet;
    }

    @Override
    public Durability written() {
        return () -> {
            check();
            flushesAwaited.incrementAndGet();
        };
    }

    /** The next blocks stored are not durable until {@code released} counts down: a slow force. */
    public synchronized void holdNextForce(CountDownLatch released) {
        nextForce = released;
    }

    /** How many times a caller waited for its writes to be durable: one flush each, on a disk. */
    public int flushesAwaited() {
        return flushesAwaited.get();
    }

    @Override
    public synchronized StoredBlocks putBlocks(List<Block> blocks, List<PendingTransaction> returnedToPool) {
        check();
        blockRecords.add(List.copyOf(blocks));
        if (!returnedToPool.isEmpty()) {
            returned.add(List.copyOf(returnedToPool));
        }
        int first = Math.toIntExact(blocks.get(0).index());
        for (Block removed : chain.subList(first, chain.size())) {
            heightByHash.remove(removed.hash());
            removed.transactions().forEach(tx -> heightByTransaction.remove(tx.id()));
        }
        chain.subList(first, chain.size()).clear();
        work.subList(first, work.size()).clear();
        List<StoredBlock> entries = new ArrayList<>();
        for (Block block : blocks) {
            index(block);
            entries.add(entry(chain.size() - 1));
        }
        CountDownLatch force = nextForce;
        nextForce = null;
        return new StoredBlocks(entries, () -> {
            if (force != null) {
                try {
                    force.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    @Override
    public synchronized boolean needsCompaction(int livePending) {
        return pending.size() > compactAbove;
    }

    @Override
    public synchronized Rewrite beginRewrite(List<PendingTransaction> pool) {
        check();
        int mark = pending.size();
        return new Rewrite() {
            @Override
            public void write() {
                check();
            }

            @Override
            public void finish() {
                synchronized (InMemoryLedgerStore.this) {
                    check();
                    pendingRewrites++;
                    List<PendingTransaction> since = new ArrayList<>(pending.subList(mark, pending.size()));
                    pending.clear();
                    pending.addAll(pool);
                    pending.addAll(since);
                }
            }

            @Override
            public void abandon() {
            }
        };
    }
}
