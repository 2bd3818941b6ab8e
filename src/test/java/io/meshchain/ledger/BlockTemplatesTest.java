package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static io.meshchain.ledger.ChainFixture.NOW;
import static io.meshchain.ledger.ChainFixture.mine;
import static io.meshchain.ledger.LedgerFixture.CAPACITY;
import static io.meshchain.ledger.LedgerFixture.INTERVAL;
import static io.meshchain.ledger.LedgerFixture.MAX_WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the next block holds and when it is due ({@link BlockTemplates}), through {@link ChainService}:
 * a full block at once and a lone transaction after the maximum wait, the pool's canonical order so
 * that nodes holding the same transactions seal the same block, a block interval's cutoffs and the
 * settle margin late relays widen, a template stamped after the median time past, and the
 * transactions of a name that the block itself binds.
 */
class BlockTemplatesTest {

    private final LedgerFixture ledger = new LedgerFixture();
    private final ChainService service = ledger.service();
    private final MutableClock clock = ledger.clock();
    private final List<Object> events = ledger.events();

    @Test
    void noBlockIsDueForAnEmptyPool() {
        assertThat(service.dueTemplate()).isEmpty();
    }

    @Test
    void aBlockIsDueWhenThePoolHoldsAFullBlock() {
        ledger.submitAll(4);
        assertThat(service.dueTemplate()).isEmpty();
        ledger.submitAll(2);
        assertThat(service.dueTemplate()).hasValueSatisfying(t -> assertThat(t.transactions()).hasSize(5));
    }

    @Test
    void aLoneTransactionIsDueAfterMaxWait() {
        List<Transaction> lone = ledger.submitAll(1);
        clock.advance(MAX_WAIT.minusMillis(1));
        assertThat(service.dueTemplate()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(service.dueTemplate()).hasValueSatisfying(t -> assertThat(t.transactions()).isEqualTo(lone));
    }

    @Test
    void templateTakesTheOldestTransactionsFirst() {
        List<Transaction> transactions = ledger.submitAll(7);
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
        Block block = ledger.mineDue();
        assertThat(ChainFixture.mine(theirs.index(), theirs.previousHash(), theirs.transactions(), theirs.timestamp(),
                theirs.difficulty()).hash()).isEqualTo(block.hash());
    }

    @Test
    void withABlockIntervalABlockIsDueAtItsCutoffAndHoldsWhatWasStampedUpToIt() throws Exception {
        ChainService node = ledger.withInterval(clock);
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
        ChainService ours = ledger.withInterval(early);
        ChainService theirs = ledger.withInterval(late);
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
        ChainService origin = ledger.withInterval(first);
        ChainService peer = ledger.withInterval(second);
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
        ChainService peer = ledger.withInterval(second);
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
        ChainService node = ledger.withInterval(clock);
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
        ChainService one = ledger.withInterval(first);
        ChainService other = ledger.withInterval(second);
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
        ChainService node = ledger.withInterval(clock);
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
        ChainService node = ledger.withInterval(clock);
        node.submit(Transaction.of("alice", "alone", NOW), null);

        assertThat(node.nextDueIn().getAsLong())
                .isBetween(BlockTemplates.MIN_SETTLE_MILLIS, INTERVAL.toMillis() + BlockTemplates.MIN_SETTLE_MILLIS);
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
    void theTemplateIsStampedAfterTheMedianTimePastSoTheMinersBlockIsValid() throws Exception {
        List<Block> chain = ledger.chainWhoseLastSixBlocksShareATimestamp();
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
    void anUnsignedTransactionAcknowledgedBeforeItsNameIsBoundIsMinedAheadOfTheBinding() throws Exception {
        Transaction alices = Transaction.of("alice", "acknowledged while the name was open", NOW - 50_000);
        service.submit(alices, null);
        Transaction binding = ChainFixture.signed(service.genesis().hash(), "alice", "binds, stamped earlier",
                NOW - 60_000);
        service.submit(binding, null);
        clock.advance(MAX_WAIT);

        Block block = ledger.mineDue();

        assertThat(block.transactions()).as("the open name's transaction first, then the binding")
                .containsExactly(alices, binding);
        assertThat(service.status(alices.id())).hasValueSatisfying(status -> assertThat(status.confirmed()).isTrue());
        assertThat(service.binding("alice")).map(SenderBinding::publicKey).contains(binding.publicKey());
        assertThatThrownBy(() -> service.submit(Transaction.of("alice", "after the binding", NOW), null))
                .isInstanceOf(InvalidTransactionException.class);
    }
}
