package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockContext;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.meshchain.ledger.rules.MedianTimePast;
import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import io.meshchain.wire.Paging;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change of the chain's blocks: a block sealed here goes on the tip ({@link #appendOnTip}), and
 * a peer's better branch replaces the blocks above the common ancestor ({@link #adopt}), each in one
 * atomic step under the write lock, after every block is checked on its parent by every rule and
 * against the sender bindings of the chain it joins. Transactions of abandoned blocks that the new
 * chain lacks go back to the pool, so no accepted transaction is lost; those whose names the new
 * chain binds to another key are dropped, since they could never be mined. Each change is announced
 * once it is on disk ({@link ChainAnnouncements}).
 */
final class ChainSwitch {

    private static final Logger log = LoggerFactory.getLogger(ChainSwitch.class);

    /** Signed transactions in a suffix from which their signatures are verified on every core, before the lock. */
    static final int PARALLEL_VERIFICATION = 16;

    private final LedgerState state;
    private final Backlog backlog;
    private final ChainAnnouncements announcements;
    private final PoolCompaction compaction;

    ChainSwitch(LedgerState state, Backlog backlog, ChainAnnouncements announcements, PoolCompaction compaction) {
        this.state = state;
        this.backlog = backlog;
        this.announcements = announcements;
        this.compaction = compaction;
    }

    /** See {@link ChainService#submitProof}: the pending transactions an external miner's block names. */
    List<Transaction> pendingTransactions(List<String> ids) {
        return state.read(() -> {
            List<Transaction> transactions = new ArrayList<>(ids.size());
            for (String id : ids) {
                transactions.add(state.pool().get(id).orElseThrow(() -> new StaleWorkException(
                        "transaction " + id + " is not pending on this node")));
            }
            return transactions;
        });
    }

    /**
     * Appends a block sealed on top of the tip, of transactions pending here.
     *
     * @throws StaleWorkException     when the tip moved or a transaction is no longer pending
     * @throws BlockRejectedException when the block breaks a rule
     */
    Block appendOnTip(Block block, ChainAdvanced.Cause cause) throws BlockRejectedException {
        ChainAnnouncements.Change change;
        Chain chain = state.chain();
        PendingPool pool = state.pool();
        state.writeLock().lock();
        try {
            StoredBlock tip = chain.tipEntry();
            if (block.index() != tip.height() + 1 || !block.previousHash().equals(tip.hash())) {
                throw new StaleWorkException("the tip is now block " + tip.height() + " " + tip.hash());
            }
            for (Transaction transaction : block.transactions()) {
                if (!pool.contains(transaction.id())) {
                    throw new StaleWorkException("transaction " + transaction.id() + " is no longer pending");
                }
            }
            Set<String> confirmed = chain.transactionHeights(block.transactionIds()).keySet();
            ChainBindings bindings = new ChainBindings(chain, tip.height());
            bindings.prefetch(block.transactions().stream().map(Transaction::sender).toList());
            BlockValidator.validate(block, context(tip, chain.medianTimePast(tip.height()).median(), confirmed::contains,
                    bindings, pool::holds));
            PoolJournal.Durability durability = chain.replaceFrom(List.of(block), List.of());
            pool.removeAll(block.transactions());
            bindings.add(block);
            dropUnboundLocked(bindings.made());
            backlog.confirmed(state.clock().millis(), block.transactions().size());
            state.advanceVersion();
            change = announcements.made(new ChainAdvanced(chain.tip(), List.of(block), List.of(), cause), durability);
        } finally {
            state.writeLock().unlock();
        }
        announce(change);
        return block;
    }

    /** See {@link ChainService#adopt(List, boolean)}. */
    ChainService.Adoption adopt(List<Block> suffix, boolean headersChecked) throws BlockRejectedException {
        if (suffix.isEmpty()) {
            return ChainService.Adoption.NOT_BETTER;
        }
        ChainService.Adoption refused = state.read(() -> refusalLocked(suffix));
        if (refused != null) {
            return refused;
        }
        // A block ahead of the clock is refused whatever else it holds: known before its signatures cost anything.
        long now = state.clock().millis();
        for (Block block : suffix) {
            BlockValidator.validateTime(block, now);
        }
        // Only for a suffix that would be better, before the lock, on every core: the block rule then
        // finds these checked (a bad one it checks again, and so names its block).
        Set<Transaction> signaturesVerified = verifySignatures(suffix);
        ChainAnnouncements.Change change;
        state.writeLock().lock();
        try {
            refused = refusalLocked(suffix);
            if (refused != null) {
                return refused; // the chain moved meanwhile
            }
            long ancestorHeight = suffix.get(0).index() - 1;
            StoredBlock ancestor = state.chain().entry(ancestorHeight);
            BigInteger blockWork = Difficulty.work(state.parameters().difficulty());
            ChainBindings bindings = new ChainBindings(state.chain(), ancestorHeight);
            Set<String> inSuffix = validateSuffix(suffix, ancestor, blockWork, bindings, signaturesVerified,
                    headersChecked);
            change = replaceAbove(ancestorHeight, suffix, inSuffix, bindings);
        } finally {
            state.writeLock().unlock();
        }
        announce(change);
        return ChainService.Adoption.ADOPTED;
    }

    /** Announces a change once it is durable, then compacts the pool's journal if it is worth it. */
    private void announce(ChainAnnouncements.Change change) {
        announcements.announceOnceDurable(change);
        compaction.compactIfWorthwhile();
    }

    /**
     * Why {@code suffix} cannot replace the chain above its first block's parent, without looking
     * into its blocks: it does not attach, it forks too deep, or it is not better. Null when it might.
     */
    private ChainService.Adoption refusalLocked(List<Block> suffix) {
        Chain chain = state.chain();
        long ancestorHeight = suffix.get(0).index() - 1;
        if (ancestorHeight < 0 || ancestorHeight > chain.height()
                || !chain.entry(ancestorHeight).hash().equals(suffix.get(0).previousHash())) {
            return ChainService.Adoption.NOT_CONNECTED;
        }
        if (chain.height() - ancestorHeight > state.parameters().maxReorgDepth()) {
            return ChainService.Adoption.TOO_DEEP;
        }
        Block candidateTip = suffix.get(suffix.size() - 1);
        // Counted at the network's difficulty, whatever the blocks claim: a block claiming another
        // difficulty is refused by the rules, and a claimed 2^31 bits of work must not be computed at all.
        BigInteger candidateWork = chain.entry(ancestorHeight).totalWork()
                .add(Difficulty.work(state.parameters().difficulty()).multiply(BigInteger.valueOf(suffix.size())));
        ChainTip candidate = new ChainTip(candidateTip.index(), candidateTip.hash(), candidateTip.timestamp(),
                candidateWork);
        Block first = suffix.get(0);
        ChainTip candidateStart = new ChainTip(first.index(), first.hash(), first.timestamp(), candidateWork);
        ChainTip currentStart = ancestorHeight < chain.height() ? chain.entry(ancestorHeight + 1).tip() : null;
        return ForkChoice.isBetter(candidate, candidateStart, chain.tip(), currentStart) ? null
                : ChainService.Adoption.NOT_BETTER;
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
        state.chain().transactionHeights(ids).forEach((id, height) -> {
            if (height <= ancestor.height()) {
                belowFork.add(id);
            }
        });
        Set<String> inSuffix = new HashSet<>();
        Predicate<String> alreadyInChain = id -> inSuffix.contains(id) || belowFork.contains(id);
        StoredBlock parent = ancestor;
        MedianTimePast medianTimePast = state.chain().medianTimePast(ancestor.height());
        bindings.prefetch(suffix.stream().flatMap(block -> block.transactions().stream()).map(Transaction::sender)
                .collect(Collectors.toSet()));
        for (Block block : suffix) {
            BlockContext context = context(parent, medianTimePast.median(), alreadyInChain, bindings,
                    transaction -> signaturesVerified.contains(transaction) || state.pool().holds(transaction));
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

    private ChainAnnouncements.Change replaceAbove(long ancestorHeight, List<Block> suffix, Set<String> inSuffix,
                                                   ChainBindings bindings) {
        Chain chain = state.chain();
        PendingPool pool = state.pool();
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
        PoolJournal.Durability durability = chain.replaceFrom(suffix, orphaned);
        int confirmedAfter = 0;
        for (Block block : suffix) {
            pool.removeAll(block.transactions());
            confirmedAfter += block.transactions().size();
        }
        // What the chain gained: a race lost to a peer's block with the same transactions confirms nothing more.
        backlog.confirmed(state.clock().millis(), confirmedAfter - confirmedBefore);
        pool.returnToFront(orphaned);
        dropUnboundLocked(bindings.made());
        state.advanceVersion();
        return announcements.made(new ChainAdvanced(chain.tip(), suffix, removed, ChainAdvanced.Cause.ADOPTED),
                durability);
    }

    /**
     * The context of a block on {@code parent}; signatures of transactions pending here were verified
     * when they came, but only the very transaction, signature and all, counts as verified.
     */
    private BlockContext context(StoredBlock parent, long medianTimePast, Predicate<String> alreadyInChain,
                                 ChainBindings bindings, Predicate<Transaction> signatureVerified) {
        LedgerParameters parameters = state.parameters();
        return new BlockContext(parent, medianTimePast, parameters.difficulty(), parameters.maxTransactions(),
                state.clock().millis(), alreadyInChain, state.genesis().hash(), signatureVerified, bindings::keyOf,
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
        String genesisHash = state.genesis().hash();
        return signed.parallelStream().filter(transaction -> transaction.hasValidSignature(genesisHash))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Drops from the pool the transactions of names just bound to another key than theirs: they can
     * never be mined now. Their senders must sign again with the bound key.
     */
    private void dropUnboundLocked(Map<String, String> bound) {
        PendingPool pool = state.pool();
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
