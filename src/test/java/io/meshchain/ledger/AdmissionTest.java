package io.meshchain.ledger;

import io.meshchain.crypto.Signatures;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.RuleViolation;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.StoredChainCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static io.meshchain.ledger.ChainFixture.NOW;
import static io.meshchain.ledger.ChainFixture.OTHER_KEY;
import static io.meshchain.ledger.ChainFixture.mine;
import static io.meshchain.ledger.LedgerFixture.CAPACITY;
import static io.meshchain.ledger.LedgerFixture.INTERVAL;
import static io.meshchain.ledger.LedgerFixture.MAX_WAIT;
import static io.meshchain.ledger.LedgerFixture.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What the pool takes ({@link Admission}), through {@link ChainService}: a transaction or a batch
 * accepted and announced, a known one answered, an invalid one refused; the pool's capacity, a
 * sender's limit and a backlog the network cannot confirm in time pushing back; signatures and the
 * keys names are bound to checked; nothing acknowledged that the store did not keep.
 */
class AdmissionTest {

    private final LedgerFixture ledger = new LedgerFixture();
    private final ChainService service = ledger.service();
    private final MutableClock clock = ledger.clock();
    private final List<Object> events = ledger.events();
    private final InMemoryLedgerStore store = ledger.store();

    @Test
    void acceptedTransactionIsPendingAndAnnounced() {
        Transaction tx = ChainFixture.tx();
        Submission submission = service.submit(tx, "n2");

        assertThat(submission.created()).isTrue();
        assertThat(pending(service)).containsExactly(tx);
        assertThat(service.status(tx.id())).hasValueSatisfying(s -> assertThat(s.confirmed()).isFalse());
        assertThat(events).singleElement().isInstanceOfSatisfying(TransactionAccepted.class, accepted -> {
            assertThat(accepted.transaction()).isEqualTo(tx);
            assertThat(accepted.relayedBy()).isEqualTo(RelayedBy.of("n2"));
        });
    }

    @Test
    void aRelayOfATransactionHeldAlreadyIsCountedAsACopy() {
        Transaction tx = ChainFixture.tx();
        service.submit(tx, "n2");
        service.submit(tx, "n3");
        service.submitAll(List.of(tx, ChainFixture.tx()), "n4");
        service.submit(tx, null);

        assertThat(events).filteredOn(RelaysAlreadyHeld.class::isInstance)
                .containsExactly(new RelaysAlreadyHeld(1), new RelaysAlreadyHeld(1));
    }

    @Test
    void resubmissionIsIdempotent() {
        Transaction tx = ChainFixture.tx();
        service.submit(tx, null);
        Submission again = service.submit(tx, null);

        assertThat(again.created()).isFalse();
        assertThat(pending(service)).hasSize(1);
        assertThat(events).hasSize(1);
    }

    @Test
    void invalidTransactionIsRefused() {
        Transaction tx = new Transaction(ChainFixture.tx().id(), "alice", "forged", NOW);
        InvalidTransactionException e = catchThrowableOfType(InvalidTransactionException.class, () -> service.submit(tx, null));
        assertThat(e.violations()).extracting(v -> v.rule()).containsExactly("id-matches-contents");
        assertThat(pending(service)).isEmpty();
    }

    @Test
    void fullPoolRefusesNewTransactionsButNotKnownOnes() {
        List<Transaction> accepted = ledger.submitAll(CAPACITY);
        assertThatThrownBy(() -> service.submit(ChainFixture.tx(), null)).isInstanceOf(PushbackException.class);
        assertThat(service.submit(accepted.get(0), null).created()).isFalse();
    }

    @Test
    void aSenderWithItsLimitPendingIsPushedBackUntilSomeAreConfirmed() throws BlockRejectedException {
        ChainService limited = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY,
                StoredChainCheck.TAIL, 5, Duration.ZERO), clock, events::add, new InMemoryLedgerStore());
        List<Transaction> first = ChainFixture.txs(5);
        first.forEach(tx -> limited.submit(tx, "n2"));

        PushbackException e = catchThrowableOfType(PushbackException.class,
                () -> limited.submit(ChainFixture.tx(), "n2"));
        assertThat(e.pushback().rule()).as("a relayed transaction is judged alike").isEqualTo(Pushback.SENDER_LIMIT);
        assertThat(events).contains(new TransactionsRefused(Pushback.SENDER_LIMIT, 1));
        assertThat(limited.submit(Transaction.of("other", "welcome", NOW), null).created()).isTrue();

        MiningTemplate template = limited.dueTemplate().orElseThrow();
        limited.appendMined(ChainFixture.mine(template.index(), template.previousHash(), template.transactions(),
                template.timestamp(), template.difficulty()));
        assertThat(limited.submit(ChainFixture.tx(), null).created()).as("room once its block is mined").isTrue();
    }

    @Test
    void aBacklogTheNetworkCannotConfirmWithinTheTargetWaitIsPushedBack() throws BlockRejectedException {
        ChainService admitting = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, 1_000,
                StoredChainCheck.TAIL, 1_000, Duration.ofSeconds(10)), clock, events::add, new InMemoryLedgerStore());
        ChainFixture.txs(5).forEach(tx -> admitting.submit(tx, null));
        MiningTemplate template = admitting.dueTemplate().orElseThrow();
        admitting.appendMined(ChainFixture.mine(template.index(), template.previousHash(), template.transactions(),
                template.timestamp(), template.difficulty()));
        ChainFixture.txs(60).forEach(tx -> admitting.submit(tx, null)); // in time, since nothing is late yet

        clock.advance(Duration.ofSeconds(3)); // five confirmed in three seconds; 60 pending would take 36 s
        PushbackException e = catchThrowableOfType(PushbackException.class, () -> admitting.submit(ChainFixture.tx(), null));
        assertThat(e.pushback().rule()).isEqualTo(Pushback.BACKLOG);
        assertThat(e.pushback().retryAfterSeconds()).isEqualTo(10);
        BatchSubmission batch = admitting.submitAll(ChainFixture.txs(2), null);
        assertThat(batch.refused()).extracting(BatchSubmission.Refusal::rule)
                .containsExactly(Pushback.BACKLOG, Pushback.BACKLOG);
        assertThat(admitting.pendingCount()).isEqualTo(60);
        assertThat(admitting.confirmationRate()).hasValue(2);

        // A peer's relay of what it acknowledged is owed by the network: taken, or the pools would differ.
        assertThat(admitting.submitAll(ChainFixture.txs(2), "n2").accepted()).isEqualTo(2);
        assertThat(admitting.submit(ChainFixture.tx(), "n2").created()).isTrue();
        assertThat(admitting.pendingCount()).isEqualTo(63);
    }

    /**
     * With a block interval, a network that cannot keep up still mines every block on time, each one
     * full: the backlog waiting behind them, not a late block, says it is behind, and it is pushed back.
     */
    @Test
    void withABlockIntervalABacklogBehindFullBlocksMinedOnTimeIsPushedBack() throws BlockRejectedException {
        ChainService admitting = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, 1_000,
                StoredChainCheck.TAIL, 1_000, Duration.ofSeconds(10)).withBlockInterval(INTERVAL), clock, events::add,
                new InMemoryLedgerStore());
        ChainFixture.txs(100).forEach(tx -> admitting.submit(tx, null)); // twenty blocks' worth
        for (int second = 0; second < 4; second++) {
            clock.advance(INTERVAL);
            MiningTemplate template = admitting.dueTemplate().orElseThrow();
            assertThat(template.transactions()).as("a full block").hasSize(5);
            admitting.appendMined(mine(template));
            assertThat(admitting.dueTemplate()).as("mined on time: nothing more is due").isEmpty();
        }

        // Twenty confirmed in four seconds; the eighty pending would take sixteen, more than the target's ten.
        PushbackException e = catchThrowableOfType(PushbackException.class, () -> admitting.submit(ChainFixture.tx(), null));
        assertThat(e).as("pushed back").isNotNull();
        assertThat(e.pushback().rule()).isEqualTo(Pushback.BACKLOG);
    }

    /** A network with an interval that keeps up takes every transaction, however many blocks it mines. */
    @Test
    void withABlockIntervalANetworkThatKeepsUpRefusesNothing() throws BlockRejectedException {
        ChainService admitting = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, 1_000,
                StoredChainCheck.TAIL, 1_000, Duration.ofSeconds(10)).withBlockInterval(INTERVAL), clock, events::add,
                new InMemoryLedgerStore());
        for (int second = 0; second < 20; second++) {
            ChainFixture.txs(5).forEach(tx -> assertThat(admitting.submit(tx, null).created()).isTrue());
            clock.advance(INTERVAL);
            MiningTemplate template = admitting.dueTemplate().orElseThrow();
            admitting.appendMined(mine(template));
        }
        assertThat(admitting.pendingCount()).isZero();
    }

    /** A client that stamps a transaction at the dawn of time does not make the node's arithmetic wrap around. */
    @Test
    void aTransactionStampedLongAgoDoesNotTurnAdmissionControlOff() throws BlockRejectedException {
        ChainService admitting = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, 1_000,
                StoredChainCheck.TAIL, 1_000, Duration.ofSeconds(10)).withBlockInterval(INTERVAL), clock, events::add,
                new InMemoryLedgerStore());
        ChainFixture.txs(5).forEach(tx -> admitting.submit(tx, null));
        clock.advance(INTERVAL);
        MiningTemplate template = admitting.dueTemplate().orElseThrow();
        admitting.appendMined(mine(template));
        admitting.submit(Transaction.of("ancient", "stamped at the dawn of time", Long.MIN_VALUE), null);
        ChainFixture.txs(60).forEach(tx -> admitting.submit(tx, null));

        clock.advance(Duration.ofSeconds(3));

        PushbackException e = catchThrowableOfType(PushbackException.class, () -> admitting.submit(ChainFixture.tx(), null));
        assertThat(e).as("pushed back").isNotNull();
        assertThat(e.pushback().rule()).isEqualTo(Pushback.BACKLOG);
    }

    @Test
    void aTransactionStampedAheadOfTheClockDoesNotMakeAQuietNodeRefuseOthers() {
        ChainService admitting = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, 1_000,
                StoredChainCheck.TAIL, 1_000, Duration.ofSeconds(30)), clock, events::add, new InMemoryLedgerStore());
        admitting.submit(Transaction.of("early", "stamped by a fast clock", NOW + 115_000), null);

        clock.advance(Duration.ofSeconds(60));

        assertThat(admitting.dueTemplate()).as("not due before its time").isEmpty();
        assertThat(admitting.submit(Transaction.of("alice", "honest", NOW + 60_000), null).created()).isTrue();
        assertThat(admitting.submitAll(List.of(Transaction.of("bob", "honest too", NOW + 60_000)), null).accepted())
                .isEqualTo(1);
        assertThat(admitting.nextDueIn()).as("the honest ones are due once settled: the pool has waited long enough")
                .hasValue(BlockTemplates.MIN_SETTLE_MILLIS);
    }

    @Test
    void aBatchIsTakenTransactionByTransactionWithOneFlush() {
        Transaction known = ChainFixture.tx();
        service.submit(known, null);
        events.clear();
        int flushesBefore = store.flushesAwaited();
        List<Transaction> fresh = ChainFixture.txs(3);
        Transaction forged = new Transaction(ChainFixture.tx().id(), "alice", "forged", NOW);
        List<Transaction> batch = List.of(fresh.get(0), known, forged, fresh.get(1), fresh.get(0), fresh.get(2));

        BatchSubmission result = service.submitAll(batch, "n2");

        assertThat(result.accepted()).isEqualTo(3);
        assertThat(result.known()).as("one already pending, one twice in the batch").isEqualTo(2);
        assertThat(result.refused()).containsExactly(
                new BatchSubmission.Refusal(2, "id-matches-contents", result.refused().get(0).detail()));
        assertThat(pending(service)).containsExactly(known, fresh.get(0), fresh.get(1), fresh.get(2));
        assertThat(store.flushesAwaited() - flushesBefore).as("one flush for the batch").isEqualTo(1);
        assertThat(events).filteredOn(TransactionAccepted.class::isInstance).map(event -> (TransactionAccepted) event)
                .extracting(TransactionAccepted::transaction, TransactionAccepted::relayedBy)
                .containsExactly(tuple(fresh.get(0), RelayedBy.of("n2")), tuple(fresh.get(1), RelayedBy.of("n2")),
                        tuple(fresh.get(2), RelayedBy.of("n2")));
        assertThat(events).filteredOn(RelaysAlreadyHeld.class::isInstance).containsExactly(new RelaysAlreadyHeld(2));
    }

    @Test
    void transactionsAlreadyInABlockAreKnownToABatch() throws BlockRejectedException {
        List<Transaction> mined = ledger.submitAll(5);
        ledger.mineDue();
        Transaction fresh = ChainFixture.tx();
        List<Transaction> batch = new ArrayList<>(mined);
        batch.add(fresh);

        BatchSubmission result = service.submitAll(batch, null);

        assertThat(result.known()).isEqualTo(5);
        assertThat(result.accepted()).isEqualTo(1);
        assertThat(pending(service)).containsExactly(fresh);
    }

    @Test
    void aBatchThatFindsThePoolFullTakesWhatFitsAndRefusesTheRest() {
        ledger.submitAll(CAPACITY - 2);
        List<Transaction> batch = ChainFixture.txs(4);

        BatchSubmission result = service.submitAll(batch, null);

        assertThat(result.accepted()).isEqualTo(2);
        assertThat(result.refused()).extracting(BatchSubmission.Refusal::index, BatchSubmission.Refusal::rule)
                .containsExactly(tuple(2, Pushback.POOL_FULL),
                        tuple(3, Pushback.POOL_FULL));
        assertThat(pending(service)).hasSize(CAPACITY).contains(batch.get(0), batch.get(1));
    }

    @Test
    void aKnownSignedTransactionIsAnsweredWithoutVerifyingItsSignatureAgain() throws Exception {
        Transaction signed = ChainFixture.signed(service.genesis().hash(), "gzan3055", "signed", NOW - 60_000);
        service.submit(signed, null);
        // The same id with signature bytes that verify nothing: only a verification would tell.
        Transaction unverifiable = new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(),
                signed.publicKey(), Signatures.encode(new byte[Signatures.SIGNATURE_BYTES]));

        Submission again = service.submit(unverifiable, null);
        assertThat(again.created()).isFalse();
        assertThat(again.status().transaction()).as("the stored one").isEqualTo(signed);
        assertThat(service.submitAll(List.of(unverifiable), "n2").known()).isEqualTo(1);
        clock.advance(MAX_WAIT);
        ledger.mineDue();
        assertThat(service.submit(unverifiable, null).status().confirmed()).isTrue();
    }

    @Test
    void aKeyWrittenNonCanonicallyIsRefusedFromClientsAndInPeersBlocks() {
        Transaction canonical = ChainFixture.signed(service.genesis().hash(), "gzan3055", "binds", NOW - 60_000);
        Transaction sameKey = ChainFixture.withNonCanonicalKey(
                ChainFixture.signed(service.genesis().hash(), "gzan3055", "ahead", NOW + 15_000));

        assertThatThrownBy(() -> service.submit(sameKey, null)).isInstanceOf(InvalidTransactionException.class)
                .satisfies(e -> assertThat(((InvalidTransactionException) e).violations())
                        .extracting(RuleViolation::rule, RuleViolation::field).contains(tuple("key-encoding", "publicKey")));
        assertThat(service.submitAll(List.of(sameKey), null).refused()).extracting(BatchSubmission.Refusal::rule)
                .containsExactly("key-encoding");
        Block block = ChainFixture.mine(service.genesis(), List.of(canonical, ChainFixture.withNonCanonicalKey(
                ChainFixture.signed(service.genesis().hash(), "gzan3055", "again", NOW - 59_000))), NOW - 1_000);
        assertThatThrownBy(() -> service.adopt(List.of(block))).isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "valid-transactions").hasMessageContaining("key-encoding");
    }

    @Test
    void aConfirmedSignedTransactionBindsItsNameAndOtherKeysAreRefused() throws Exception {
        Transaction first = ChainFixture.signed(service.genesis().hash(), "gzan3055", "binds", NOW - 60_000);
        service.submit(first, null);
        clock.advance(service.parameters().maxWait());
        assertThat(service.binding("gzan3055")).as("pending binds nothing").isEmpty();
        Block block = ledger.mineDue();

        assertThat(service.binding("gzan3055")).contains(new SenderBinding(first.publicKey(), block.index()));
        Transaction unsigned = Transaction.of("gzan3055", "as anyone", NOW);
        Transaction otherKeys = ChainFixture.signed(OTHER_KEY, service.genesis().hash(), "gzan3055", "mine", NOW);
        for (Transaction refused : List.of(unsigned, otherKeys)) {
            assertThatThrownBy(() -> service.submit(refused, null)).isInstanceOf(InvalidTransactionException.class)
                    .satisfies(e -> assertThat(((InvalidTransactionException) e).violations())
                            .extracting(RuleViolation::rule).containsExactly("sender-key"));
        }
        assertThat(service.submitAll(List.of(unsigned, otherKeys), null).refused())
                .extracting(BatchSubmission.Refusal::rule).containsExactly("sender-key", "sender-key");
        Transaction sameKey = ChainFixture.signed(service.genesis().hash(), "gzan3055", "again", NOW);
        assertThat(service.submit(sameKey, null).created()).isTrue();
        assertThat(service.submit(Transaction.of("alice", "another name stays open", NOW), null).created()).isTrue();
    }

    @Test
    void aNetworkThatRequiresSignaturesTakesSignedTransactionsOnly() {
        ChainService required = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY,
                StoredChainCheck.TAIL, CAPACITY, Duration.ZERO, true), clock, events::add, new InMemoryLedgerStore());

        assertThatThrownBy(() -> required.submit(ChainFixture.tx(), null)).isInstanceOf(InvalidTransactionException.class)
                .satisfies(e -> assertThat(((InvalidTransactionException) e).violations())
                        .extracting(RuleViolation::rule).containsExactly("signature-required"));
        assertThat(required.submit(ChainFixture.signed(required.genesis().hash(), "gzan3055", "signed", NOW), null)
                .created()).isTrue();
    }

    @Test
    void submissionTheStoreCannotKeepIsNotAccepted() {
        store.failWrites(true);
        Transaction tx = ChainFixture.tx();

        assertThatThrownBy(() -> service.submit(tx, null)).isInstanceOf(StorageException.class);
        assertThat(pending(service)).isEmpty();
        assertThat(events).isEmpty();
    }

    /**
     * Without an interval, a pool holding a block's worth of transactions of which one key per name
     * can take only one is not a full block due: two keys racing for a name with many transactions
     * do not make a quiet node count itself behind and refuse its clients.
     */
    @Test
    void twoKeysRacingForANameWithManyTransactionsDoNotMakeANodeRefuseOthers() throws Exception {
        ChainService admitting = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, 1_000,
                StoredChainCheck.TAIL, 1_000, Duration.ofSeconds(10)), clock, events::add, new InMemoryLedgerStore());
        admitting.submit(Transaction.of("early", "confirmed first, for a rate", NOW - 90_000), null);
        clock.advance(MAX_WAIT);
        MiningTemplate first = admitting.dueTemplate().orElseThrow();
        admitting.appendMined(mine(first));
        admitting.submit(ChainFixture.signed(service.genesis().hash(), "victim", "first key", NOW - 60_000), null);
        for (int i = 0; i < 6; i++) {
            admitting.submit(ChainFixture.signed(OTHER_KEY, service.genesis().hash(), "victim", "other key " + i,
                    NOW - 59_000 + i), null);
        }

        clock.advance(Duration.ofSeconds(5)); // past the grace, within max-wait

        assertThat(admitting.submit(Transaction.of("alice", "honest", NOW), null).created()).isTrue();
    }
}
