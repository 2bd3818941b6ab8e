package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockContext;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.meshchain.ledger.rules.RuleViolation;
import io.meshchain.ledger.rules.TransactionRules;
import io.meshchain.pow.Difficulty;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The single owner of the node's chain and pending pool. Every change is one atomic step under one
 * lock: accepting a transaction, appending a block, replacing the chain. Readers share the lock,
 * so they always see a consistent ledger. Each change is recorded in the {@link LedgerStore} before
 * it becomes visible; events are published after the lock is released.
 */
@Service
public class ChainService {

    private static final Logger log = LoggerFactory.getLogger(ChainService.class);

    private final LedgerParameters parameters;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final LedgerStore store;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Chain chain;
    private final PendingPool pool = new PendingPool();
    private final Block genesis;
    private volatile long version;

    /**
     * Restores the ledger from {@code store}: every stored block is checked by the same rules as a
     * peer's block, the pool is rebuilt without transactions the chain holds, and the store is
     * compacted to exactly that state. A stored block that breaks a rule stops the node rather than
     * throwing away data (it means the settings changed, e.g. another difficulty).
     *
     * @throws StoredChainInvalidException when a stored block breaks a rule
     */
    public ChainService(LedgerParameters parameters, Clock clock, ApplicationEventPublisher events, LedgerStore store) {
        this.parameters = parameters;
        this.clock = clock;
        this.events = events;
        this.store = store;
        this.genesis = Genesis.block(parameters.difficulty());
        this.chain = new Chain(genesis);
        restore(store.load());
    }

    private void restore(StoredLedger stored) {
        Predicate<String> inChain = id -> chain.heightOfTransaction(id) >= 0;
        for (Block block : stored.blocks()) {
            try {
                BlockValidator.validate(block, context(chain.tip(), inChain));
            } catch (BlockRejectedException e) {
                throw new StoredChainInvalidException(e);
            }
            chain.append(block);
        }
        long now = clock.millis();
        for (PendingTransaction pending : stored.pending()) {
            Transaction transaction = pending.transaction();
            if (!inChain.test(transaction.id()) && TransactionRules.check(transaction, now).isEmpty()) {
                pool.add(pending);
            }
        }
        store.rewrite(chain.range(1, Integer.MAX_VALUE), pool.entries());
    }

    public LedgerParameters parameters() {
        return parameters;
    }

    public Block genesis() {
        return genesis;
    }

    /**
     * Grows whenever work on a mining template may have gone stale: the tip moved or a transaction
     * left the pool. A miner compares it with {@link MiningTemplate#ledgerVersion()}.
     */
    public long version() {
        return version;
    }

    // ---- transactions -------------------------------------------------------------------------

    /**
     * Accepts a transaction into the pending pool. Submitting a transaction this node already knows,
     * pending or confirmed, is not an error: it answers the stored one.
     *
     * @param relayedBy node id of the relaying peer, or null for a client's submission
     * @throws InvalidTransactionException when it breaks a transaction rule
     * @throws PoolFullException           when the pool is at capacity
     * @throws StorageException            when it cannot be made durable; it is not acknowledged then
     */
    public Submission submit(Transaction transaction, String relayedBy) {
        long now = clock.millis();
        List<RuleViolation> violations = TransactionRules.check(transaction, now);
        if (!violations.isEmpty()) {
            throw new InvalidTransactionException(violations);
        }
        Submission known = null;
        LedgerStore.Durability durability;
        lock.writeLock().lock();
        try {
            Optional<TransactionStatus> status = statusLocked(transaction.id());
            if (status.isPresent()) {
                known = new Submission(status.get(), false);
                durability = store.written();
            } else {
                if (pool.size() >= parameters.poolCapacity()) {
                    throw new PoolFullException(parameters.poolCapacity());
                }
                PendingTransaction pending = new PendingTransaction(transaction, now);
                durability = store.appendPending(pending);
                pool.add(pending);
            }
        } finally {
            lock.writeLock().unlock();
        }
        // Outside the lock, so that many submissions share one flush (group commit). If the flush
        // fails, the transaction stays pending here but is not acknowledged; a retry is answered
        // only once a flush succeeds.
        durability.await();
        if (known != null) {
            return known;
        }
        events.publishEvent(new TransactionAccepted(transaction, relayedBy));
        return new Submission(TransactionStatus.pending(transaction), true);
    }

    public Optional<TransactionStatus> status(String transactionId) {
        return read(() -> statusLocked(transactionId));
    }

    private Optional<TransactionStatus> statusLocked(String transactionId) {
        long height = chain.heightOfTransaction(transactionId);
        if (height >= 0) {
            Block block = chain.at(height);
            Transaction transaction = block.transactions().stream()
                    .filter(tx -> tx.id().equals(transactionId)).findFirst().orElseThrow();
            return Optional.of(new TransactionStatus(transaction, true, height, block.hash(), chain.height() - height + 1));
        }
        return pool.get(transactionId).map(TransactionStatus::pending);
    }

    /** The pending pool, oldest first. */
    public List<Transaction> pending() {
        return read(pool::all);
    }

    public int pendingCount() {
        return read(pool::size);
    }

    // ---- chain reads --------------------------------------------------------------------------

    public ChainTip tip() {
        return read(chain::tipSummary);
    }

    /** Blocks with {@code from <= index < from + limit}, with the height and work they belong to. */
    public ChainPage page(long from, int limit) {
        return read(() -> new ChainPage(chain.height(), chain.totalWork(), chain.range(from, limit)));
    }

    public Optional<Block> block(String hash) {
        return read(() -> chain.byHash(hash));
    }

    /** Hash of this node's block at {@code height}, if the chain is that tall. */
    public Optional<String> hashAt(long height) {
        return read(() -> height >= 0 && height <= chain.height() ? Optional.of(chain.at(height).hash()) : Optional.empty());
    }

    // ---- mining -------------------------------------------------------------------------------

    /** The template for the next block, with whatever is pending (possibly nothing). */
    public MiningTemplate template() {
        return read(this::templateLocked);
    }

    /**
     * The template for the next block when one is due: the pool holds a full block, or its oldest
     * transaction has waited {@link LedgerParameters#maxWait()}. Empty otherwise: no empty blocks.
     */
    public Optional<MiningTemplate> dueTemplate() {
        return read(() -> {
            OptionalLong since = pool.oldestWaitingSince();
            if (since.isEmpty()) {
                return Optional.empty();
            }
            boolean full = pool.size() >= parameters.maxTransactions();
            boolean waitedLongEnough = clock.millis() - since.getAsLong() >= parameters.maxWait().toMillis();
            return full || waitedLongEnough ? Optional.of(templateLocked()) : Optional.empty();
        });
    }

    /** Runs {@code reader} under the shared lock: it sees the ledger between two changes, never during one. */
    private <T> T read(Supplier<T> reader) {
        lock.readLock().lock();
        try {
            return reader.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private MiningTemplate templateLocked() {
        Block tip = chain.tip();
        long timestamp = Math.max(clock.millis(), tip.timestamp());
        return new MiningTemplate(tip.index() + 1, tip.hash(), tip.proof(), parameters.difficulty(), timestamp,
                pool.oldest(parameters.maxTransactions()), version);
    }

    /**
     * Appends a block this node's miner sealed on top of the tip.
     *
     * @throws StaleWorkException     when the tip moved or a transaction is no longer pending
     * @throws BlockRejectedException when the block breaks a rule (a miner bug, never expected)
     */
    public Block appendMined(Block block) throws BlockRejectedException {
        return appendOnTip(block, ChainAdvanced.Cause.MINED);
    }

    /**
     * Seals and appends the block an external miner describes.
     *
     * @throws StaleWorkException     when the tip moved or a transaction is no longer pending
     * @throws BlockRejectedException when the proof does not meet the difficulty, or another rule fails
     */
    public Block submitProof(ProofSubmission submission) throws BlockRejectedException {
        List<Transaction> transactions = new ArrayList<>(submission.transactionIds().size());
        lock.readLock().lock();
        try {
            for (String id : submission.transactionIds()) {
                transactions.add(pool.get(id).orElseThrow(() -> new StaleWorkException(
                        "transaction " + id + " is not pending on this node")));
            }
        } finally {
            lock.readLock().unlock();
        }
        Block block = Block.seal(Block.header(submission.index(), submission.timestamp(), submission.previousHash(),
                parameters.difficulty(), transactions, submission.proof()), transactions);
        return appendOnTip(block, ChainAdvanced.Cause.PROOF_SUBMITTED);
    }

    private Block appendOnTip(Block block, ChainAdvanced.Cause cause) throws BlockRejectedException {
        ChainTip newTip;
        lock.writeLock().lock();
        try {
            Block tip = chain.tip();
            if (block.index() != tip.index() + 1 || !block.previousHash().equals(tip.hash())) {
                throw new StaleWorkException("the tip is now block " + tip.index() + " " + tip.hash());
            }
            for (Transaction transaction : block.transactions()) {
                if (!pool.contains(transaction.id())) {
                    throw new StaleWorkException("transaction " + transaction.id() + " is no longer pending");
                }
            }
            BlockValidator.validate(block, context(tip, id -> chain.heightOfTransaction(id) >= 0));
            store.putBlocks(List.of(block));
            chain.append(block);
            pool.removeAll(block.transactions());
            version++;
            newTip = chain.tipSummary();
            compactIfWorthwhile();
        } finally {
            lock.writeLock().unlock();
        }
        events.publishEvent(new ChainAdvanced(newTip, List.of(block), List.of(), cause));
        return block;
    }

    // ---- fork choice --------------------------------------------------------------------------

    /** The outcome of offering a peer's blocks. */
    public enum Adoption {
        /** The peer's chain was better, valid, and is now this node's chain. */
        ADOPTED,
        /** The peer's chain is not strictly better than this node's; nothing changed. */
        NOT_BETTER,
        /** The blocks do not attach to this node's chain (it moved meanwhile); nothing changed. */
        NOT_CONNECTED
    }

    /**
     * Offers a peer's chain from the block after the common ancestor to its tip. When that chain is
     * strictly better by {@link ForkChoice} and every block keeps every rule, it replaces this node's
     * blocks above the ancestor in one atomic step. Transactions of the abandoned blocks that the new
     * chain lacks go back to the pending pool, so no accepted transaction is lost.
     *
     * @param suffix contiguous blocks, lowest first; the first one's parent is the common ancestor
     * @throws BlockRejectedException naming the first rule a block breaks; nothing changed then
     */
    public Adoption adopt(List<Block> suffix) throws BlockRejectedException {
        if (suffix.isEmpty()) {
            return Adoption.NOT_BETTER;
        }
        ChainAdvanced event;
        lock.writeLock().lock();
        try {
            long ancestorHeight = suffix.get(0).index() - 1;
            if (ancestorHeight < 0 || ancestorHeight > chain.height()
                    || !chain.at(ancestorHeight).hash().equals(suffix.get(0).previousHash())) {
                return Adoption.NOT_CONNECTED;
            }
            Block candidateTip = suffix.get(suffix.size() - 1);
            // Counted at the network's difficulty, whatever the blocks claim: a block claiming
            // another difficulty is refused by the rules below, and a claimed 2^31 bits of work
            // must not be computed at all.
            BigInteger candidateWork = chain.workAt(ancestorHeight)
                    .add(Difficulty.work(parameters.difficulty()).multiply(BigInteger.valueOf(suffix.size())));
            ChainTip candidate = new ChainTip(candidateTip.index(), candidateTip.hash(), candidateTip.timestamp(),
                    candidateWork);
            if (!ForkChoice.isBetter(candidate, chain.tipSummary())) {
                return Adoption.NOT_BETTER;
            }
            validateSuffix(suffix, ancestorHeight);
            store.putBlocks(suffix);
            event = replaceAbove(ancestorHeight, suffix);
            compactIfWorthwhile();
        } finally {
            lock.writeLock().unlock();
        }
        events.publishEvent(event);
        return Adoption.ADOPTED;
    }

    private void validateSuffix(List<Block> suffix, long ancestorHeight) throws BlockRejectedException {
        Set<String> inSuffix = new HashSet<>();
        Predicate<String> alreadyInChain = id -> {
            long height = chain.heightOfTransaction(id);
            return (height >= 0 && height <= ancestorHeight) || inSuffix.contains(id);
        };
        Block parent = chain.at(ancestorHeight);
        for (Block block : suffix) {
            BlockValidator.validate(block, context(parent, alreadyInChain));
            inSuffix.addAll(block.transactionIds());
            parent = block;
        }
    }

    private ChainAdvanced replaceAbove(long ancestorHeight, List<Block> suffix) {
        List<Block> removed = chain.truncateAbove(ancestorHeight);
        for (Block block : suffix) {
            chain.append(block);
            pool.removeAll(block.transactions());
        }
        List<PendingTransaction> orphaned = new ArrayList<>();
        for (Block block : removed) {
            for (Transaction transaction : block.transactions()) {
                if (chain.heightOfTransaction(transaction.id()) < 0) {
                    orphaned.add(new PendingTransaction(transaction, block.timestamp()));
                }
            }
        }
        pool.returnToFront(orphaned);
        version++;
        return new ChainAdvanced(chain.tipSummary(), suffix, removed, ChainAdvanced.Cause.ADOPTED);
    }

    /** Rewrites the pool's record once it holds mostly transactions that have since been mined. */
    private void compactIfWorthwhile() {
        if (store.pendingNeedsCompaction(pool.size())) {
            try {
                store.rewritePending(pool.entries());
            } catch (StorageException e) {
                // The old files are intact and complete; compaction is tried again after the next block.
                log.warn("Could not compact the ledger's files: {}", e.getMessage());
            }
        }
    }

    private BlockContext context(Block parent, Predicate<String> alreadyInChain) {
        return new BlockContext(parent, parameters.difficulty(), parameters.maxTransactions(), clock.millis(),
                alreadyInChain);
    }
}
