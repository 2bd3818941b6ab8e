package io.meshchain.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.ledger.Transaction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sync against a peer whose answers come from a list of blocks: the peer's blocks are adopted a page
 * at a time, a fork is found with a few single-block requests, and a fork too deep, or a branch too
 * large to hold, is refused under its rule without changing the chain.
 */
class ChainSyncTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);

    private final MutableClock clock = new MutableClock(ChainFixture.NOW + Duration.ofDays(1).toMillis());
    private final List<Object> events = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PeerClient client = mock(PeerClient.class);
    private final Peer peer = new Peer(URI.create("http://127.0.0.1:7002"), "n2");
    private final AtomicInteger singleBlockRequests = new AtomicInteger();
    private final List<Integer> pageBytes = new ArrayList<>();
    private final AtomicInteger refusedAsTooLarge = new AtomicInteger();

    private ChainService node(List<Block> chain) {
        return new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 1000), clock,
                events::add, InMemoryLedgerStore.holding(chain, List.of()));
    }

    /** The peer serves {@code chain} (genesis first) as an honest node would. */
    private void peerServes(List<Block> chain) {
        peerServes(chain, Integer.MAX_VALUE);
    }

    /**
     * The peer serves {@code chain} (genesis first); an answer of more than {@code largestAnswer} bytes
     * is refused as the client refuses one over {@link PeerClient#MAX_PAGE_BYTES}. The bytes of each
     * page of more than one block served are recorded in {@link #pageBytes}.
     */
    private void peerServes(List<Block> chain, int largestAnswer) {
        given(client.blocks(eq(peer), anyLong(), anyInt())).willAnswer(call -> {
            long from = call.getArgument(1);
            int limit = call.getArgument(2);
            if (limit == 1) {
                singleBlockRequests.incrementAndGet();
            }
            List<Block> page = from >= chain.size() ? List.of()
                    : chain.subList((int) from, (int) Math.min(chain.size(), from + limit));
            ChainPage answer = new ChainPage(chain.size() - 1L, BigInteger.TEN.pow(30), page);
            int bytes = JSON.writeValueAsBytes(answer).length;
            if (bytes > largestAnswer) {
                refusedAsTooLarge.incrementAndGet();
                throw new PeerException(PeerException.TOO_LARGE, "answered more than " + largestAnswer + " bytes");
            }
            if (limit > 1) {
                pageBytes.add(bytes);
            }
            return new PeerClient.FetchedPage(answer, bytes);
        });
    }

    private static NodeSummary summaryOf(List<Block> chain) {
        Block tip = chain.get(chain.size() - 1);
        return new NodeSummary("n2", tip.index(), tip.hash(), tip.timestamp(), BigInteger.TEN.pow(30), 0, List.of());
    }

    private static List<Block> withGenesis(List<Block> blocks) {
        return Stream.concat(Stream.of(GENESIS), blocks.stream()).toList();
    }

    private static List<Block> fork(List<Block> chain, int atHeight, int length) {
        List<Block> forked = new ArrayList<>(chain.subList(0, atHeight + 1));
        forked.addAll(ChainFixture.extend(forked.get(atHeight), length));
        return forked;
    }

    private ChainSync sync(ChainService node) {
        return sync(node, ChainSync.Limits.DEFAULT);
    }

    private ChainSync sync(ChainService node, ChainSync.Limits limits) {
        return new ChainSync(node, client, meters, clock, limits);
    }

    private double rejected(String rule) {
        return meters.find("meshchain.blocks.rejected").tag("rule", rule).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aLongChainIsAdoptedAPageAtATimeEachPageOfAboutTheByteBudget() {
        List<Block> theirs = withGenesis(ChainFixture.extend(GENESIS, 2 * ChainSync.PAGE_SIZE + 10));
        int blockBytes = JSON.writeValueAsBytes(theirs.get(1)).length;
        peerServes(theirs);
        ChainService node = node(List.of());

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(theirs.get(theirs.size() - 1).hash());
        List<Integer> adopted = events.stream().filter(ChainAdvanced.class::isInstance)
                .map(e -> ((ChainAdvanced) e).added().size()).toList();
        assertThat(adopted).as("one adoption per page").hasSizeGreaterThan(2)
                .startsWith(ChainSync.FIRST_PAGE).allMatch(size -> size < ChainSync.PAGE_SIZE);
        assertThat(adopted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(theirs.size() - 1);
        assertThat(pageBytes.subList(1, pageBytes.size())).as("pages after the first, sized from it")
                .allMatch(bytes -> bytes <= ChainSync.PAGE_BYTES + blockBytes);
    }

    @Test
    void aPageTooLargeForTheClientIsAskedForAgainWithFewerBlocks() {
        List<Block> theirs = withGenesis(ChainFixture.extend(GENESIS, 300));
        int largestAnswer = 20 * JSON.writeValueAsBytes(theirs.get(1)).length;
        peerServes(theirs, largestAnswer);
        ChainService node = node(List.of());

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(theirs.get(theirs.size() - 1).hash());
        assertThat(refusedAsTooLarge.get()).as("pages refused as too large").isPositive();
        assertThat(meters.find("meshchain.blocks.rejected").counters()).as("nothing refused")
                .allMatch(counter -> counter.count() == 0);
    }

    @Test
    void aChainRefusedOnlyForATransactionAheadOfTheClockIsAdoptedOnceTheClockCatchesUp() {
        Transaction ahead = Transaction.of("gzan3055", "stamped ahead", clock.millis() + Duration.ofMinutes(3).toMillis());
        Block block = ChainFixture.mine(GENESIS, List.of(ahead), clock.millis());
        List<Block> theirs = withGenesis(List.of(block));
        peerServes(theirs);
        ChainService node = node(List.of());
        ChainSync sync = sync(node);

        sync.syncFrom(peer, summaryOf(theirs));
        assertThat(node.tip().height()).isZero();
        assertThat(rejected("transactions-not-in-future")).isEqualTo(1);

        clock.advance(Duration.ofMinutes(2));
        sync.syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).as("refused for now, not for good").isEqualTo(block.hash());
    }

    @Test
    void aChainThatBreaksARuleTimeCannotUndoIsNotFetchedAgain() {
        Block tampered = ChainFixture.mine(GENESIS, List.of(new Transaction(ChainFixture.tx().id(), "gzan3055", "forged",
                clock.millis())), clock.millis());
        List<Block> theirs = withGenesis(List.of(tampered));
        peerServes(theirs);
        ChainService node = node(List.of());
        ChainSync sync = sync(node);

        sync.syncFrom(peer, summaryOf(theirs));
        sync.syncFrom(peer, summaryOf(theirs));

        assertThat(rejected("valid-transactions")).as("refused once, then remembered").isEqualTo(1);
    }

    @Test
    void everyRulesCountIsThereBeforeAnyRefusal() {
        new ChainSync(node(List.of()), client, meters, clock);

        assertThat(meters.find("meshchain.blocks.rejected").counters()).extracting(counter -> counter.getId().getTag("rule"))
                .contains("timestamp-after-median-time-past", "transactions-not-in-future", "valid-transactions",
                        "proof-of-work", "reorg-depth", "response-too-large");
    }

    @Test
    void aForkIsFoundWithAFewSingleBlockRequests() {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, 3000));
        List<Block> theirs = fork(ours, 2990, 20);
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(theirs.get(3010).hash());
        assertThat(node.hashAt(2990)).contains(ours.get(2990).hash());
        assertThat(singleBlockRequests.get()).as("a binary search over %d heights", ChainService.MAX_REORG_DEPTH)
                .isLessThanOrEqualTo(2 + 14);
        ChainAdvanced switched = (ChainAdvanced) events.get(events.size() - 1);
        assertThat(switched.removed()).hasSize(10);
    }

    @Test
    void aForkDeeperThanAReorganisationReachesIsRefused() {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, ChainService.MAX_REORG_DEPTH + 5));
        List<Block> theirs = fork(ours, 2, ChainService.MAX_REORG_DEPTH + 10);
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(ours.get(ours.size() - 1).hash());
        assertThat(rejected(ChainSync.REORG_DEPTH_RULE)).isEqualTo(1);
    }

    @Test
    void aShortChainClaimingMoreWorkThanADeepForkCanHaveIsRefused() {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, ChainService.MAX_REORG_DEPTH + 5));
        List<Block> theirs = fork(ours, 1, 2); // 3 blocks high, with the work of a much longer chain claimed
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(ours.get(ours.size() - 1).hash());
        assertThat(rejected(ChainSync.REORG_DEPTH_RULE)).as("refused, and so not fetched again").isEqualTo(1);
    }

    @Test
    void aBranchThatOutgrowsTheBudgetBeforeItIsBetterIsRefused() {
        // The branch becomes better only after a few pages.
        int length = ChainSync.PAGE_SIZE + 200;
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, length));
        List<Block> theirs = fork(ours, 50, length);
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));

        sync(node, new ChainSync.Limits(Duration.ofMinutes(2), Long.MAX_VALUE, 64 * 1024)).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(ours.get(length).hash());
        assertThat(rejected(ChainSync.BRANCH_BUDGET_RULE)).isEqualTo(1);

        sync(node).syncFrom(peer, summaryOf(theirs));
        assertThat(node.tip().hash()).as("with room for the branch").isEqualTo(theirs.get(length + 50).hash());
    }

    @Test
    void aPeerThatServesSlowlyDoesNotKeepTheNodeFromSyncingFromAnother() throws Exception {
        List<Block> theirs = withGenesis(ChainFixture.extend(GENESIS, 500));
        Peer slow = new Peer(URI.create("http://127.0.0.1:7003"), "n3");
        CountDownLatch slowPeerAsked = new CountDownLatch(1);
        CountDownLatch slowPeerAnswers = new CountDownLatch(1);
        given(client.blocks(eq(slow), anyLong(), anyInt())).willAnswer(call -> {
            slowPeerAsked.countDown();
            slowPeerAnswers.await();
            long from = call.getArgument(1);
            int limit = call.getArgument(2);
            List<Block> page = theirs.subList((int) from, (int) Math.min(theirs.size(), from + limit));
            return new PeerClient.FetchedPage(new ChainPage(theirs.size() - 1L, BigInteger.TEN.pow(30), page), 1_000);
        });
        peerServes(theirs);
        ChainService node = node(List.of());
        ChainSync sync = sync(node);

        CompletableFuture<Boolean> fromSlow = CompletableFuture.supplyAsync(() -> sync.syncFrom(slow, summaryOf(theirs)));
        assertThat(slowPeerAsked.await(5, TimeUnit.SECONDS)).isTrue();
        sync.syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).as("synced from the other peer while the slow one held a sync")
                .isEqualTo(theirs.get(500).hash());
        slowPeerAnswers.countDown();
        assertThat(fromSlow.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(meters.find("meshchain.blocks.rejected").counters()).as("blocks already adopted are no fault")
                .allMatch(counter -> counter.count() == 0);
    }

    @Test
    void aSyncStopsAtItsDeadlineKeepsWhatItAdoptedAndTheNextGoesOn() {
        List<Block> theirs = withGenesis(ChainFixture.extend(GENESIS, 2_000));
        peerServes(theirs);
        // Each answer takes the peer 20 s of the node's clock, and holds about 130 blocks (2 KB each), so
        // the chain takes 16 answers: however the next page's fetch races the deadline's start and its
        // checks, a one-minute sync has room for four at most.
        given(client.blocks(eq(peer), anyLong(), anyInt())).willAnswer(call -> {
            clock.advance(Duration.ofSeconds(20));
            long from = call.getArgument(1);
            int limit = call.getArgument(2);
            List<Block> page = theirs.subList((int) from, (int) Math.min(theirs.size(), from + limit));
            return new PeerClient.FetchedPage(new ChainPage(theirs.size() - 1L, BigInteger.TEN.pow(30), page),
                    2_000 * page.size());
        });
        ChainService node = node(List.of());
        ChainSync sync = sync(node, new ChainSync.Limits(Duration.ofMinutes(1), Long.MAX_VALUE, 1 << 20));

        assertThat(sync.syncFrom(peer, summaryOf(theirs))).as("stopped with more to fetch").isTrue();
        long reached = node.tip().height();
        assertThat(reached).isBetween(1L, 1_999L);

        int syncs = 1;
        while (sync.syncFrom(peer, summaryOf(theirs))) {
            syncs++;
            assertThat(syncs).as("syncs to reach the tip").isLessThan(100);
        }
        assertThat(node.tip().hash()).isEqualTo(theirs.get(2_000).hash());
    }

    @Test
    void aSyncStopsAtItsByteBudgetAndTheNextGoesOn() {
        List<Block> theirs = withGenesis(ChainFixture.extend(GENESIS, 2_000));
        peerServes(theirs);
        ChainService node = node(List.of());
        ChainSync sync = sync(node, new ChainSync.Limits(Duration.ofMinutes(2), ChainSync.PAGE_BYTES, 1 << 20));

        assertThat(sync.syncFrom(peer, summaryOf(theirs))).isTrue();
        assertThat(node.tip().height()).isBetween(1L, 1_999L);
        assertThat(pageBytes.stream().mapToLong(Integer::longValue).sum())
                .as("fetched about the budget, at most a page and the one on its way beyond it")
                .isLessThan(4L * ChainSync.PAGE_BYTES);

        while (sync.syncFrom(peer, summaryOf(theirs))) {
            assertThat(node.tip().height()).isLessThan(2_000L);
        }
        assertThat(node.tip().hash()).isEqualTo(theirs.get(2_000).hash());
    }
}
