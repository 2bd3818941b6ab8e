package io.meshchain.ledger;

import io.meshchain.ledger.rules.RuleViolation;
import io.meshchain.ledger.rules.SenderKeys;
import io.meshchain.ledger.rules.TransactionRules;
import io.meshchain.primitives.Transaction;
import io.meshchain.wire.Paging;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;

/**
 * What the pending pool takes: a transaction is checked by the transaction rules and its signature
 * before the lock, then, under it, against the sender's binding and for room ({@link Pushback}: the
 * pool's capacity, the network's backlog as {@link Backlog} projects it, the sender's limit), and
 * written to the pool's journal. It is acknowledged only once that record is on disk; many
 * submissions share one flush. Repeating a transaction this node knows is answered, not refused, and
 * costs a lookup rather than a signature verification.
 */
final class Admission {

    private final LedgerState state;
    private final PoolJournal journal;
    private final ApplicationEventPublisher events;
    private final Backlog backlog;
    private final RelayLag relayLag;
    private final BlockTemplates templates;

    Admission(LedgerState state, PoolJournal journal, ApplicationEventPublisher events, Backlog backlog,
              RelayLag relayLag, BlockTemplates templates) {
        this.state = state;
        this.journal = journal;
        this.events = events;
        this.backlog = backlog;
        this.relayLag = relayLag;
        this.templates = templates;
    }

    /** See {@link ChainService#submit(Transaction, RelayedBy, Long)}. */
    Submission submit(Transaction transaction, RelayedBy relayedBy, Long eligibleFrom) {
        long now = state.clock().millis();
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
        PoolJournal.Durability durability = null;
        state.writeLock().lock();
        try {
            Optional<TransactionStatus> status = state.statusLocked(transaction.id());
            if (status.isPresent()) {
                known = new Submission(status.get(), false);
                durability = journal.written();
                if (eligibleFrom != null) {
                    state.pool().relayedAgain(transaction, eligibleFrom);
                }
            } else {
                refusal = refusalLocked(transaction, verified, state.chain().bindings(List.of(transaction.sender())));
                pushback = refusal == null ? pushbackLocked(transaction, now, relayedBy != null) : null;
                if (refusal == null && pushback == null) {
                    added = addLocked(transaction, now, eligibleFrom);
                    durability = added.durability();
                }
            }
        } finally {
            state.writeLock().unlock();
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
            if (relayedBy != null) {
                events.publishEvent(new RelaysAlreadyHeld(1));
            }
            return known;
        }
        events.publishEvent(new TransactionAccepted(transaction, relayedBy, added.pending().eligibleFrom()));
        return new Submission(TransactionStatus.pending(transaction), true);
    }

    /** See {@link ChainService#submitAll(List, RelayedBy, Map)}. */
    BatchSubmission submitAll(List<Transaction> transactions, RelayedBy relayedBy, Map<String, Long> eligibleFrom) {
        if (transactions.size() > Paging.MAX_BATCH) {
            throw new IllegalArgumentException(transactions.size() + " transactions in one batch; at most "
                    + Paging.MAX_BATCH);
        }
        long now = state.clock().millis();
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
        PoolJournal.Durability durability = null;
        state.writeLock().lock();
        try {
            PendingPool pool = state.pool();
            // The chain's index is asked about the whole batch at once, as sync asks about a page.
            Map<String, Long> confirmed = state.chain().transactionHeights(valid.stream().map(Transaction::id).toList());
            Map<String, SenderBinding> bound = state.chain().bindings(valid.stream().map(Transaction::sender)
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
                durability = journal.written();
            }
        } finally {
            state.writeLock().unlock();
        }
        // One flush covers every record appended above: they are in one log, in order.
        durability.await();
        accepted.forEach(pending -> events.publishEvent(new TransactionAccepted(pending.transaction(), relayedBy,
                pending.eligibleFrom())));
        pushedBack.forEach((rule, count) -> events.publishEvent(new TransactionsRefused(rule, count)));
        if (relayedBy != null && known > 0) {
            events.publishEvent(new RelaysAlreadyHeld(known));
        }
        refused.sort(Comparator.comparingInt(BatchSubmission.Refusal::index));
        return new BatchSubmission(accepted.size(), known, refused);
    }

    /**
     * Why the pool does not take this new transaction now, or null when it does: the pool is at
     * capacity, the network is behind ({@link Backlog}), or the sender has its limit pending. A
     * relay from a recognised peer ({@code relayed}) is not pushed back for the network being behind:
     * that peer acknowledged the transaction already, so the network owes it, and refusing the relay
     * would only leave it in one pool, where the blocks of the other nodes, sealed at the same
     * cutoff, miss it and differ (measured: a burst of ten times the capacity had 18% of its blocks
     * orphaned, and the transactions acknowledged by one node only waited for the blocks that node
     * won). The pool's capacity and the sender's limit bind relays as they bind clients.
     */
    private Pushback pushbackLocked(Transaction transaction, long now, boolean relayed) {
        PendingPool pool = state.pool();
        LedgerParameters parameters = state.parameters();
        if (pool.size() >= parameters.poolCapacity()) {
            return Pushback.poolFull(parameters.poolCapacity());
        }
        OptionalLong behind = relayed ? OptionalLong.empty()
                : backlog.refusal(now, pool.size(), templates.overdueLocked(now, backlog.overdueTolerated()));
        if (behind.isPresent()) {
            return Pushback.backlog(behind.getAsLong());
        }
        if (pool.countFrom(transaction.sender()) >= parameters.senderLimit()) {
            return Pushback.senderLimit(transaction.sender(), parameters.senderLimit(),
                    backlog.secondsToConfirm(now, pool.size()));
        }
        return null;
    }

    /** Appends a new transaction to the pool's journal and to the pool; durable once the answer is awaited. */
    private Added addLocked(Transaction transaction, long now, Long relayedEligibleFrom) {
        PendingTransaction pending = new PendingTransaction(transaction, now,
                PendingTransaction.eligibleOnArrival(transaction, now, relayedEligibleFrom));
        if (relayedEligibleFrom != null) {
            relayLag.record(now, pending.eligibleFrom());
        }
        PoolJournal.Durability durability = journal.appendPending(pending);
        state.pool().add(pending);
        return new Added(pending, durability);
    }

    /** A transaction taken into the pool, and the wait until its record is on disk. */
    private record Added(PendingTransaction pending, PoolJournal.Durability durability) {
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
        return TransactionRules.checkSignature(transaction, state.genesis().hash(),
                state.parameters().signaturesRequired());
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
        return state.read(() -> {
            Set<String> known = new HashSet<>(state.chain().transactionHeights(signed).keySet());
            signed.stream().filter(state.pool()::contains).forEach(known::add);
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
}
