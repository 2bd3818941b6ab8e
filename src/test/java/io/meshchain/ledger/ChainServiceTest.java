package io.meshchain.ledger;

import io.meshchain.crypto.Signatures;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.RuleViolation;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.StoredChainCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static io.meshchain.ledger.ChainFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class ChainServiceTest {

    private static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final int CAPACITY = 20;

    private final MutableClock clock = new MutableClock(NOW);
    private final List<Object> events = new ArrayList<>();
    private final InMemoryLedgerStore store = new InMemoryLedgerStore();
    private final ChainService service = new ChainService(
            new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY), clock, events::add, store);

    private Block mineDue() throws BlockRejectedException {
        MiningTemplate template = service.dueTemplate().orElseThrow();
        return service.appendMined(ChainFixture.mine(template.index(), template.previousHash(), template.transactions(),
                template.timestamp(), template.difficulty()));
    }

    private List<Transaction> submitAll(int count) {
        List<Transaction> transactions = ChainFixture.txs(count);
        transactions.forEach(tx -> service.submit(tx, null));
        return transactions;
    }

    private static List<Transaction> pending(ChainService service) {
        return service.pending(0, 1000).transactions();
    }

    private List<String> chainTransactionIds() {
        return service.page(0, Integer.MAX_VALUE).blocks().stream().flatMap(b -> b.transactionIds().stream()).toList();
    }

    @Test
    void startsFromTheNetworksGenesis() {
        assertThat(service.tip().height()).isZero();
        assertThat(service.tip().hash()).isEqualTo(Genesis.block(ChainFixture.DIFFICULTY).hash());
    }

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
        List<Transaction> accepted = submitAll(CAPACITY);
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
        assertThat(events).map(event -> (TransactionAccepted) event).extracting(TransactionAccepted::transaction,
                TransactionAccepted::relayedBy).containsExactly(tuple(fresh.get(0), RelayedBy.of("n2")),
                tuple(fresh.get(1), RelayedBy.of("n2")), tuple(fresh.get(2), RelayedBy.of("n2")));
    }

    @Test
    void transactionsAlreadyInABlockAreKnownToABatch() throws BlockRejectedException {
        List<Transaction> mined = submitAll(5);
        mineDue();
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
        submitAll(CAPACITY - 2);
        List<Transaction> batch = ChainFixture.txs(4);

        BatchSubmission result = service.submitAll(batch, null);

        assertThat(result.accepted()).isEqualTo(2);
        assertThat(result.refused()).extracting(BatchSubmission.Refusal::index, BatchSubmission.Refusal::rule)
                .containsExactly(tuple(2, Pushback.POOL_FULL),
                        tuple(3, Pushback.POOL_FULL));
        assertThat(pending(service)).hasSize(CAPACITY).contains(batch.get(0), batch.get(1));
    }

    @Test
    void noBlockIsDueForAnEmptyPool() {
        assertThat(service.dueTemplate()).isEmpty();
    }

    @Test
    void aBlockIsDueWhenThePoolHoldsAFullBlock() {
        submitAll(4);
        assertThat(service.dueTemplate()).isEmpty();
        submitAll(2);
        assertThat(service.dueTemplate()).hasValueSatisfying(t -> assertThat(t.transactions()).hasSize(5));
    }

    @Test
    void aLoneTransactionIsDueAfterMaxWait() {
        List<Transaction> lone = submitAll(1);
        clock.advance(MAX_WAIT.minusMillis(1));
        assertThat(service.dueTemplate()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(service.dueTemplate()).hasValueSatisfying(t -> assertThat(t.transactions()).isEqualTo(lone));
    }

    @Test
    void templateTakesTheOldestTransactionsFirst() {
        List<Transaction> transactions = submitAll(7);
        assertThat(service.template().transactions()).isEqualTo(transactions.subList(0, 5));
    }

    /**
     * Two nodes that received the same transactions in different orders (a relay and a client's
     * submission cross) make the same template, stamped with the newest transaction's timestamp
     * rather than their clocks: with the proof searched from 0 they seal the same block.
     */
    @Test
    void nodesHoldingTheSameTransactionsInAnyOrderBuildTheSameBlock() throws BlockRejectedException {
        List<Transaction> transactions = ChainFixture.txs(7);
        ChainService other = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY),
                new MutableClock(NOW + 1_234), event -> { }, new InMemoryLedgerStore());
        transactions.forEach(tx -> service.submit(tx, null));
        List<Transaction> reversed = new ArrayList<>(transactions);
        Collections.reverse(reversed);
        reversed.forEach(tx -> other.submit(tx, "n2"));

        MiningTemplate ours = service.dueTemplate().orElseThrow();
        MiningTemplate theirs = other.dueTemplate().orElseThrow();

        assertThat(theirs.transactions()).isEqualTo(ours.transactions()).isEqualTo(transactions.subList(0, 5));
        assertThat(theirs.timestamp()).isEqualTo(ours.timestamp()).isEqualTo(transactions.get(4).timestamp());
        Block block = mineDue();
        assertThat(ChainFixture.mine(theirs.index(), theirs.previousHash(), theirs.transactions(), theirs.timestamp(),
                theirs.difficulty()).hash()).isEqualTo(block.hash());
    }

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    /** A node of a network whose blocks come a second apart, holding up to five transactions. */
    private ChainService withInterval(MutableClock at) {
        return new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY)
                .withBlockInterval(INTERVAL), at, events::add, new InMemoryLedgerStore());
    }

    private static Block mine(MiningTemplate template) {
        return ChainFixture.mine(template.index(), template.previousHash(), template.transactions(),
                template.timestamp(), template.difficulty());
    }

    @Test
    void withABlockIntervalABlockIsDueAtItsCutoffAndHoldsWhatWasStampedUpToIt() throws Exception {
        ChainService node = withInterval(clock);
        long cutoff = (NOW + 999) / 1_000 * 1_000; // whole intervals after genesis (stamped 0), from NOW on
        Transaction first = Transaction.of("alice", "first", NOW - 300);
        Transaction second = Transaction.of("bob", "second", cutoff);
        Transaction after = Transaction.of("carol", "after the cutoff", cutoff + 1);
        List.of(first, second, after).forEach(tx -> node.submit(tx, null));

        clock.set(cutoff + BlockTemplates.MIN_SETTLE_MILLIS - 1);
        assertThat(node.dueTemplate()).as("the cutoff has not settled").isEmpty();
        assertThat(node.nextDueIn()).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        MiningTemplate template = node.dueTemplate().orElseThrow();
        assertThat(template.transactions()).containsExactly(first, second);
        assertThat(template.timestamp()).as("stamped with its cutoff").isEqualTo(cutoff);
        node.appendMined(mine(template));

        assertThat(node.nextDueIn()).as("the next block, an interval on")
                .hasValue(INTERVAL.toMillis());
        clock.advance(INTERVAL);
        assertThat(node.dueTemplate()).hasValueSatisfying(next -> {
            assertThat(next.transactions()).containsExactly(after);
            assertThat(next.timestamp()).isEqualTo(cutoff + INTERVAL.toMillis());
        });
    }

    /**
     * Nodes racing for a height all become due at the same moment; whenever each miner looks, and
     * whatever reached one of them after the cutoff, they seal the same block.
     */
    @Test
    void withABlockIntervalNodesHoldingTheSameTransactionsSealTheSameBlockWheneverTheyLook() {
        long cutoff = (NOW - 20 + 999) / 1_000 * 1_000;
        MutableClock early = new MutableClock(NOW - 10);
        MutableClock late = new MutableClock(NOW);
        ChainService ours = withInterval(early);
        ChainService theirs = withInterval(late);
        List<Transaction> stamped = List.of(Transaction.of("alice", "a", NOW - 20), Transaction.of("bob", "b", NOW - 10));
        stamped.forEach(tx -> ours.submit(tx, null));
        List.of(stamped.get(1), stamped.get(0)).forEach(tx -> theirs.submit(tx, "n2"));
        late.set(cutoff + 800);
        theirs.submit(Transaction.of("carol", "arrived after the cutoff", cutoff + 800), null);
        early.set(cutoff + BlockTemplates.MIN_SETTLE_MILLIS);
        late.set(cutoff + 900);

        MiningTemplate mine = ours.dueTemplate().orElseThrow();
        MiningTemplate other = theirs.dueTemplate().orElseThrow();

        assertThat(mine.transactions()).isEqualTo(stamped);
        assertThat(mine(other).hash()).isEqualTo(mine(mine).hash());
    }

    /**
     * A transaction stamped before a cutoff that reaches the nodes only after it (a client that stamps
     * and sends late), however little, goes into the next block on every node, rather than into the
     * block of one node that got it before it mined and not its peers'.
     */
    @Test
    void withABlockIntervalATransactionThatArrivesAfterItsCutoffGoesIntoTheNextBlockOnEveryNode()
            throws Exception {
        MutableClock first = new MutableClock(NOW - 300);
        MutableClock second = new MutableClock(NOW - 300);
        ChainService origin = withInterval(first);
        ChainService peer = withInterval(second);
        Transaction onTime = Transaction.of("alice", "on time", NOW - 300);
        origin.submit(onTime, null);
        peer.submit(onTime, "n1");
        Transaction late = Transaction.of("bob", "stamped before the cutoff, sent after it", NOW - 100);
        first.set(NOW + 20);
        origin.submit(late, null);
        second.set(NOW + 180);
        peer.submit(late, "n1");

        first.set(NOW + BlockTemplates.MIN_SETTLE_MILLIS);
        second.set(NOW + 500);
        MiningTemplate ours = origin.dueTemplate().orElseThrow();
        MiningTemplate theirs = peer.dueTemplate().orElseThrow();

        assertThat(ours.transactions()).containsExactly(onTime);
        assertThat(mine(theirs).hash()).isEqualTo(mine(ours).hash());
        origin.appendMined(mine(ours));
        first.set(NOW + 1_000 + BlockTemplates.MIN_SETTLE_MILLIS);
        assertThat(origin.dueTemplate()).hasValueSatisfying(next -> assertThat(next.transactions()).containsExactly(late));
    }

    /**
     * A peer that gets a transaction by relay after the first node took it holds the moment the first
     * node said the transaction may go into a block: they seal the same block, though the relay came
     * after the peer's cutoff would have left it out by its own arrival.
     */
    @Test
    void withABlockIntervalARelayedTransactionKeepsTheMomentTheFirstNodeGaveIt() throws Exception {
        MutableClock first = new MutableClock(NOW - 50);
        MutableClock second = new MutableClock(NOW + 150);
        List<Object> relayed = new ArrayList<>();
        ChainService origin = new ChainService(service.parameters().withBlockInterval(INTERVAL), first, relayed::add,
                new InMemoryLedgerStore());
        ChainService peer = withInterval(second);
        Transaction stampedEarlier = Transaction.of("alice", "stamped by its client, sent a little late", NOW - 500);
        origin.submit(stampedEarlier, null);
        TransactionAccepted accepted = (TransactionAccepted) relayed.get(0);
        peer.submit(stampedEarlier, RelayedBy.of("n1"), accepted.eligibleFrom());

        first.set(NOW + BlockTemplates.MIN_SETTLE_MILLIS);
        second.set(NOW + BlockTemplates.MIN_SETTLE_MILLIS);
        MiningTemplate ours = origin.dueTemplate().orElseThrow();
        assertThat(peer.dueTemplate()).as("the relay came 200 ms late: the peer waits that much longer").isEmpty();
        second.set(NOW + 200 + BlockTemplates.SETTLE_HEADROOM_MILLIS);
        MiningTemplate theirs = peer.dueTemplate().orElseThrow();

        assertThat(ours.transactions()).containsExactly(stampedEarlier);
        assertThat(mine(theirs).hash()).isEqualTo(mine(ours).hash());
    }

    /**
     * A peer that says a transaction reached the network long before it reached this node (a lie, or a
     * clock far behind) moves it no more than ten seconds before its arrival here, and the node still
     * seals a valid block with it, however the transaction was stamped.
     */
    @Test
    void withABlockIntervalARelayedMomentFarInThePastCountsAsTenSecondsBeforeTheArrival() throws Exception {
        ChainService node = withInterval(clock);
        Transaction ancient = Transaction.of("alice", "stamped and relayed as from the dawn of time", Long.MIN_VALUE);

        node.submit(ancient, RelayedBy.of("n2"), Long.MIN_VALUE);

        assertThat(events).last().isInstanceOfSatisfying(TransactionAccepted.class, accepted ->
                assertThat(accepted.eligibleFrom()).isEqualTo(NOW - PendingTransaction.MAX_RELAY_LAG_MILLIS));
        assertThat(node.settleMillis()).isEqualTo(BlockTemplates.MAX_SETTLE_MILLIS);
        MiningTemplate template = node.dueTemplate().orElseThrow();
        assertThat(template.transactions()).containsExactly(ancient);
        node.appendMined(mine(template));
        assertThat(node.tip().height()).isEqualTo(1);
    }

    /**
     * A client that gave one transaction to two nodes (a retry elsewhere) made each the first node, with
     * its own moment; their relays to each other bring both to the earlier one, and they seal the same
     * block, whether the relay came alone or in a batch.
     */
    @Test
    void withABlockIntervalATransactionGivenToTwoNodesTakesTheEarlierMomentOnBoth() throws Exception {
        nodesGivenOneTransactionSealTheSameBlock(false);
    }

    @Test
    void withABlockIntervalATransactionGivenToTwoNodesTakesTheEarlierMomentOnBothFromABatch() throws Exception {
        nodesGivenOneTransactionSealTheSameBlock(true);
    }

    private void nodesGivenOneTransactionSealTheSameBlock(boolean inABatch) throws Exception {
        MutableClock first = new MutableClock(NOW - 50);
        MutableClock second = new MutableClock(NOW + 150);
        ChainService one = withInterval(first);
        ChainService other = withInterval(second);
        Transaction retried = Transaction.of("alice", "sent to one node, then again to another", NOW - 500);
        one.submit(retried, null);
        other.submit(retried, null);

        if (inABatch) {
            other.submitAll(List.of(retried), RelayedBy.of("n1"), Map.of(retried.id(), NOW - 50));
        } else {
            other.submit(retried, RelayedBy.of("n1"), NOW - 50);
        }
        one.submit(retried, RelayedBy.of("n2"), NOW + 150);

        first.set(NOW + BlockTemplates.MIN_SETTLE_MILLIS);
        second.set(NOW + BlockTemplates.MIN_SETTLE_MILLIS);
        MiningTemplate ours = one.dueTemplate().orElseThrow();
        MiningTemplate theirs = other.dueTemplate().orElseThrow();
        assertThat(ours.transactions()).containsExactly(retried);
        assertThat(mine(theirs).hash()).isEqualTo(mine(ours).hash());
        other.appendMined(mine(theirs));
        assertThat(other.nextDueIn()).as("nothing left behind in the pool's order").isEmpty();
    }

    /**
     * Relays that reach a node long after the first node took their transactions make it wait that
     * much longer after a cutoff before it mines, up to a second, and only while they are recent.
     */
    @Test
    void withABlockIntervalRelaysThatComeLateMakeTheNodeWaitLongerBeforeItMines() {
        ChainService node = withInterval(clock);
        assertThat(node.settleMillis()).as("no relay yet").isEqualTo(BlockTemplates.MIN_SETTLE_MILLIS);

        node.submit(Transaction.of("alice", "relayed 600 ms after the first node took it", NOW - 700), RelayedBy.of("n2"), NOW - 600);

        long settle = 600 + BlockTemplates.SETTLE_HEADROOM_MILLIS;
        assertThat(node.settleMillis()).isEqualTo(settle);
        assertThat(node.nextDueIn()).as("the cutoff at NOW, passed by the margin").hasValue(settle);
        node.submit(Transaction.of("bob", "relayed five seconds late", NOW - 5_000), RelayedBy.of("n2"), NOW - 5_000);
        assertThat(node.settleMillis()).as("capped").isEqualTo(BlockTemplates.MAX_SETTLE_MILLIS);

        clock.advance(Duration.ofSeconds(11));
        assertThat(node.settleMillis()).as("the late relays have left the window").isEqualTo(BlockTemplates.MIN_SETTLE_MILLIS);
    }

    @Test
    void withABlockIntervalALoneTransactionIsSealedWithinAnIntervalAndTheSettleMargin() {
        ChainService node = withInterval(clock);
        node.submit(Transaction.of("alice", "alone", NOW), null);

        assertThat(node.nextDueIn().getAsLong())
                .isBetween(BlockTemplates.MIN_SETTLE_MILLIS, INTERVAL.toMillis() + BlockTemplates.MIN_SETTLE_MILLIS);
    }

    @Test
    void withABlockIntervalABlockStampedSoonerAfterItsParentIsRefused() {
        ChainService node = withInterval(new MutableClock(NOW + Duration.ofDays(1).toMillis()));
        Block spaced = ChainFixture.mine(node.genesis(), List.of(ChainFixture.tx()), NOW);
        Block tooSoon = ChainFixture.mine(spaced, List.of(ChainFixture.tx()), NOW + 999);

        assertThatThrownBy(() -> node.adopt(List.of(spaced, tooSoon))).isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "block-interval")
                .hasFieldOrPropertyWithValue("blockIndex", 2L);
    }

    /**
     * Two branches of equal work: the one whose first block after the fork is earlier is kept, though
     * the other's tip is the earlier, so the choice stays as both grow.
     */
    @Test
    void ofTwoBranchesOfEqualWorkTheOneThatPartedEarlierIsKeptWhateverTheirTips() throws Exception {
        Block genesis = service.genesis();
        Block a1 = ChainFixture.mine(genesis, List.of(ChainFixture.tx()), NOW - 50_000);
        Block a2 = ChainFixture.mine(a1, List.of(ChainFixture.tx()), NOW - 10_000);
        Block b1 = ChainFixture.mine(genesis, List.of(ChainFixture.tx()), NOW - 40_000);
        Block b2 = ChainFixture.mine(b1, List.of(ChainFixture.tx()), NOW - 30_000);
        service.adopt(List.of(a1, a2));

        assertThat(service.adopt(List.of(b1, b2))).as("its tip is earlier, its first block later")
                .isEqualTo(ChainService.Adoption.NOT_BETTER);
        assertThat(service.tip().hash()).isEqualTo(a2.hash());

        ChainService other = new ChainService(service.parameters(), clock, event -> { }, new InMemoryLedgerStore());
        other.adopt(List.of(b1, b2));
        assertThat(other.adopt(List.of(a1, a2))).isEqualTo(ChainService.Adoption.ADOPTED);
    }

    @Test
    void nextDueSaysWhenTheMinerShouldLookAgain() {
        assertThat(service.nextDueIn()).as("nothing pending").isEmpty();
        Transaction lone = ChainFixture.tx();
        service.submit(lone, null);
        assertThat(service.nextDueIn()).as("a lone transaction waits max-wait").hasValue(MAX_WAIT.toMillis());
        ChainFixture.txs(3).forEach(tx -> service.submit(tx, null));
        service.submit(Transaction.of("gzan3055", "just now", NOW), null);
        assertThat(service.nextDueIn()).as("a full block once the newest has settled").hasValue(BlockTemplates.MIN_SETTLE_MILLIS);
        clock.advance(Duration.ofMillis(BlockTemplates.MIN_SETTLE_MILLIS));
        assertThat(service.nextDueIn()).hasValue(0);
        assertThat(service.dueTemplate()).isPresent();
    }

    @Test
    void theMinerTakesATransactionOnceItHasSettledSoThatPeersHaveItToo() {
        ChainFixture.txs(4).forEach(tx -> service.submit(tx, null));
        Transaction fresh = Transaction.of("gzan3055", "just now", NOW);
        service.submit(fresh, null);

        assertThat(service.dueTemplate()).as("four settled, one just stamped: not yet a full block").isEmpty();
        clock.advance(Duration.ofMillis(BlockTemplates.MIN_SETTLE_MILLIS));
        assertThat(service.dueTemplate()).hasValueSatisfying(t -> assertThat(t.transactions()).hasSize(5).last()
                .isEqualTo(fresh));
    }

    @Test
    void minedBlockConfirmsItsTransactions() throws Exception {
        List<Transaction> transactions = submitAll(5);
        Block block = mineDue();

        assertThat(service.tip().hash()).isEqualTo(block.hash());
        assertThat(pending(service)).isEmpty();
        TransactionStatus status = service.status(transactions.get(2).id()).orElseThrow();
        assertThat(status.confirmed()).isTrue();
        assertThat(status.blockIndex()).isEqualTo(1);
        assertThat(status.blockHash()).isEqualTo(block.hash());
        assertThat(status.confirmations()).isEqualTo(1);
        assertThat(events).last().isInstanceOf(ChainAdvanced.class);
        assertThat(service.submit(transactions.get(2), null).created()).isFalse();
    }

    @Test
    void aBlockCompactsAStaleJournalWithoutRewritingTheChain() throws Exception {
        List<Transaction> transactions = submitAll(7);
        store.compactAbove(6);
        Block block = mineDue();

        assertThat(store.pendingRewrites()).isEqualTo(1);
        assertThat(store.blockRecords()).as("the chain's record is only appended to").containsExactly(List.of(block));
        assertThat(store.pending()).extracting(PendingTransaction::transaction)
                .containsExactlyElementsOf(transactions.subList(5, 7));
        assertThat(block.transactions()).isEqualTo(transactions.subList(0, 5));
    }

    @Test
    void workOnAMovedTipIsStale() throws Exception {
        submitAll(10);
        MiningTemplate first = service.dueTemplate().orElseThrow();
        mineDue();
        Block late = ChainFixture.mine(first.index(), first.previousHash(), service.template().transactions(),
                first.timestamp(), first.difficulty());
        assertThatThrownBy(() -> service.appendMined(late)).isInstanceOf(StaleWorkException.class);
        assertThat(service.version()).isNotEqualTo(first.ledgerVersion());
    }

    @Test
    void externalProofIsAcceptedForExactlyTheTemplate() throws Exception {
        List<Transaction> transactions = submitAll(2);
        MiningTemplate template = service.template();
        Block mined = ChainFixture.mine(template.index(), template.previousHash(), template.transactions(),
                template.timestamp(), template.difficulty());

        Block block = service.submitProof(new ProofSubmission(template.index(), template.previousHash(),
                template.timestamp(), transactions.stream().map(Transaction::id).toList(), mined.proof()));

        assertThat(block.hash()).isEqualTo(mined.hash());
        assertThat(service.tip().height()).isEqualTo(1);
    }

    @Test
    void externalProofThatMissesTheDifficultyIsRejected() {
        List<Transaction> transactions = submitAll(1);
        MiningTemplate template = service.template();
        Block unworked = ChainFixture.withoutWork(service.genesis(), template.transactions(), template.timestamp());

        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class, () -> service.submitProof(
                new ProofSubmission(1, template.previousHash(), template.timestamp(), List.of(transactions.get(0).id()),
                        unworked.proof())));
        assertThat(e.rule()).isEqualTo("proof-of-work");
        assertThat(service.tip().height()).isZero();
    }

    @Test
    void externalProofForATransactionNoLongerPendingIsStale() {
        assertThatThrownBy(() -> service.submitProof(new ProofSubmission(1, service.genesis().hash(), NOW,
                List.of(ChainFixture.tx().id()), 0))).isInstanceOf(StaleWorkException.class);
    }

    @Test
    void betterChainIsAdoptedAndOrphanedTransactionsReturnToThePool() throws Exception {
        List<Transaction> ours = submitAll(5);
        mineDue();
        // A competing chain from genesis, two blocks long, holding one of our transactions and two others.
        Transaction shared = ours.get(0);
        Block b1 = ChainFixture.mine(service.genesis(), List.of(shared, ChainFixture.tx()), NOW);
        Block b2 = ChainFixture.mine(b1, List.of(ChainFixture.tx()), NOW + 1);

        assertThat(service.adopt(List.of(b1, b2))).isEqualTo(ChainService.Adoption.ADOPTED);

        assertThat(service.tip().hash()).isEqualTo(b2.hash());
        assertThat(pending(service)).containsExactlyElementsOf(ours.subList(1, 5));
        List<String> everything = Stream.concat(chainTransactionIds().stream(),
                pending(service).stream().map(Transaction::id)).toList();
        assertThat(everything).doesNotHaveDuplicates()
                .containsAll(ours.stream().map(Transaction::id).toList());
        ChainAdvanced event = (ChainAdvanced) events.get(events.size() - 1);
        assertThat(event.cause()).isEqualTo(ChainAdvanced.Cause.ADOPTED);
        assertThat(event.removed()).hasSize(1);
        assertThat(event.added()).containsExactly(b1, b2);
    }

    /**
     * Listeners hear of changes in the order they were made, even when a later change is on disk
     * before an earlier one: the block stream tells clients of blocks in the chain's order.
     */
    @Test
    void changesAreAnnouncedInTheOrderTheyWereMadeWhateverForceReturnsFirst() throws Exception {
        List<Object> heard = Collections.synchronizedList(new ArrayList<>());
        InMemoryLedgerStore slow = new InMemoryLedgerStore();
        ChainService ordered = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY),
                clock, heard::add, slow);
        Block first = ChainFixture.mine(ordered.genesis(), List.of(ChainFixture.tx()), NOW);
        Block second = ChainFixture.mine(first, List.of(ChainFixture.tx()), NOW + 1);
        CountDownLatch firstForced = new CountDownLatch(1);
        slow.holdNextForce(firstForced);
        ExecutorService adopters = Executors.newFixedThreadPool(2);
        try {
            Future<ChainService.Adoption> firstAdopted = adopters.submit(() -> ordered.adopt(List.of(first)));
            await().atMost(Duration.ofSeconds(5)).until(() -> ordered.tip().height() == 1);
            Future<ChainService.Adoption> secondAdopted = adopters.submit(() -> ordered.adopt(List.of(second)));
            await().atMost(Duration.ofSeconds(5)).until(() -> ordered.tip().height() == 2);

            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> heard.stream().noneMatch(ChainAdvanced.class::isInstance));
            firstForced.countDown();
            assertThat(firstAdopted.get(5, TimeUnit.SECONDS)).isEqualTo(ChainService.Adoption.ADOPTED);
            assertThat(secondAdopted.get(5, TimeUnit.SECONDS)).isEqualTo(ChainService.Adoption.ADOPTED);
        } finally {
            adopters.shutdownNow();
        }
        assertThat(heard.stream().filter(ChainAdvanced.class::isInstance).map(e -> ((ChainAdvanced) e).tip().height()))
                .containsExactly(1L, 2L);
    }

    @Test
    void aChainBackDatedToTheEpochIsRefusedByTheMedianTimePast() {
        Block genesis = service.genesis();
        Block atEpoch = ChainFixture.mine(genesis, List.of(ChainFixture.tx()), genesis.timestamp());
        Block next = ChainFixture.mine(atEpoch, List.of(ChainFixture.tx()), genesis.timestamp() + 1);

        assertThatThrownBy(() -> service.adopt(List.of(atEpoch, next)))
                .isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "timestamp-after-median-time-past");
        assertThat(service.tip().height()).isZero();
    }

    /**
     * Eleven blocks on genesis, the last six of them stamped alike: the median of the last eleven
     * timestamps is then the tip's own.
     */
    private List<Block> chainWhoseLastSixBlocksShareATimestamp() {
        List<Block> chain = new ArrayList<>();
        Block tip = service.genesis();
        for (int i = 0; i < 11; i++) {
            tip = ChainFixture.mine(tip, List.of(ChainFixture.tx()), NOW - 100 + Math.min(i, 5));
            chain.add(tip);
        }
        return chain;
    }

    @Test
    void aPeersChainIsCheckedAgainstTheMedianOfItsOwnLastBlocks() throws Exception {
        // A block stamped like the last six is refused although it is not before its parent.
        List<Block> chain = chainWhoseLastSixBlocksShareATimestamp();
        Block tip = chain.get(chain.size() - 1);
        assertThat(service.adopt(chain)).isEqualTo(ChainService.Adoption.ADOPTED);
        Block sameAgain = ChainFixture.mine(tip, List.of(ChainFixture.tx()), tip.timestamp());

        assertThatThrownBy(() -> service.adopt(List.of(sameAgain)))
                .isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "timestamp-after-median-time-past");
    }

    @Test
    void theTemplateIsStampedAfterTheMedianTimePastSoTheMinersBlockIsValid() throws Exception {
        List<Block> chain = chainWhoseLastSixBlocksShareATimestamp();
        Block tip = chain.get(chain.size() - 1);
        service.adopt(chain);
        Transaction older = Transaction.of("gzan3055", "stamped before the tip", NOW - 1_000);
        service.submit(older, null);

        MiningTemplate template = service.template();

        assertThat(template.timestamp()).as("a millisecond after the median, which is the tip's timestamp")
                .isEqualTo(tip.timestamp() + 1);
        Block mined = ChainFixture.mine(tip, template.transactions(), template.timestamp());
        assertThat(service.appendMined(mined).hash()).isEqualTo(service.tip().hash());
    }

    @Test
    void aSignedTransactionIsMinedIntoABlockThatCommitsToItsSignature() throws Exception {
        Transaction signed = ChainFixture.signed(service.genesis().hash(), "gzan3055", "signed", NOW - 60_000);
        service.submit(signed, null);
        clock.advance(service.parameters().maxWait());

        Block block = mineDue();

        assertThat(block.transactions()).containsExactly(signed);
        assertThat(service.status(signed.id())).hasValueSatisfying(status -> assertThat(status.confirmed()).isTrue());
        Transaction otherSignature = new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(),
                signed.publicKey(), ChainFixture.signed(service.genesis().hash(), "gzan3055", "x", NOW).signature());
        assertThat(new Block(block.index(), block.timestamp(), block.previousHash(), block.difficulty(), block.proof(),
                List.of(otherSignature), block.hash()).computeHash()).as("a swapped signature changes the hash")
                .isNotEqualTo(block.hash());
    }

    @Test
    void aLongSignedSuffixIsVerifiedInParallelAndAForgeryAmongItNamesItsBlock() throws Exception {
        List<Block> honest = new ArrayList<>();
        List<Block> forgedAtFour = new ArrayList<>();
        Block tip = service.genesis();
        Block forgedTip = service.genesis();
        for (int i = 0; i < 8; i++) {
            List<Transaction> signed = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                signed.add(ChainFixture.signed(service.genesis().hash(), "gzan3055", "block " + i + " tx " + t,
                        NOW - 60_000 + i * 10 + t));
            }
            tip = ChainFixture.mine(tip, signed, NOW - 50_000 + i);
            honest.add(tip);
            if (i == 4) {
                Transaction original = signed.get(2);
                signed.set(2, new Transaction(original.id(), original.sender(), original.content(), original.timestamp(),
                        original.publicKey(), signed.get(1).signature()));
            }
            forgedTip = ChainFixture.mine(forgedTip, signed, NOW - 50_000 + i);
            forgedAtFour.add(forgedTip);
        }
        assertThat(honest.stream().mapToInt(block -> block.transactions().size()).sum())
                .isGreaterThanOrEqualTo(ChainSwitch.PARALLEL_VERIFICATION);

        assertThatThrownBy(() -> service.adopt(forgedAtFour)).isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "valid-signatures")
                .hasFieldOrPropertyWithValue("blockIndex", 5L);
        assertThat(service.adopt(honest)).isEqualTo(ChainService.Adoption.ADOPTED);
        assertThat(service.tip().hash()).isEqualTo(tip.hash());
    }

    @Test
    void aPeersBlockWithAForgedSignatureIsRefused() {
        Transaction signed = ChainFixture.signed(service.genesis().hash(), "gzan3055", "signed", NOW - 60_000);
        Transaction forged = new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(),
                signed.publicKey(), ChainFixture.signed(service.genesis().hash(), "gzan3055", "x", NOW).signature());
        Block block = ChainFixture.mine(service.genesis(), List.of(forged), NOW - 1_000);

        assertThatThrownBy(() -> service.adopt(List.of(block)))
                .isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "valid-signatures");
        assertThat(service.tip().height()).isZero();
    }

    @Test
    void aPeersBlockCopyingAPendingTransactionWithForgedSignatureBytesIsRefused() {
        Transaction pending = ChainFixture.signed(service.genesis().hash(), "gzan3055", "signed", NOW - 60_000);
        service.submit(pending, null);
        byte[] random = new byte[64];
        new Random(7).nextBytes(random);
        Transaction copy = new Transaction(pending.id(), pending.sender(), pending.content(), pending.timestamp(),
                pending.publicKey(), Signatures.encode(random));
        Block block = ChainFixture.mine(service.genesis(), List.of(copy), NOW - 1_000);

        assertThatThrownBy(() -> service.adopt(List.of(block)))
                .isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "valid-signatures");
        assertThat(service.tip().height()).isZero();
        assertThat(service.status(pending.id())).hasValueSatisfying(status -> {
            assertThat(status.confirmed()).isFalse();
            assertThat(status.transaction()).isEqualTo(pending);
        });
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
        mineDue();
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

    private static final byte[] OTHER_KEY = HexFormat.of()
            .parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");

    @Test
    void aConfirmedSignedTransactionBindsItsNameAndOtherKeysAreRefused() throws Exception {
        Transaction first = ChainFixture.signed(service.genesis().hash(), "gzan3055", "binds", NOW - 60_000);
        service.submit(first, null);
        clock.advance(service.parameters().maxWait());
        assertThat(service.binding("gzan3055")).as("pending binds nothing").isEmpty();
        Block block = mineDue();

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
    void twoKeysRacingForANameTheFirstConfirmedHasItAndTheOthersLeaveThePool() throws Exception {
        Transaction mine = ChainFixture.signed(service.genesis().hash(), "gzan3055", "mine", NOW - 60_000);
        Transaction theirs = ChainFixture.signed(OTHER_KEY, service.genesis().hash(), "gzan3055", "theirs", NOW - 59_000);
        service.submit(mine, null);
        service.submit(theirs, null);
        clock.advance(service.parameters().maxWait());

        Block block = mineDue();

        assertThat(block.transactions()).as("one key per name in a block").containsExactly(mine);
        assertThat(service.binding("gzan3055")).map(SenderBinding::publicKey).contains(mine.publicKey());
        assertThat(pending(service)).as("the other key's transaction can never be mined").isEmpty();
    }

    @Test
    void anUnsignedTransactionAcknowledgedBeforeItsNameIsBoundIsMinedAheadOfTheBinding() throws Exception {
        Transaction alices = Transaction.of("alice", "acknowledged while the name was open", NOW - 50_000);
        service.submit(alices, null);
        Transaction binding = ChainFixture.signed(service.genesis().hash(), "alice", "binds, stamped earlier",
                NOW - 60_000);
        service.submit(binding, null);
        clock.advance(MAX_WAIT);

        Block block = mineDue();

        assertThat(block.transactions()).as("the open name's transaction first, then the binding")
                .containsExactly(alices, binding);
        assertThat(service.status(alices.id())).hasValueSatisfying(status -> assertThat(status.confirmed()).isTrue());
        assertThat(service.binding("alice")).map(SenderBinding::publicKey).contains(binding.publicKey());
        assertThatThrownBy(() -> service.submit(Transaction.of("alice", "after the binding", NOW), null))
                .isInstanceOf(InvalidTransactionException.class);
    }

    @Test
    void aReorganisationThatAbandonsTheBindingBlockUndoesTheBinding() throws Exception {
        Transaction binding = ChainFixture.signed(service.genesis().hash(), "gzan3055", "binds", NOW - 60_000);
        Block ours = ChainFixture.mine(service.genesis(), List.of(binding), NOW - 50_000);
        service.adopt(List.of(ours));
        assertThat(service.binding("gzan3055")).isPresent();

        Transaction theirs = ChainFixture.signed(OTHER_KEY, service.genesis().hash(), "gzan3055", "theirs", NOW - 40_000);
        Block b1 = ChainFixture.mine(service.genesis(), List.of(theirs), NOW - 30_000);
        Block b2 = ChainFixture.mine(b1, List.of(Transaction.of("alice", "another name", NOW - 20_000)), NOW - 20_000);
        assertThat(service.adopt(List.of(b1, b2))).isEqualTo(ChainService.Adoption.ADOPTED);

        assertThat(service.binding("gzan3055")).as("bound by the new chain's block")
                .contains(new SenderBinding(theirs.publicKey(), 1));
        assertThat(pending(service)).as("the abandoned binding transaction cannot be mined on this chain")
                .doesNotContain(binding);
    }

    @Test
    void chainWithLessWorkIsNotAdopted() throws Exception {
        submitAll(10);
        mineDue();
        Block tip = mineDue();
        Block competitor = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), NOW);

        assertThat(service.adopt(List.of(competitor))).isEqualTo(ChainService.Adoption.NOT_BETTER);
        assertThat(service.tip().hash()).isEqualTo(tip.hash());
    }

    @Test
    void equalWorkTheEarlierTipIsAdopted() throws Exception {
        submitAll(5);
        Block ours = mineDue();
        Block later = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), ours.timestamp() + 1);
        Block earlier = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), ours.timestamp() - 1);

        assertThat(service.adopt(List.of(later))).isEqualTo(ChainService.Adoption.NOT_BETTER);
        assertThat(service.adopt(List.of(earlier))).isEqualTo(ChainService.Adoption.ADOPTED);
        assertThat(service.tip().hash()).isEqualTo(earlier.hash());
    }

    @Test
    void longerChainWithAnInvalidBlockIsRefusedAndNothingChanges() throws Exception {
        List<Transaction> ours = submitAll(5);
        Block tip = mineDue();
        Block b1 = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), NOW);
        Block bad = ChainFixture.withoutWork(b1, List.of(ChainFixture.tx()), NOW + 1);
        Block b3 = ChainFixture.mine(bad, List.of(ChainFixture.tx()), NOW + 2);

        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class,
                () -> service.adopt(List.of(b1, bad, b3)));

        assertThat(e.rule()).isEqualTo("proof-of-work");
        assertThat(e.blockIndex()).isEqualTo(2);
        assertThat(service.tip().hash()).isEqualTo(tip.hash());
        assertThat(chainTransactionIds()).containsExactlyElementsOf(ours.stream().map(Transaction::id).toList());
    }

    @Test
    void chainRepeatingATransactionBelowTheForkIsRefused() throws Exception {
        List<Transaction> ours = submitAll(5);
        Block tip = mineDue();
        Block b2 = ChainFixture.mine(tip, List.of(ours.get(0)), NOW + 1);

        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class, () -> service.adopt(List.of(b2)));
        assertThat(e.rule()).isEqualTo("unique-transactions");
    }

    @Test
    void blocksThatDoNotAttachAreNotConnected() throws Exception {
        Block stranger = ChainFixture.mine(5, "1".repeat(64), List.of(ChainFixture.tx()), NOW, ChainFixture.DIFFICULTY);
        assertThat(service.adopt(List.of(stranger))).isEqualTo(ChainService.Adoption.NOT_CONNECTED);
    }

    @Test
    void pagesOfTheChainAreServedInOrder() throws Exception {
        submitAll(15);
        mineDue();
        mineDue();
        mineDue();
        ChainPage page = service.page(1, 2);
        assertThat(page.height()).isEqualTo(3);
        assertThat(page.blocks()).extracting(Block::index).containsExactly(1L, 2L);
        assertThat(service.page(4, 10).blocks()).isEmpty();
        assertThat(service.block(page.blocks().get(0).hash())).contains(page.blocks().get(0));
    }

    @Test
    void everyChangeIsRecordedInTheStore() throws Exception {
        List<Transaction> transactions = submitAll(5);
        Block mined = mineDue();
        Block b1 = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), NOW);
        Block b2 = ChainFixture.mine(b1, List.of(ChainFixture.tx()), NOW + 1);
        service.adopt(List.of(b1, b2));

        assertThat(store.pending()).extracting(PendingTransaction::transaction).containsExactlyElementsOf(transactions);
        assertThat(store.blockRecords()).containsExactly(List.of(mined), List.of(b1, b2));
    }

    @Test
    void submissionTheStoreCannotKeepIsNotAccepted() {
        store.failWrites(true);
        Transaction tx = ChainFixture.tx();

        assertThatThrownBy(() -> service.submit(tx, null)).isInstanceOf(StorageException.class);
        assertThat(pending(service)).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void blockTheStoreCannotKeepIsNotAppended() {
        List<Transaction> transactions = submitAll(5);
        store.failWrites(true);

        assertThatThrownBy(this::mineDue).isInstanceOf(StorageException.class);
        assertThat(service.tip().height()).isZero();
        assertThat(pending(service)).isEqualTo(transactions);
    }

    @Test
    void chainTheStoreCannotKeepIsNotAdopted() {
        store.failWrites(true);
        assertThatThrownBy(() -> service.adopt(ChainFixture.extend(service.genesis(), 2)))
                .isInstanceOf(StorageException.class);
        assertThat(service.tip().height()).isZero();
    }

    @Test
    void restoresTheStoredChainAndPoolWithoutTransactionsTheChainHolds() {
        List<Block> chain = ChainFixture.extend(Genesis.block(ChainFixture.DIFFICULTY), 3);
        Transaction confirmed = chain.get(1).transactions().get(0);
        Transaction waiting = ChainFixture.tx();
        InMemoryLedgerStore stored = InMemoryLedgerStore.holding(chain,
                List.of(new PendingTransaction(confirmed, NOW), new PendingTransaction(waiting, NOW)));

        ChainService restored = new ChainService(service.parameters(), clock, events::add, stored);

        assertThat(restored.tip().hash()).isEqualTo(chain.get(2).hash());
        assertThat(pending(restored)).containsExactly(waiting);
        assertThat(restored.status(confirmed.id())).hasValueSatisfying(status -> assertThat(status.blockIndex()).isEqualTo(2));
        assertThat(stored.blockRecords()).as("start-up writes no block").isEmpty();
        assertThat(stored.pendingRewrites()).as("nor rewrites a small journal").isZero();
    }

    @Test
    void storedChainThatBreaksARuleStopsTheNodeInsteadOfBeingDiscarded() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        Block good = ChainFixture.mine(genesis, List.of(ChainFixture.tx()), NOW);
        Block bad = ChainFixture.withoutWork(good, List.of(ChainFixture.tx()), NOW + 1);
        InMemoryLedgerStore stored = InMemoryLedgerStore.holding(List.of(good, bad), List.of());

        assertThatThrownBy(() -> new ChainService(service.parameters(), clock, events::add, stored))
                .isInstanceOf(StoredChainInvalidException.class)
                .hasMessageContaining("block 2")
                .hasMessageContaining("proof-of-work");
        assertThat(stored.blockRecords()).isEmpty();
        assertThat(stored.pendingRewrites()).isZero();
    }

    /** A clock set back after blocks were taken does not make them invalid: only a block new to the node is held to the clock. */
    @Test
    void aNodeStartsOnItsOwnChainAfterItsClockWasSetBack() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> stored = ChainFixture.extend(genesis, 3);
        long tip = stored.get(2).timestamp();

        ChainService restarted = new ChainService(service.parameters(), new MutableClock(tip - 600_000), events::add,
                InMemoryLedgerStore.holding(stored, List.of()));

        assertThat(restarted.tip().hash()).isEqualTo(stored.get(2).hash());
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

    @Test
    void startUpChecksTheTailAndAFullCheckEveryBlock() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> chain = new ArrayList<>(ChainFixture.extend(genesis, 2));
        chain.add(ChainFixture.withoutWork(chain.get(1), List.of(ChainFixture.tx()), NOW));
        chain.addAll(ChainFixture.extend(chain.get(2), 2 * LedgerStartup.TAIL_CHECK_BLOCKS));
        LedgerParameters full = new LedgerParameters(ChainFixture.DIFFICULTY, 5, MAX_WAIT, CAPACITY,
                StoredChainCheck.FULL);
        MutableClock later = new MutableClock(NOW + Duration.ofDays(1).toMillis());

        ChainService tailChecked = new ChainService(service.parameters(), later, events::add,
                InMemoryLedgerStore.holding(chain, List.of()));
        assertThat(tailChecked.tip().height()).as("block 3 is below the tail").isEqualTo(chain.size());

        assertThatThrownBy(() -> new ChainService(full, later, events::add, InMemoryLedgerStore.holding(chain, List.of())))
                .isInstanceOf(StoredChainInvalidException.class).hasMessageContaining("block 3")
                .hasMessageContaining("proof-of-work");
        assertThatThrownBy(() -> new ChainService(service.parameters(), later, events::add,
                InMemoryLedgerStore.rebuilt(chain)))
                .as("an index built anew is followed by a full check").isInstanceOf(StoredChainInvalidException.class);
    }

    @Test
    void fullCheckAfterARebuildIsRecordedOnlyWhenEveryBlockPasses() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> good = ChainFixture.extend(genesis, 3 * LedgerStartup.TAIL_CHECK_BLOCKS);
        MutableClock later = new MutableClock(NOW + Duration.ofDays(1).toMillis());
        InMemoryLedgerStore rebuilt = InMemoryLedgerStore.rebuilt(good);

        new ChainService(service.parameters(), later, events::add, rebuilt);

        assertThat(rebuilt.fullCheckDue()).as("checked once, not at every start").isFalse();

        List<Block> bad = new ArrayList<>(ChainFixture.extend(genesis, 1));
        bad.add(ChainFixture.withoutWork(bad.get(0), List.of(ChainFixture.tx()), NOW));
        bad.addAll(ChainFixture.extend(bad.get(1), 2 * LedgerStartup.TAIL_CHECK_BLOCKS));
        InMemoryLedgerStore damaged = InMemoryLedgerStore.rebuilt(bad);
        assertThatThrownBy(() -> new ChainService(service.parameters(), later, events::add, damaged))
                .isInstanceOf(StoredChainInvalidException.class);
        assertThat(damaged.fullCheckDue()).as("asked for again at the next start").isTrue();
    }

    @Test
    void reorganisationBelowTheBlocksKeptInMemoryReadsThemFromTheStore() throws Exception {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> ours = ChainFixture.extend(genesis, Chain.RECENT_DEPTH + 200);
        MutableClock later = new MutableClock(NOW + Duration.ofDays(1).toMillis());
        InMemoryLedgerStore stored = InMemoryLedgerStore.holding(ours, List.of());
        ChainService node = new ChainService(service.parameters(), later, events::add, stored);
        List<Block> branch = ChainFixture.extend(ours.get(99), Chain.RECENT_DEPTH + 150);

        assertThat(node.adopt(branch)).isEqualTo(ChainService.Adoption.ADOPTED);

        assertThat(node.tip().hash()).isEqualTo(branch.get(branch.size() - 1).hash());
        assertThat(node.hashAt(100)).contains(ours.get(99).hash());
        assertThat(node.hashAt(101)).contains(branch.get(0).hash());
        List<Transaction> abandoned = ours.subList(100, ours.size()).stream()
                .flatMap(block -> block.transactions().stream()).toList();
        assertThat(stored.returned()).singleElement().satisfies(returned -> assertThat(returned)
                .extracting(PendingTransaction::transaction).containsExactlyElementsOf(abandoned));
        assertThat(node.pending(0, 1000).transactions()).isEqualTo(abandoned.subList(0, 1000));
        assertThat(node.pending(0, 1).total()).isEqualTo(abandoned.size());
    }

    @Test
    void forkDeeperThanAReorganisationReachesIsNotFollowed() throws Exception {
        int depth = 50;
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> ours = ChainFixture.extend(genesis, depth + 1);
        MutableClock later = new MutableClock(NOW + Duration.ofDays(1).toMillis());
        ChainService node = new ChainService(service.parameters().withMaxReorgDepth(depth), later, events::add,
                InMemoryLedgerStore.holding(ours, List.of()));
        List<Block> branch = ChainFixture.extend(genesis, depth + 5);

        assertThat(node.adopt(branch)).isEqualTo(ChainService.Adoption.TOO_DEEP);
        assertThat(node.tip().hash()).isEqualTo(ours.get(ours.size() - 1).hash());
        List<Block> fromBlockOne = ChainFixture.extend(ours.get(0), depth + 5);
        assertThat(node.adopt(fromBlockOne)).as("a fork from block 1: exactly as deep as allowed")
                .isEqualTo(ChainService.Adoption.ADOPTED);
    }

    @Test
    void pendingPoolIsReadAPageAtATime() {
        List<Transaction> transactions = submitAll(12);
        PendingPage page = service.pending(5, 4);
        assertThat(page.total()).isEqualTo(12);
        assertThat(page.offset()).isEqualTo(5);
        assertThat(page.transactions()).isEqualTo(transactions.subList(5, 9));
        assertThat(service.pending(10, 100).transactions()).isEqualTo(transactions.subList(10, 12));
        assertThat(service.pending(12, 100).transactions()).isEmpty();
    }

    @Test
    void blockClaimingAbsurdWorkIsRefusedByRuleWithoutComputingIt() {
        Block honest = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), NOW);
        Block absurd = new Block(honest.index(), honest.timestamp(), honest.previousHash(), Integer.MAX_VALUE,
                honest.proof(), honest.transactions(), honest.hash());

        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class,
                () -> service.adopt(List.of(absurd)));
        assertThat(e.rule()).isEqualTo("network-difficulty");
        assertThat(service.tip().height()).isZero();
    }
}
