package io.meshchain.ledger;

import io.meshchain.crypto.Hex;
import io.meshchain.crypto.MerkleTree;
import io.meshchain.ledger.rules.BlockContext;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.meshchain.ledger.rules.MedianTimePast;
import io.meshchain.ledger.rules.RuleViolation;
import io.meshchain.ledger.rules.SenderKeys;
import io.meshchain.ledger.rules.TransactionRules;
import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.StoredChainCheck;
import io.meshchain.wire.Paging;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The single owner of the node's chain and pending pool. Every change is one atomic step under one
 * lock: accepting a transaction, appending a block, replacing the chain. Readers share the lock,
 * so they always see a consistent ledger. Each change is recorded in the {@link LedgerStore} before
 * it becomes visible; events are published after the lock is released.
 * <p>
 * The chain itself is on disk, indexed by the store; memory holds its tip region ({@link Chain}) and
 * the pending pool, so neither memory nor start-up grows with the chain.
 */
@Service
public class ChainService {

    private static final Logger log = LoggerFactory.getLogger(ChainService.class);

    /** Blocks at the tip checked again at every start, by every rule and against the index. */
    static final int TAIL_CHECK_BLOCKS = 12;
    /**
     * Most transactions offered in one batch: 256 of the largest a client may send fit well within
     * the 256 KiB body limit of a request.
     */
    public static final int MAX_BATCH = 256;
    /**
     * The least time a transaction's timestamp must be in the past before this node's miner takes it:
     * relays on a quiet network reach every peer well within it, so nodes racing for a height hold the
     * same transactions and build the same block ({@link #dueTemplate()}). Where relays come later,
     * the node waits longer ({@link #settleMillis()}).
     */
    public static final long MIN_SETTLE_MILLIS = 200;
    /** The longest a node lets transactions settle: beyond, confirmations would wait on one slow relay. */
    public static final long MAX_SETTLE_MILLIS = 1_000;
    /** How much longer than the slowest recent relay a node lets transactions settle. */
    static final long SETTLE_HEADROOM_MILLIS = 100;

    private final LedgerParameters parameters;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final LedgerStore store;
    private final RelayLag relayLag = new RelayLag();
    /** Whether a compaction of the pool's record runs: one at a time. */
    private final AtomicBoolean compacting = new AtomicBoolean();
    /** Signed transactions in a suffix from which their signatures are verified on every core, before the lock. */
    static final int PARALLEL_VERIFICATION = 16;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Chain chain;
    private final PendingPool pool = new PendingPool();
    private final Admission admission;
    private final BlockSchedule schedule;
    private final Block genesis;
    private volatile long version;
    /** Changes of the chain made, under the write lock: each change's place in the order of announcements. */
    private long changesMade;
    /** Changes of the chain announced to listeners, guarded by {@link #announcing}. */
    private long changesAnnounced;
    private final Object announcing = new Object();

    /**
     * Opens the ledger in {@code store}: the blocks at the tip are checked by the same rules as a
     * peer's block and against the store's index (the whole chain when the settings ask for it, or
     * when the store had to rebuild its index), and the pool is rebuilt without transactions the
     * chain holds. A stored block that breaks a rule stops the node rather than throwing away data (it
     * means the settings changed, e.g. another difficulty).
     *
     * @throws StoredChainInvalidException when a stored block breaks a rule
     */
    public ChainService(LedgerParameters parameters, Clock clock, ApplicationEventPublisher events, LedgerStore store) {
        this.parameters = parameters;
        this.clock = clock;
        this.events = events;
        this.store = store;
        this.genesis = Genesis.block(parameters.difficulty());
        this.admission = new Admission(parameters.targetWait());
        this.schedule = new BlockSchedule(parameters.blockInterval());
        StoredLedger stored = store.open(genesis);
        this.chain = new Chain(store, stored.tip());
        check(stored);
        restorePool(stored.pending());
    }

    private void check(StoredLedger stored) {
        long height = chain.height();
        ChainVerifier verifier = new ChainVerifier(store, parameters, clock.millis(), genesis.hash());
        if (stored.fullCheckDue() || parameters.startupCheck() == StoredChainCheck.FULL) {
            log.info("Checking every block of the stored chain, {} blocks{}", height,
                    stored.fullCheckDue() ? ", since its index was built anew" : "");
            long start = System.nanoTime();
            verifier.verify(1, height);
            log.info("Every stored block keeps every rule and agrees with the index ({} blocks in {} ms)", height,
                    (System.nanoTime() - start) / 1_000_000);
            if (stored.fullCheckDue()) {
                store.fullCheckPassed();
            }
        } else if (height > 0) {
            verifier.verify(Math.max(1, height - TAIL_CHECK_BLOCKS + 1), height);
        }
    }

    private void restorePool(List<PendingTransaction> stored) {
        long now = clock.millis();
        Set<String> confirmed = chain.transactionHeights(stored.stream().map(p -> p.transaction().id()).toList())
                .keySet();
        ChainBindings bindings = new ChainBindings(chain.height());
        bindings.prefetch(stored.stream().map(p -> p.transaction().sender()).collect(Collectors.toSet()));
        for (PendingTransaction pending : stored) {
            Transaction transaction = pending.transaction();
            if (!confirmed.contains(transaction.id()) && TransactionRules.check(transaction, now).isEmpty()
                    && bindings.admits(transaction) && (transaction.isSigned() || !parameters.signaturesRequired())) {
                pool.add(pending);
            }
        }
        compactIfWorthwhile();
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
     * @throws PushbackException           when the pool does not take it now: it is at capacity, the
     *                                     network is behind, or the sender has too many pending
     * @throws StorageException            when it cannot be made durable; it is not acknowledged then
     */
    public Submission submit(Transaction transaction, String relayedBy) {
        return submit(transaction, RelayedBy.of(relayedBy), null);
    }

    /**
     * Accepts a transaction as {@link #submit(Transaction, String)} does, relayed by a peer that says
     * where else it relays it, and from which cutoff a block may take it
     * ({@link PendingTransaction#eligibleFrom()}).
     *
     * @param relayedBy    the relaying peer, or null for a client's submission
     * @param eligibleFrom what the relaying node said, or null for a client's submission
     */
    public Submission submit(Transaction transaction, RelayedBy relayedBy, Long eligibleFrom) {
        long now = clock.millis();
        List<RuleViolation> violations = TransactionRules.check(transaction, now);
        if (!violations.isEmpty()) {
            throw new InvalidTransactionException(violations);
        }
        boolean verified = !knownSigned(List.of(transaction)).contains(transaction.id());
        if (verified) {
            violations = signatureViolations(transaction);
            if (!violations.isEmpty()) {
                throw new InvalidTransactionException(violations);
            }
        }
        Submission known = null;
        Pushback pushback = null;
        RuleViolation refusal = null;
        Added added = null;
        LedgerStore.Durability durability = null;
        lock.writeLock().lock();
        try {
            Optional<TransactionStatus> status = statusLocked(transaction.id());
            if (status.isPresent()) {
                known = new Submission(status.get(), false);
                durability = store.written();
                if (eligibleFrom != null) {
                    pool.relayedAgain(transaction, eligibleFrom);
                }
            } else {
                refusal = refusalLocked(transaction, verified, chain.bindings(List.of(transaction.sender())));
                pushback = refusal == null ? pushbackLocked(transaction, now, relayedBy != null) : null;
                if (refusal == null && pushback == null) {
                    added = addLocked(transaction, now, eligibleFrom);
                    durability = added.durability();
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        if (refusal != null) {
            throw new InvalidTransactionException(List.of(refusal));
        }
        if (pushback != null) {
            events.publishEvent(new TransactionsRefused(pushback.rule(), 1));
            throw new PushbackException(pushback);
        }
        // Outside the lock, so that many submissions share one flush (group commit). If the flush
        // fails, the transaction stays pending here but is not acknowledged; a retry is answered
        // only once a flush succeeds.
        durability.await();
        if (known != null) {
            return known;
        }
        events.publishEvent(new TransactionAccepted(transaction, relayedBy, added.pending().eligibleFrom()));
        return new Submission(TransactionStatus.pending(transaction), true);
    }

    /**
     * Accepts a batch of transactions into the pending pool, as {@link #submit} accepts one, with one
     * flush for the whole batch: what a peer relaying many transactions at once needs. Each is taken or
     * refused on its own; none is an error for the others.
     *
     * @param relayedBy node id of the relaying peer, or null for a client's submission
     * @throws StorageException when the batch cannot be made durable; none of it is acknowledged then
     */
    public BatchSubmission submitAll(List<Transaction> transactions, String relayedBy) {
        return submitAll(transactions, RelayedBy.of(relayedBy), Map.of());
    }

    /**
     * Accepts a batch as {@link #submitAll(List, String)} does, relayed by a peer that says where else
     * it relays them and, for some of its transactions, from which cutoff a block may take them
     * ({@link PendingTransaction#eligibleFrom()}).
     *
     * @param relayedBy    the relaying peer, or null for a client's batch
     * @param eligibleFrom what the relaying node said, by transaction id; empty for a client's batch
     */
    public BatchSubmission submitAll(List<Transaction> transactions, RelayedBy relayedBy,
                                     Map<String, Long> eligibleFrom) {
        if (transactions.size() > MAX_BATCH) {
            throw new IllegalArgumentException(transactions.size() + " transactions in one batch; at most " + MAX_BATCH);
        }
        long now = clock.millis();
        List<BatchSubmission.Refusal> refused = new ArrayList<>();
        List<Transaction> valid = new ArrayList<>(transactions.size());
        List<Integer> positions = new ArrayList<>(transactions.size());
        for (int i = 0; i < transactions.size(); i++) {
            List<RuleViolation> violations = TransactionRules.check(transactions.get(i), now);
            if (violations.isEmpty()) {
                valid.add(transactions.get(i));
                positions.add(i);
            } else {
                refused.add(refusal(i, violations.get(0)));
            }
        }
        // Signatures are verified only for what this node does not know yet: a peer relays what others relayed too.
        Set<String> knownSigned = knownSigned(valid);
        Set<String> verified = new HashSet<>();
        for (int i = valid.size() - 1; i >= 0; i--) {
            Transaction transaction = valid.get(i);
            if (knownSigned.contains(transaction.id())) {
                continue;
            }
            List<RuleViolation> violations = signatureViolations(transaction);
            if (violations.isEmpty()) {
                verified.add(transaction.id());
            } else {
                refused.add(refusal(positions.get(i), violations.get(0)));
                valid.remove(i);
                positions.remove(i);
            }
        }
        List<PendingTransaction> accepted = new ArrayList<>(valid.size());
        Map<String, Integer> pushedBack = new TreeMap<>();
        int known = 0;
        LedgerStore.Durability durability = null;
        lock.writeLock().lock();
        try {
            // The chain's index is asked about the whole batch at once, as sync asks about a page.
            Map<String, Long> confirmed = chain.transactionHeights(valid.stream().map(Transaction::id).toList());
            Map<String, SenderBinding> bound = chain.bindings(valid.stream().map(Transaction::sender)
                    .collect(Collectors.toSet()));
            Set<String> inBatch = new HashSet<>();
            for (int i = 0; i < valid.size(); i++) {
                Transaction transaction = valid.get(i);
                String id = transaction.id();
                Pushback pushback;
                RuleViolation refusal;
                if (!inBatch.add(id) || pool.contains(id) || confirmed.containsKey(id)) {
                    known++;
                    Long relayedEligibleFrom = eligibleFrom.get(id);
                    if (relayedEligibleFrom != null) {
                        pool.relayedAgain(transaction, relayedEligibleFrom);
                    }
                } else if ((refusal = refusalLocked(transaction, verified.contains(id), bound)) != null) {
                    refused.add(refusal(positions.get(i), refusal));
                } else if ((pushback = pushbackLocked(transaction, now, relayedBy != null)) != null) {
                    refused.add(new BatchSubmission.Refusal(positions.get(i), pushback.rule(), pushback.detail()));
                    pushedBack.merge(pushback.rule(), 1, Integer::sum);
                } else {
                    Added added = addLocked(transaction, now, eligibleFrom.get(id));
                    durability = added.durability();
                    accepted.add(added.pending());
                }
            }
            if (durability == null) {
                durability = store.written();
            }
        } finally {
            lock.writeLock().unlock();
        }
        // One flush covers every record appended above: they are in one log, in order.
        durability.await();
        accepted.forEach(pending -> events.publishEvent(new TransactionAccepted(pending.transaction(), relayedBy,
                pending.eligibleFrom())));
        pushedBack.forEach((rule, count) -> events.publishEvent(new TransactionsRefused(rule, count)));
        refused.sort(Comparator.comparingInt(BatchSubmission.Refusal::index));
        return new BatchSubmission(accepted.size(), known, refused);
    }

    /**
     * Why the pool does not take this new transaction now, or null when it does: the pool is at
     * capacity, the network is behind ({@link Admission}), or the sender has its limit pending. A
     * relay from a recognised peer ({@code relayed}) is not pushed back for the network being behind:
     * that peer acknowledged the transaction already, so the network owes it, and refusing the relay
     * would only leave it in one pool, where the blocks of the other nodes, sealed at the same
     * cutoff, miss it and differ (measured: a burst of ten times the capacity had 18% of its blocks
     * orphaned, and the transactions acknowledged by one node only waited for the blocks that node
     * won). The pool's capacity and the sender's limit bind relays as they bind clients.
     */
    private Pushback pushbackLocked(Transaction transaction, long now, boolean relayed) {
        if (pool.size() >= parameters.poolCapacity()) {
            return Pushback.poolFull(parameters.poolCapacity());
        }
        OptionalLong backlog = relayed ? OptionalLong.empty() : admission.refusal(now, pool.size(), overdueLocked(now));
        if (backlog.isPresent()) {
            return Pushback.backlog(backlog.getAsLong());
        }
        if (pool.countFrom(transaction.sender()) >= parameters.senderLimit()) {
            return Pushback.senderLimit(transaction.sender(), parameters.senderLimit(),
                    admission.secondsToConfirm(now, pool.size()));
        }
        return null;
    }

    /**
     * How long the pool has held a due block that is not yet mined ({@link #dueAtLocked}); zero or less
     * when no block is due. A transaction stamped ahead of the clock (up to the two minutes allowed)
     * is not due before its time, so it never makes the node count itself behind.
     * <p>
     * With a block interval, blocks keep coming on time however far behind the network is, each full,
     * so the next block's due time alone never says so. What does is the earliest pending
     * transaction: it goes into the first block whose cutoff is at or after the moment it may go in
     * ({@link PendingTransaction#eligibleFrom()}), an interval later at most, due a settle margin after
     * that. Pending past then, it did not fit, or no block came. (A relay that reached this node after
     * that block was sealed elsewhere makes it an interval late; admission lets more than that pass.)
     * <p>
     * Without an interval, on every submission, it first takes a bound that costs no walk of the pool:
     * no block is due before the earliest-stamped transaction has settled, nor before the oldest
     * arrived (and waited {@code max-wait}, unless a full block is pending). Only when that bound says
     * overdue by more than admission control lets pass is the due time worked out.
     */
    private long overdueLocked(long now) {
        OptionalLong since = pool.oldestWaitingSince();
        if (since.isEmpty()) {
            return 0;
        }
        if (schedule.hasInterval()) {
            long dueAtLatest = pool.earliestEligible().getAsLong() + schedule.intervalMillis() + settleMillis();
            return now - Math.min(dueAtLatest, dueAtLocked().getAsLong());
        }
        long notBefore = pool.earliestTimestamp().getAsLong() + settleMillis();
        long waited = pool.size() >= parameters.maxTransactions() ? 0 : parameters.maxWait().toMillis();
        notBefore = Math.max(since.getAsLong() + waited, notBefore);
        // Compared so that nothing wraps around: a transaction may be stamped long ago.
        if (notBefore >= now - admission.overdueTolerated()) {
            return now - notBefore;
        }
        return now - dueAtLocked().getAsLong();
    }

    /**
     * When a block is due if no transaction arrives meanwhile, epoch milliseconds; empty when nothing
     * is pending. With a block interval: once the block's cutoff ({@link BlockSchedule#cutoff}) has
     * passed by the settle margin. Without: once the transactions of a full block have arrived and
     * settled, or once the oldest has waited {@code max-wait} and one has settled. What the miner waits
     * for ({@link #dueTemplate}, {@link #nextDueIn}) and what admission control counts as late.
     */
    private OptionalLong dueAtLocked() {
        if (pool.isEmpty()) {
            return OptionalLong.empty();
        }
        long settle = settleMillis();
        if (schedule.hasInterval()) {
            return OptionalLong.of(nextCutoffLocked() + settle);
        }
        long oldestWaiting = pool.oldestWaitingSince().getAsLong();
        // What the template would take, one key per name: a full block only of what can go together.
        List<Transaction> block = blockTransactionsLocked(Long.MAX_VALUE);
        long newest = block.stream().mapToLong(Transaction::timestamp).max().orElse(Long.MAX_VALUE - settle);
        long full = block.size() == parameters.maxTransactions() ? Math.max(oldestWaiting, newest + settle)
                : Long.MAX_VALUE;
        long waited = Math.max(oldestWaiting + parameters.maxWait().toMillis(),
                pool.earliestTimestamp().getAsLong() + settle);
        return OptionalLong.of(Math.min(full, waited));
    }

    /**
     * How long after a block's cutoff this node waits before it mines the block, in milliseconds: the
     * slowest relay of the last ten seconds ({@link RelayLag}) and {@link #SETTLE_HEADROOM_MILLIS}
     * more, between {@link #MIN_SETTLE_MILLIS} and {@link #MAX_SETTLE_MILLIS}. Without a block
     * interval, how long a transaction's timestamp must be past before a block takes it.
     */
    public long settleMillis() {
        long slowest = relayLag.slowestRecent(clock.millis());
        return Math.min(MAX_SETTLE_MILLIS, Math.max(MIN_SETTLE_MILLIS, slowest + SETTLE_HEADROOM_MILLIS));
    }

    /**
     * With a block interval, the cutoff (and timestamp) of the next block on this node's tip
     * ({@link BlockSchedule#cutoff}): after the earliest moment a pending transaction may go into a
     * block, or after now when nothing is pending.
     */
    private long nextCutoffLocked() {
        return schedule.cutoff(chain.tip().timestamp(), pool.earliestEligible().orElse(clock.millis()));
    }

    /** Appends a new transaction to the pool's journal and to the pool; durable once the answer is awaited. */
    private Added addLocked(Transaction transaction, long now, Long relayedEligibleFrom) {
        PendingTransaction pending = new PendingTransaction(transaction, now,
                PendingTransaction.eligibleOnArrival(transaction, now, relayedEligibleFrom));
        if (relayedEligibleFrom != null) {
            relayLag.record(now, pending.eligibleFrom());
        }
        LedgerStore.Durability durability = store.appendPending(pending);
        pool.add(pending);
        return new Added(pending, durability);
    }

    /** A transaction taken into the pool, and the wait until its record is on disk. */
    private record Added(PendingTransaction pending, LedgerStore.Durability durability) {
    }

    /** The key {@code sender} is bound to by this node's chain, if it is. */
    public Optional<SenderBinding> binding(String sender) {
        return read(() -> Optional.ofNullable(chain.bindings(List.of(sender)).get(sender)));
    }

    /**
     * The inclusion proof of a confirmed transaction; empty when this node's chain does not hold it
     * (a pending one included: see {@link #status}).
     */
    public Optional<InclusionProof> inclusionProof(String transactionId) {
        return read(() -> chain.leaves(transactionId)).map(found -> new InclusionProof(transactionId, found.height(),
                found.blockHash(), found.position(), found.leafHashes().size(),
                Hex.encode(MerkleTree.rootOfLeafHashes(found.leafHashes())),
                MerkleTree.auditPathOfLeafHashes(found.leafHashes(), found.position()).stream().map(Hex::encode)
                        .toList()));
    }

    public Optional<TransactionStatus> status(String transactionId) {
        return read(() -> statusLocked(transactionId));
    }

    private Optional<TransactionStatus> statusLocked(String transactionId) {
        Optional<Transaction> pending = pool.get(transactionId);
        if (pending.isPresent()) {
            return Optional.of(TransactionStatus.pending(pending.get()));
        }
        return chain.transaction(transactionId).map(confirmed -> new TransactionStatus(confirmed.transaction(), true,
                confirmed.height(), chain.entry(confirmed.height()).hash(), chain.height() - confirmed.height() + 1));
    }

    /** A page of the pending pool, oldest first, with the pool's size at that moment. */
    public PendingPage pending(int offset, int limit) {
        return read(() -> new PendingPage(pool.size(), offset, pool.page(offset, limit)));
    }

    public int pendingCount() {
        return read(pool::size);
    }

    /** Transactions per second this node's chain confirmed over the last ten seconds; empty when none. */
    public OptionalLong confirmationRate() {
        return admission.ratePerSecond(clock.millis());
    }

    // ---- chain reads --------------------------------------------------------------------------

    public ChainTip tip() {
        return read(chain::tipSummary);
    }

    /** Blocks with {@code from <= index < from + limit}, with the height and work they belong to. */
    public ChainPage page(long from, int limit) {
        return read(() -> new ChainPage(chain.height(), chain.tipSummary().totalWork(), chain.range(from, limit)));
    }

    /**
     * The chain as it is now, to be read a page at a time without holding up the ledger: later
     * blocks and reorganisations do not show through. Close it after use.
     */
    public ChainReader reader() {
        return read(store::reader);
    }

    public Optional<Block> block(String hash) {
        return read(() -> chain.byHash(hash));
    }

    /**
     * The work of every valid chain whose tip is at {@code height}: each block, genesis included,
     * carries the network's difficulty, so work and height go together. A peer that advertises other
     * work for its height advertises a chain that cannot exist.
     */
    public BigInteger workOfHeight(long height) {
        return Difficulty.work(parameters.difficulty()).multiply(BigInteger.valueOf(height + 1));
    }

    /** This node's entry at {@code height} (hash, timestamp, work up to it), if the chain is that tall. */
    public Optional<StoredBlock> entryAt(long height) {
        return read(() -> height >= 0 && height <= chain.height() ? Optional.of(chain.entry(height))
                : Optional.empty());
    }

    /** Hash of this node's block at {@code height}, if the chain is that tall. */
    public Optional<String> hashAt(long height) {
        return read(() -> height >= 0 && height <= chain.height() ? Optional.of(chain.entry(height).hash())
                : Optional.empty());
    }

    // ---- mining -------------------------------------------------------------------------------

    /**
     * The template for the next block, with whatever is pending (possibly nothing), in canonical order:
     * what an external miner works on. With a block interval, it takes what is stamped up to the
     * cutoff the node's own miner would use, and is stamped with it.
     */
    public MiningTemplate template() {
        return read(() -> {
            if (!schedule.hasInterval()) {
                return templateLocked(blockTransactionsLocked(Long.MAX_VALUE));
            }
            long cutoff = nextCutoffLocked();
            return templateLocked(cutoffTransactionsLocked(cutoff), cutoff);
        });
    }

    /**
     * The template for the next block when one is due, empty otherwise (no empty blocks). With a block
     * interval: once the block's cutoff has passed by the settle margin, with what is stamped up to the
     * cutoff ({@link BlockSchedule}). Without: when the pool holds a full block of transactions that
     * have settled, or its oldest transaction has waited {@link LedgerParameters#maxWait()} (then
     * whatever has settled).
     */
    public Optional<MiningTemplate> dueTemplate() {
        return read(() -> {
            long now = clock.millis();
            long settle = settleMillis();
            if (schedule.hasInterval()) {
                if (pool.isEmpty()) {
                    return Optional.empty();
                }
                long cutoff = nextCutoffLocked();
                List<Transaction> taken = now >= cutoff + settle ? cutoffTransactionsLocked(cutoff) : List.of();
                return taken.isEmpty() ? Optional.empty() : Optional.of(templateLocked(taken, cutoff));
            }
            List<Transaction> settled = blockTransactionsLocked(now - settle);
            if (settled.isEmpty()) {
                return Optional.empty();
            }
            boolean full = settled.size() == parameters.maxTransactions();
            boolean waitedLongEnough = now - pool.oldestWaitingSince().orElse(now) >= parameters.maxWait().toMillis();
            return full || waitedLongEnough ? Optional.of(templateLocked(settled)) : Optional.empty();
        });
    }

    /**
     * How long until a block is due if no transaction arrives meanwhile ({@link #dueAtLocked}). Zero
     * when one is due now; empty when nothing is pending.
     */
    public OptionalLong nextDueIn() {
        return read(() -> {
            OptionalLong due = dueAtLocked();
            return due.isEmpty() ? due : OptionalLong.of(Math.max(0, due.getAsLong() - clock.millis()));
        });
    }

    /**
     * What the next block takes from the pool: up to a block's worth of transactions stamped at or
     * before {@code latest}, in canonical order, with one key per name ({@link SenderKeys}). Every
     * pending transaction keeps the chain's bindings already (submissions are checked against them, and
     * a new binding drops those it refuses), so only names the block itself binds need checking: when
     * two keys race for a new name, the first in canonical order has it, here and on every node.
     * <p>
     * A name the block binds has its unsigned transactions put ahead of the binding one, in the same
     * block: they were acknowledged while the name was open, and after the binding they could never be
     * mined. The order is still a function of the pool alone, so nodes holding the same transactions
     * build the same block.
     */
    private List<Transaction> blockTransactionsLocked(long latest) {
        return blockTransactionsLocked(admit -> pool.first(parameters.maxTransactions(), latest, admit));
    }

    /** What the block with cutoff {@code cutoff} takes, with a block interval: those it may take ({@link BlockSchedule}). */
    private List<Transaction> cutoffTransactionsLocked(long cutoff) {
        return blockTransactionsLocked(admit -> pool.firstEligible(parameters.maxTransactions(), cutoff, admit));
    }

    /** What a block takes of what {@code candidates} offers, given the one-key-per-name filter it is to apply. */
    private List<Transaction> blockTransactionsLocked(Function<Predicate<Transaction>, List<Transaction>> candidates) {
        Map<String, String> signedFor = new HashMap<>();
        List<Transaction> taken = candidates.apply(transaction -> {
            if (!transaction.isSigned()) {
                return true;
            }
            String key = signedFor.putIfAbsent(transaction.sender(), transaction.publicKey());
            return key == null || key.equals(transaction.publicKey());
        });
        Predicate<Transaction> unsignedOfSignedName = transaction -> !transaction.isSigned()
                && signedFor.containsKey(transaction.sender());
        if (taken.stream().noneMatch(unsignedOfSignedName)) {
            return taken;
        }
        List<Transaction> ordered = new ArrayList<>(taken.size());
        taken.stream().filter(unsignedOfSignedName).forEach(ordered::add);
        taken.stream().filter(unsignedOfSignedName.negate()).forEach(ordered::add);
        return ordered;
    }

    /**
     * Whether {@code transaction} is signed with the key its sender is bound to, if it is bound: a
     * name belongs to the key of its first confirmed signed transaction. Null when it may be taken.
     */
    private static RuleViolation senderKey(Transaction transaction, Map<String, SenderBinding> bound) {
        SenderBinding binding = bound.get(transaction.sender());
        if (binding == null || binding.publicKey().equals(transaction.publicKey())) {
            return null;
        }
        return new RuleViolation(SenderKeys.NAME, "sender", "belongs to the key " + binding.publicKey()
                + " since block " + binding.height() + ": its transactions must be signed with that key");
    }

    /**
     * What a new transaction's signature breaks: checked before the lock is taken, since an Ed25519
     * verification takes about 0.1 ms, and only for a transaction this node does not know yet
     * ({@link #knownSigned}).
     */
    private List<RuleViolation> signatureViolations(Transaction transaction) {
        return TransactionRules.checkSignature(transaction, genesis.hash(), parameters.signaturesRequired());
    }

    /**
     * The ids of the signed transactions among {@code transactions} that this node holds already,
     * pending or confirmed: a resubmission or a second peer's relay of one is answered without
     * verifying its signature again, so repeating a known transaction costs an attacker's target a
     * lookup, not a verification. One look under the shared lock; none when nothing is signed.
     */
    private Set<String> knownSigned(List<Transaction> transactions) {
        List<String> signed = transactions.stream().filter(Transaction::isSigned).map(Transaction::id).toList();
        if (signed.isEmpty()) {
            return Set.of();
        }
        return read(() -> {
            Set<String> known = new HashSet<>(chain.transactionHeights(signed).keySet());
            signed.stream().filter(pool::contains).forEach(known::add);
            return known;
        });
    }

    private static BatchSubmission.Refusal refusal(int index, RuleViolation violation) {
        return new BatchSubmission.Refusal(index, violation.rule(), violation.field() + " " + violation.message());
    }

    /**
     * The rule a transaction new to the ledger breaks, checked under the lock, or null: its signature,
     * unless it was verified before the lock (one the ledger knew a moment before, so not verified,
     * may have left it meanwhile), then its sender's binding.
     */
    private RuleViolation refusalLocked(Transaction transaction, boolean verified, Map<String, SenderBinding> bound) {
        List<RuleViolation> violations = verified ? List.of() : signatureViolations(transaction);
        return violations.isEmpty() ? senderKey(transaction, bound) : violations.get(0);
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

    /**
     * A template that every node holding the same transactions makes alike: they come in canonical order,
     * and, without a block interval, the block is stamped with the newest one's timestamp, not with this
     * node's clock, but never before the tip's and always after the chain's median-time-past (a
     * millisecond after it when the last blocks share a timestamp). With the proof searched from 0,
     * nodes racing for a height then seal the same block, and the race costs nothing. Without
     * transactions (an external miner's template of an empty pool), it is stamped now.
     */
    private MiningTemplate templateLocked(List<Transaction> transactions) {
        StoredBlock tip = chain.tip();
        long stamp = transactions.isEmpty() ? clock.millis()
                : transactions.stream().mapToLong(Transaction::timestamp).max().getAsLong();
        long earliest = Math.max(tip.timestamp(), chain.medianTimePast(tip.height()).median() + 1);
        return templateLocked(transactions, Math.max(stamp, earliest));
    }

    /** The template of {@code transactions} on the tip, stamped {@code timestamp}. */
    private MiningTemplate templateLocked(List<Transaction> transactions, long timestamp) {
        StoredBlock tip = chain.tip();
        return new MiningTemplate(tip.height() + 1, tip.hash(), tip.proof(), parameters.difficulty(), timestamp,
                transactions, version);
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
        Change change;
        lock.writeLock().lock();
        try {
            StoredBlock tip = chain.tip();
            if (block.index() != tip.height() + 1 || !block.previousHash().equals(tip.hash())) {
                throw new StaleWorkException("the tip is now block " + tip.height() + " " + tip.hash());
            }
            for (Transaction transaction : block.transactions()) {
                if (!pool.contains(transaction.id())) {
                    throw new StaleWorkException("transaction " + transaction.id() + " is no longer pending");
                }
            }
            Set<String> confirmed = chain.transactionHeights(block.transactionIds()).keySet();
            ChainBindings bindings = new ChainBindings(tip.height());
            bindings.prefetch(block.transactions().stream().map(Transaction::sender).toList());
            BlockValidator.validate(block, context(tip, chain.medianTimePast(tip.height()).median(), confirmed::contains,
                    bindings, pool::holds));
            LedgerStore.Durability durability = chain.replaceFrom(List.of(block), List.of());
            pool.removeAll(block.transactions());
            bindings.add(block);
            dropUnboundLocked(bindings.made());
            admission.confirmed(clock.millis(), block.transactions().size());
            version++;
            change = new Change(new ChainAdvanced(chain.tipSummary(), List.of(block), List.of(), cause), durability,
                    ++changesMade);
        } finally {
            lock.writeLock().unlock();
        }
        announceOnceDurable(change);
        return block;
    }

    /**
     * A change of the chain made under the lock, the wait until it is on disk, and its place in the
     * order of changes.
     */
    private record Change(ChainAdvanced event, LedgerStore.Durability durability, long sequence) {
    }

    /**
     * After the lock is let go: waits until the change is on disk, then tells listeners (peers hear of
     * a block only once it is forced), then compacts the pool's record if it is worth it. Were the
     * force to fail, listeners still hear of the change, which the chain has made, and the node reports
     * itself not ready until a write succeeds.
     * <p>
     * Listeners hear of changes in the order they were made, one at a time, whichever thread made
     * them and whichever force returned first: the block stream relies on it. A listener must
     * therefore not wait on anything that may itself be waiting to announce.
     */
    private void announceOnceDurable(Change change) {
        try {
            change.durability().await();
        } finally {
            announceInOrder(change);
        }
        compactIfWorthwhile();
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

    // ---- fork choice --------------------------------------------------------------------------

    /** The outcome of offering a peer's blocks. */
    public enum Adoption {
        /** The peer's chain was better, valid, and is now this node's chain. */
        ADOPTED,
        /** The peer's chain is not strictly better than this node's; nothing changed. */
        NOT_BETTER,
        /** The blocks do not attach to this node's chain (it moved meanwhile); nothing changed. */
        NOT_CONNECTED,
        /** The blocks fork more than {@link LedgerParameters#maxReorgDepth()} blocks below the tip; nothing changed. */
        TOO_DEEP
    }

    /**
     * Offers a peer's chain from the block after the common ancestor to its tip. When that chain is
     * strictly better by {@link ForkChoice} (compared where it parts from this node's) and every block
     * keeps every rule, it replaces this node's
     * blocks above the ancestor in one atomic step. Transactions of the abandoned blocks that the new
     * chain lacks go back to the pending pool, so no accepted transaction is lost.
     *
     * @param suffix contiguous blocks, lowest first; the first one's parent is the common ancestor
     * @throws BlockRejectedException naming the first rule a block breaks; nothing changed then
     */
    public Adoption adopt(List<Block> suffix) throws BlockRejectedException {
        return adopt(suffix, false);
    }

    /**
     * As {@link #adopt(List)}, for blocks whose header rules the caller checked already, each on the
     * block before it ({@link BlockValidator#validateHeader}), as sync does when a page arrives: they
     * are not checked again under the lock ({@link BlockValidator#validateBeyondHeader}). The first
     * block's parent is the ancestor the suffix names by hash, so it is the parent it was checked on.
     *
     * @param headersChecked whether every block of {@code suffix} passed {@link BlockValidator#validateHeader}
     */
    public Adoption adopt(List<Block> suffix, boolean headersChecked) throws BlockRejectedException {
        if (suffix.isEmpty()) {
            return Adoption.NOT_BETTER;
        }
        Adoption refused = read(() -> refusalLocked(suffix));
        if (refused != null) {
            return refused;
        }
        // A block ahead of the clock is refused whatever else it holds: known before its signatures cost anything.
        long now = clock.millis();
        for (Block block : suffix) {
            BlockValidator.validateTime(block, now);
        }
        // Only for a suffix that would be better, before the lock, on every core: the block rule then
        // finds these checked (a bad one it checks again, and so names its block).
        Set<Transaction> signaturesVerified = verifySignatures(suffix);
        Change change;
        lock.writeLock().lock();
        try {
            refused = refusalLocked(suffix);
            if (refused != null) {
                return refused; // the chain moved meanwhile
            }
            long ancestorHeight = suffix.get(0).index() - 1;
            StoredBlock ancestor = chain.entry(ancestorHeight);
            BigInteger blockWork = Difficulty.work(parameters.difficulty());
            ChainBindings bindings = new ChainBindings(ancestorHeight);
            Set<String> inSuffix = validateSuffix(suffix, ancestor, blockWork, bindings, signaturesVerified,
                    headersChecked);
            change = replaceAbove(ancestorHeight, suffix, inSuffix, bindings);
        } finally {
            lock.writeLock().unlock();
        }
        announceOnceDurable(change);
        return Adoption.ADOPTED;
    }

    /**
     * Why {@code suffix} cannot replace the chain above its first block's parent, without looking
     * into its blocks: it does not attach, it forks too deep, or it is not better. Null when it might.
     */
    private Adoption refusalLocked(List<Block> suffix) {
        long ancestorHeight = suffix.get(0).index() - 1;
        if (ancestorHeight < 0 || ancestorHeight > chain.height()
                || !chain.entry(ancestorHeight).hash().equals(suffix.get(0).previousHash())) {
            return Adoption.NOT_CONNECTED;
        }
        if (chain.height() - ancestorHeight > parameters.maxReorgDepth()) {
            return Adoption.TOO_DEEP;
        }
        Block candidateTip = suffix.get(suffix.size() - 1);
        // Counted at the network's difficulty, whatever the blocks claim: a block claiming another
        // difficulty is refused by the rules, and a claimed 2^31 bits of work must not be computed at all.
        BigInteger candidateWork = chain.entry(ancestorHeight).totalWork()
                .add(Difficulty.work(parameters.difficulty()).multiply(BigInteger.valueOf(suffix.size())));
        ChainTip candidate = new ChainTip(candidateTip.index(), candidateTip.hash(), candidateTip.timestamp(),
                candidateWork);
        Block first = suffix.get(0);
        ChainTip candidateStart = new ChainTip(first.index(), first.hash(), first.timestamp(), candidateWork);
        ChainTip currentStart = ancestorHeight < chain.height() ? chain.entry(ancestorHeight + 1).tip() : null;
        return ForkChoice.isBetter(candidate, candidateStart, chain.tipSummary(), currentStart) ? null
                : Adoption.NOT_BETTER;
    }

    /**
     * Checks every block of the suffix on its parent, against {@code bindings} of the chain up to the
     * ancestor, which it moves along the suffix (by every rule, or, with {@code headersChecked}, by
     * those beyond the header rules); returns the ids of the suffix's transactions.
     */
    private Set<String> validateSuffix(List<Block> suffix, StoredBlock ancestor, BigInteger blockWork,
                                       ChainBindings bindings, Set<Transaction> signaturesVerified,
                                       boolean headersChecked) throws BlockRejectedException {
        List<String> ids = new ArrayList<>();
        suffix.forEach(block -> ids.addAll(block.transactionIds()));
        Set<String> belowFork = new HashSet<>();
        chain.transactionHeights(ids).forEach((id, height) -> {
            if (height <= ancestor.height()) {
                belowFork.add(id);
            }
        });
        Set<String> inSuffix = new HashSet<>();
        Predicate<String> alreadyInChain = id -> inSuffix.contains(id) || belowFork.contains(id);
        StoredBlock parent = ancestor;
        MedianTimePast medianTimePast = chain.medianTimePast(ancestor.height());
        bindings.prefetch(suffix.stream().flatMap(block -> block.transactions().stream()).map(Transaction::sender)
                .collect(Collectors.toSet()));
        for (Block block : suffix) {
            BlockContext context = context(parent, medianTimePast.median(), alreadyInChain, bindings,
                    transaction -> signaturesVerified.contains(transaction) || pool.holds(transaction));
            if (headersChecked) {
                BlockValidator.validateBeyondHeader(block, context);
            } else {
                BlockValidator.validate(block, context);
            }
            bindings.add(block);
            medianTimePast.add(block.timestamp());
            inSuffix.addAll(block.transactionIds());
            parent = StoredBlock.of(block, parent.totalWork().add(blockWork));
        }
        return inSuffix;
    }

    private Change replaceAbove(long ancestorHeight, List<Block> suffix, Set<String> inSuffix,
                                ChainBindings bindings) {
        List<String> removed = new ArrayList<>();
        List<PendingTransaction> orphaned = new ArrayList<>();
        int confirmedBefore = 0;
        for (long from = ancestorHeight + 1; from <= chain.height(); from += Paging.MAX_ITEMS) {
            for (Block block : chain.range(from, Paging.MAX_ITEMS)) {
                removed.add(block.hash());
                confirmedBefore += block.transactions().size();
                for (Transaction transaction : block.transactions()) {
                    if (!inSuffix.contains(transaction.id())) {
                        orphaned.add(new PendingTransaction(transaction, block.timestamp()));
                    }
                }
            }
        }
        // A transaction of an abandoned block whose sender the new chain binds to another key can never be mined.
        bindings.prefetch(orphaned.stream().map(pending -> pending.transaction().sender()).collect(Collectors.toSet()));
        List<PendingTransaction> unminable = orphaned.stream().filter(pending -> !bindings.admits(pending.transaction()))
                .toList();
        if (!unminable.isEmpty()) {
            orphaned.removeAll(unminable);
            log.info("Dropped {} transactions of abandoned blocks: the new chain binds their senders to other keys",
                    unminable.size());
        }
        if (!removed.isEmpty()) {
            log.info("Switching to a better chain: {} blocks above height {} replaced by {}, {} transactions back to "
                    + "the pool", removed.size(), ancestorHeight, suffix.size(), orphaned.size());
        }
        LedgerStore.Durability durability = chain.replaceFrom(suffix, orphaned);
        int confirmedAfter = 0;
        for (Block block : suffix) {
            pool.removeAll(block.transactions());
            confirmedAfter += block.transactions().size();
        }
        // What the chain gained: a race lost to a peer's block with the same transactions confirms nothing more.
        admission.confirmed(clock.millis(), confirmedAfter - confirmedBefore);
        pool.returnToFront(orphaned);
        dropUnboundLocked(bindings.made());
        version++;
        return new Change(new ChainAdvanced(chain.tipSummary(), suffix, removed, ChainAdvanced.Cause.ADOPTED),
                durability, ++changesMade);
    }

    /**
     * Rewrites the pool's record once it holds mostly transactions that have since been mined. The
     * pool is taken under the shared lock, the whole record written and forced without any lock
     * (submissions and blocks go on meanwhile), and only the swap, carrying over what was appended
     * meanwhile, takes the lock. One compaction runs at a time.
     */
    private void compactIfWorthwhile() {
        if (!compacting.compareAndSet(false, true)) {
            return;
        }
        try {
            LedgerStore.PendingRewrite rewrite = read(() -> store.pendingNeedsCompaction(pool.size())
                    ? store.beginPendingRewrite(pool.entries()) : null);
            if (rewrite == null) {
                return;
            }
            try {
                rewrite.write();
            } catch (StorageException e) {
                rewrite.abandon();
                throw e;
            }
            lock.writeLock().lock();
            try {
                rewrite.finish();
            } finally {
                lock.writeLock().unlock();
            }
        } catch (StorageException e) {
            // The old files are intact and complete; compaction is tried again after the next block.
            log.warn("Could not compact the ledger's files: {}", e.getMessage());
        } finally {
            compacting.set(false);
        }
    }

    /**
     * The context of a block on {@code parent}; signatures of transactions pending here were verified
     * when they came, but only the very transaction, signature and all, counts as verified.
     */
    private BlockContext context(StoredBlock parent, long medianTimePast, Predicate<String> alreadyInChain,
                                 ChainBindings bindings, Predicate<Transaction> signatureVerified) {
        return new BlockContext(parent, medianTimePast, parameters.difficulty(), parameters.maxTransactions(),
                clock.millis(), alreadyInChain, genesis.hash(), signatureVerified, bindings::keyOf,
                parameters.signaturesRequired(), parameters.blockInterval().toMillis());
    }

    /**
     * The signed transactions of {@code blocks} whose signatures hold, verified in parallel
     * (the common fork-join pool: every core) when there are enough to be worth it: a page of a
     * catch-up holds hundreds, at about 0.1 ms each. Pure computation, run without the lock.
     */
    private Set<Transaction> verifySignatures(List<Block> blocks) {
        List<Transaction> signed = blocks.stream().flatMap(block -> block.transactions().stream())
                .filter(Transaction::isSigned).toList();
        if (signed.size() < PARALLEL_VERIFICATION) {
            return Set.of();
        }
        String genesisHash = genesis.hash();
        return signed.parallelStream().filter(transaction -> transaction.hasValidSignature(genesisHash))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The keys sender names are bound to on a chain that is this node's up to height {@code below},
     * then goes on with blocks of its own: the store's bindings made at or below that height, then
     * those the blocks {@link #add added} make, in order. Lookups are kept, so each name costs one.
     */
    private final class ChainBindings {

        private final long below;
        private final Map<String, String> stored = new HashMap<>();
        private final Set<String> looked = new HashSet<>();
        private final Map<String, String> made = new LinkedHashMap<>();

        ChainBindings(long below) {
            this.below = below;
        }

        /** Looks up the names not looked up yet, together. */
        void prefetch(Collection<String> senders) {
            List<String> unknown = senders.stream().filter(sender -> !looked.contains(sender)).distinct().toList();
            if (unknown.isEmpty()) {
                return;
            }
            chain.bindings(unknown).forEach((sender, binding) -> {
                if (binding.height() <= below) {
                    stored.put(sender, binding.publicKey());
                }
            });
            looked.addAll(unknown);
        }

        /** The key {@code sender} is bound to, or null. */
        String keyOf(String sender) {
            if (made.containsKey(sender)) {
                return made.get(sender);
            }
            prefetch(List.of(sender));
            return stored.get(sender);
        }

        /** Moves on by {@code block}, taking the bindings it makes. */
        void add(Block block) {
            made.putAll(SenderKeys.bindsIn(block, this::keyOf));
        }

        /** Whether {@code transaction} may be pending on this chain: signed with its sender's key, if bound. */
        boolean admits(Transaction transaction) {
            String key = keyOf(transaction.sender());
            return key == null || key.equals(transaction.publicKey());
        }

        /** The names the added blocks bound, each to its key. */
        Map<String, String> made() {
            return made;
        }
    }

    /**
     * Drops from the pool the transactions of names just bound to another key than theirs: they can
     * never be mined now. Their senders must sign again with the bound key.
     */
    private void dropUnboundLocked(Map<String, String> bound) {
        bound.forEach((sender, key) -> {
            List<Transaction> wrong = pool.from(sender).stream().filter(tx -> !key.equals(tx.publicKey())).toList();
            if (!wrong.isEmpty()) {
                pool.removeAll(wrong);
                log.info("Dropped {} pending transactions from {}: the name is now bound to key {}, which did not "
                        + "sign them", wrong.size(), sender, key);
            }
        });
    }
}
