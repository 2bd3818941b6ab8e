package io.meshchain.ledger;

import io.meshchain.primitives.Transaction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Transactions accepted but not yet in the chain, in two orders: as they arrived here (the order the
 * pool is listed and journalled in, and what {@code max-wait} is counted from), and the network's
 * canonical order, by timestamp and then id, in which blocks take them: every node holding the same
 * transactions builds the same block. Not thread-safe: {@link ChainService} owns it and guards it
 * with its lock.
 */
final class PendingPool {

    /** The order blocks take transactions in: by timestamp, then by id. */
    static final Comparator<Transaction> CANONICAL_ORDER =
            Comparator.comparingLong(Transaction::timestamp).thenComparing(Transaction::id);

    private LinkedHashMap<String, PendingTransaction> entries = new LinkedHashMap<>();
    private final Map<String, Integer> bySender = new HashMap<>();
    private final TreeSet<Transaction> canonical = new TreeSet<>(CANONICAL_ORDER);
    /** The pending transactions by the first cutoff whose block may take them, then by id. */
    private final TreeSet<PendingTransaction> byEligibility = new TreeSet<>(
            Comparator.comparingLong(PendingTransaction::eligibleFrom).thenComparing(pending -> pending.transaction().id()));

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    boolean contains(String id) {
        return entries.containsKey(id);
    }

    /**
     * Whether this very transaction is pending: its id, and its signature too. The id does not cover
     * the signature, so a copy with other signature bytes has the same id but is not the same.
     */
    boolean holds(Transaction transaction) {
        PendingTransaction entry = entries.get(transaction.id());
        return entry != null && entry.transaction().equals(transaction);
    }

    Optional<Transaction> get(String id) {
        PendingTransaction entry = entries.get(id);
        return entry == null ? Optional.empty() : Optional.of(entry.transaction());
    }

    /** Transactions pending from {@code sender}. */
    int countFrom(String sender) {
        return bySender.getOrDefault(sender, 0);
    }

    void add(PendingTransaction pending) {
        if (entries.putIfAbsent(pending.transaction().id(), pending) == null) {
            added(pending);
        }
    }

    /**
     * Takes a further relay of a pending transaction into account: when the relaying node says it may go
     * into a block earlier than this node holds ({@link PendingTransaction#eligibleOnArrival}), from
     * then. A client that gave one transaction to two nodes (a retry elsewhere) made both the first
     * node, each with its own moment; each relays it to every node, so all come to the earlier one.
     */
    void relayedAgain(Transaction transaction, long relayedEligibleFrom) {
        PendingTransaction entry = entries.get(transaction.id());
        if (entry == null || !entry.transaction().equals(transaction)) {
            return;
        }
        long eligible = PendingTransaction.eligibleOnArrival(transaction, entry.waitingSince(), relayedEligibleFrom);
        if (eligible >= entry.eligibleFrom()) {
            return;
        }
        PendingTransaction earlier = new PendingTransaction(transaction, entry.waitingSince(), eligible);
        entries.put(transaction.id(), earlier);
        byEligibility.remove(entry);
        byEligibility.add(earlier);
    }

    void removeAll(Collection<Transaction> transactions) {
        for (Transaction transaction : transactions) {
            PendingTransaction removed = entries.remove(transaction.id());
            if (removed != null) {
                bySender.computeIfPresent(transaction.sender(), (sender, count) -> count == 1 ? null : count - 1);
                canonical.remove(removed.transaction());
                byEligibility.remove(removed);
            }
        }
    }

    /**
     * Puts transactions of abandoned blocks back, ahead of everything else: they were accepted before
     * anything still pending, and have waited since their block's timestamp.
     */
    void returnToFront(List<PendingTransaction> returned) {
        if (returned.isEmpty()) {
            return; // the pool's order stays; rebuilding it would cost a copy of the whole pool
        }
        LinkedHashMap<String, PendingTransaction> reordered = new LinkedHashMap<>();
        for (PendingTransaction entry : returned) {
            if (reordered.putIfAbsent(entry.transaction().id(), entry) == null
                    && !entries.containsKey(entry.transaction().id())) {
                added(entry);
            }
        }
        for (Map.Entry<String, PendingTransaction> entry : entries.entrySet()) {
            reordered.putIfAbsent(entry.getKey(), entry.getValue());
        }
        entries = reordered;
    }

    private void added(PendingTransaction pending) {
        bySender.merge(pending.transaction().sender(), 1, Integer::sum);
        canonical.add(pending.transaction());
        byEligibility.add(pending);
    }

    /** Up to {@code count} transactions stamped at or before {@code latest}, in canonical order. */
    List<Transaction> first(int count, long latest) {
        return first(count, latest, transaction -> true);
    }

    /**
     * Up to {@code count} transactions stamped at or before {@code latest}, in canonical order,
     * passing over those {@code admit} refuses; it sees them in that order, and may remember them.
     */
    List<Transaction> first(int count, long latest, Predicate<Transaction> admit) {
        List<Transaction> result = new ArrayList<>(Math.min(count, entries.size()));
        for (Transaction transaction : canonical) {
            if (result.size() == count || transaction.timestamp() > latest) {
                break;
            }
            if (admit.test(transaction)) {
                result.add(transaction);
            }
        }
        return result;
    }

    /** The pending transactions from {@code sender}. */
    List<Transaction> from(String sender) {
        if (!bySender.containsKey(sender)) {
            return List.of();
        }
        return entries.values().stream().map(PendingTransaction::transaction)
                .filter(transaction -> transaction.sender().equals(sender)).toList();
    }

    /** The earliest cutoff a block may take a pending transaction at; empty when none is pending. */
    OptionalLong earliestEligible() {
        return byEligibility.isEmpty() ? OptionalLong.empty() : OptionalLong.of(byEligibility.first().eligibleFrom());
    }

    /**
     * Up to {@code count} transactions a block with cutoff {@code cutoff} may take
     * ({@link PendingTransaction#eligibleFrom()}),
     * in canonical order, passing over those {@code admit} refuses; it sees them in that order.
     */
    List<Transaction> firstEligible(int count, long cutoff, Predicate<Transaction> admit) {
        return first(count, cutoff, transaction -> entries.get(transaction.id()).eligibleFrom() <= cutoff
                && admit.test(transaction));
    }

    /** The earliest timestamp of a pending transaction; empty when nothing is pending. */
    OptionalLong earliestTimestamp() {
        return canonical.isEmpty() ? OptionalLong.empty() : OptionalLong.of(canonical.first().timestamp());
    }

    /** When the oldest pending transaction started waiting; empty when nothing is pending. */
    OptionalLong oldestWaitingSince() {
        return entries.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(entries.values().iterator().next().waitingSince());
    }

    /** Up to {@code limit} transactions after the first {@code offset}, oldest first. */
    List<Transaction> page(int offset, int limit) {
        List<Transaction> result = new ArrayList<>(Math.min(limit, Math.max(0, entries.size() - offset)));
        int skipped = 0;
        for (PendingTransaction entry : entries.values()) {
            if (result.size() == limit) {
                break;
            }
            if (skipped < offset) {
                skipped++;
                continue;
            }
            result.add(entry.transaction());
        }
        return result;
    }

    List<PendingTransaction> entries() {
        return List.copyOf(entries.values());
    }
}
