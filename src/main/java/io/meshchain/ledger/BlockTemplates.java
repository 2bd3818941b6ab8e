package io.meshchain.ledger;

import io.meshchain.ledger.rules.SenderKeys;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the next block holds and when it is due: the template a miner seals, taken from the pool in
 * canonical order, and the moment a block is due ({@link BlockSchedule}, with the settle margin
 * {@link RelayLag} measures). Nodes holding the same transactions make the same template, so nodes
 * racing for a height seal the same block and the race costs nothing. How late the due block is
 * ({@link #overdueLocked}) is what admission counts as the network being behind.
 */
final class BlockTemplates {

    /**
     * The least time a transaction's timestamp must be in the past before this node's miner takes it:
     * relays on a quiet network reach every peer well within it, so nodes racing for a height hold the
     * same transactions and build the same block ({@link #dueTemplate()}). Where relays come later,
     * the node waits longer ({@link #settleMillis()}).
     */
    static final long MIN_SETTLE_MILLIS = 200;
    /** The longest a node lets transactions settle: beyond, confirmations would wait on one slow relay. */
    static final long MAX_SETTLE_MILLIS = 1_000;
    /** How much longer than the slowest recent relay a node lets transactions settle. */
    static final long SETTLE_HEADROOM_MILLIS = 100;

    private final LedgerState state;
    private final BlockSchedule schedule;
    private final RelayLag relayLag;

    BlockTemplates(LedgerState state, RelayLag relayLag) {
        this.state = state;
        this.schedule = new BlockSchedule(state.parameters().blockInterval());
        this.relayLag = relayLag;
    }

    /** See {@link ChainService#template()}. */
    MiningTemplate template() {
        return state.read(() -> {
            if (!schedule.hasInterval()) {
                return templateLocked(blockTransactionsLocked(Long.MAX_VALUE));
            }
            long cutoff = nextCutoffLocked();
            return templateLocked(cutoffTransactionsLocked(cutoff), cutoff);
        });
    }

    /** See {@link ChainService#dueTemplate()}. */
    Optional<MiningTemplate> dueTemplate() {
        return state.read(() -> {
            PendingPool pool = state.pool();
            long now = state.clock().millis();
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
            boolean full = settled.size() == state.parameters().maxTransactions();
            boolean waitedLongEnough = now - pool.oldestWaitingSince().orElse(now)
                    >= state.parameters().maxWait().toMillis();
            return full || waitedLongEnough ? Optional.of(templateLocked(settled)) : Optional.empty();
        });
    }

    /** See {@link ChainService#nextDueIn()}. */
    OptionalLong nextDueIn() {
        return state.read(() -> {
            OptionalLong due = dueAtLocked(settleMillis());
            return due.isEmpty() ? due : OptionalLong.of(Math.max(0, due.getAsLong() - state.clock().millis()));
        });
    }

    /** See {@link ChainService#settleMillis()}. */
    long settleMillis() {
        long slowest = relayLag.slowestRecent(state.clock().millis());
        return Math.min(MAX_SETTLE_MILLIS, Math.max(MIN_SETTLE_MILLIS, slowest + SETTLE_HEADROOM_MILLIS));
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
     * overdue by more than {@code tolerated} is the due time worked out.
     *
     * @param tolerated how late a due block may be before the caller counts the node behind, in milliseconds
     */
    long overdueLocked(long now, long tolerated) {
        PendingPool pool = state.pool();
        OptionalLong since = pool.oldestWaitingSince();
        if (since.isEmpty()) {
            return 0;
        }
        long settle = settleMillis();
        if (schedule.hasInterval()) {
            long dueAtLatest = pool.earliestEligible().getAsLong() + schedule.intervalMillis() + settle;
            return now - Math.min(dueAtLatest, dueAtLocked(settle).getAsLong());
        }
        long notBefore = pool.earliestTimestamp().getAsLong() + settle;
        long waited = pool.size() >= state.parameters().maxTransactions() ? 0
                : state.parameters().maxWait().toMillis();
        notBefore = Math.max(since.getAsLong() + waited, notBefore);
        // Compared so that nothing wraps around: a transaction may be stamped long ago.
        if (notBefore >= now - tolerated) {
            return now - notBefore;
        }
        return now - dueAtLocked(settle).getAsLong();
    }

    /**
     * When a block is due if no transaction arrives meanwhile, epoch milliseconds; empty when nothing
     * is pending. With a block interval: once the block's cutoff ({@link BlockSchedule#cutoff}) has
     * passed by the settle margin. Without: once the transactions of a full block have arrived and
     * settled, or once the oldest has waited {@code max-wait} and one has settled. What the miner waits
     * for ({@link #dueTemplate}, {@link #nextDueIn}) and what admission control counts as late.
     */
    private OptionalLong dueAtLocked(long settle) {
        PendingPool pool = state.pool();
        if (pool.isEmpty()) {
            return OptionalLong.empty();
        }
        if (schedule.hasInterval()) {
            return OptionalLong.of(nextCutoffLocked() + settle);
        }
        long oldestWaiting = pool.oldestWaitingSince().getAsLong();
        // What the template would take, one key per name: a full block only of what can go together.
        List<Transaction> block = blockTransactionsLocked(Long.MAX_VALUE);
        long newest = block.stream().mapToLong(Transaction::timestamp).max().orElse(Long.MAX_VALUE - settle);
        long full = block.size() == state.parameters().maxTransactions() ? Math.max(oldestWaiting, newest + settle)
                : Long.MAX_VALUE;
        long waited = Math.max(oldestWaiting + state.parameters().maxWait().toMillis(),
                pool.earliestTimestamp().getAsLong() + settle);
        return OptionalLong.of(Math.min(full, waited));
    }

    /**
     * With a block interval, the cutoff (and timestamp) of the next block on this node's tip
     * ({@link BlockSchedule#cutoff}): after the earliest moment a pending transaction may go into a
     * block, or after now when nothing is pending.
     */
    private long nextCutoffLocked() {
        return schedule.cutoff(state.chain().tipEntry().timestamp(),
                state.pool().earliestEligible().orElse(state.clock().millis()));
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
        return blockTransactionsLocked(admit -> state.pool().first(state.parameters().maxTransactions(), latest, admit));
    }

    /** What the block with cutoff {@code cutoff} takes, with a block interval: those it may take ({@link BlockSchedule}). */
    private List<Transaction> cutoffTransactionsLocked(long cutoff) {
        return blockTransactionsLocked(admit -> state.pool().firstEligible(state.parameters().maxTransactions(), cutoff,
                admit));
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
     * A template that every node holding the same transactions makes alike: they come in canonical order,
     * and, without a block interval, the block is stamped with the newest one's timestamp, not with this
     * node's clock, but never before the tip's and always after the chain's median-time-past (a
     * millisecond after it when the last blocks share a timestamp). With the proof searched from 0,
     * nodes racing for a height then seal the same block, and the race costs nothing. Without
     * transactions (an external miner's template of an empty pool), it is stamped now.
     */
    private MiningTemplate templateLocked(List<Transaction> transactions) {
        StoredBlock tip = state.chain().tipEntry();
        long stamp = transactions.isEmpty() ? state.clock().millis()
                : transactions.stream().mapToLong(Transaction::timestamp).max().getAsLong();
        long earliest = Math.max(tip.timestamp(), state.chain().medianTimePast(tip.height()).median() + 1);
        return templateLocked(transactions, Math.max(stamp, earliest));
    }

    /** The template of {@code transactions} on the tip, stamped {@code timestamp}. */
    private MiningTemplate templateLocked(List<Transaction> transactions, long timestamp) {
        StoredBlock tip = state.chain().tipEntry();
        return new MiningTemplate(tip.height() + 1, tip.hash(), tip.proof(), state.parameters().difficulty(), timestamp,
                transactions, state.version());
    }
}
