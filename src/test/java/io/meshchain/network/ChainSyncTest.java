package io.meshchain.network;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ForkChoice;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.MutableClock;
import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.wire.Paging;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

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
    private final Peer slow = new Peer(URI.create("http://127.0.0.1:7003"), "n3");
    private final Peer other = new Peer(URI.create("http://127.0.0.1:7004"), "n4");
    private final PeerDirectory directory = new PeerDirectory(TestProperties.of("n1",
            List.of(peer.url(), slow.url(), other.url()), null, 1), clock, meters);
    private final AtomicInteger singleBlockRequests = new AtomicInteger();
    private final List<Integer> pageBytes = new ArrayList<>();
    private final AtomicInteger refusedAsTooLarge = new AtomicInteger();

    private ChainService node(List<Block> chain) {
        return node(chain, MeshchainProperties.Sync.DEFAULT_MAX_REORG_DEPTH);
    }

    private ChainService node(List<Block> chain, int maxReorgDepth) {
        return new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 1000)
                .withMaxReorgDepth(maxReorgDepth), clock, events::add, InMemoryLedgerStore.holding(chain, List.of()));
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

    /** What an honest peer holding {@code chain} advertises: its tip, and the work a chain of its height has. */
    private static NodeSummary summaryOf(List<Block> chain) {
        Block tip = chain.get(chain.size() - 1);
        return new NodeSummary("n2", tip.index(), tip.hash(), tip.timestamp(),
                Difficulty.work(ChainFixture.DIFFICULTY).multiply(BigInteger.valueOf(tip.index() + 1)), 0, List.of());
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
        return new ChainSync(node, client, directory, meters, clock, limits);
    }

    private double rejected(String rule) {
        return meters.find("meshchain.blocks.rejected").tag("rule", rule).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aLongChainIsAdoptedAPageAtATimeEachPageOfAboutTheByteBudget() {
        List<Block> theirs = withGenesis(ChainFixture.extend(GENESIS, 2 * Paging.MAX_ITEMS + 10));
        // Fixture transactions are numbered, so later blocks may be a few bytes larger than earlier ones:
        // a page sized from the one before may overshoot by that much a block.
        int blockBytes = theirs.stream().skip(1).mapToInt(block -> JSON.writeValueAsBytes(block).length).max()
                .getAsInt();
        int growth = blockBytes - JSON.writeValueAsBytes(theirs.get(1)).length;
        peerServes(theirs);
        ChainService node = node(List.of());

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(theirs.get(theirs.size() - 1).hash());
        List<Integer> adopted = events.stream().filter(ChainAdvanced.class::isInstance)
                .map(e -> ((ChainAdvanced) e).added().size()).toList();
        assertThat(adopted).as("one adoption per page").hasSizeGreaterThan(2)
                .startsWith(PeerPages.FIRST_PAGE).allMatch(size -> size < Paging.MAX_ITEMS);
        assertThat(adopted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(theirs.size() - 1);
        assertThat(pageBytes.subList(1, pageBytes.size())).as("pages after the first, sized from it")
                .allMatch(bytes -> bytes <= PeerPages.PAGE_BYTES + blockBytes
                        + (long) growth * PeerPages.PAGE_BYTES / blockBytes);
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

    /** The peer serves a chain whose one block holds a transaction whose id is another's: a rule time cannot undo. */
    private List<Block> peerServesATamperedBlock() {
        Block tampered = ChainFixture.mine(GENESIS, List.of(new Transaction(ChainFixture.tx().id(), "gzan3055", "forged",
                clock.millis())), clock.millis());
        List<Block> theirs = withGenesis(List.of(tampered));
        peerServes(theirs);
        return theirs;
    }

    @Test
    void aChainThatBreaksARuleTimeCannotUndoIsNotFetchedAgain() {
        List<Block> theirs = peerServesATamperedBlock();
        ChainService node = node(List.of());
        ChainSync sync = sync(node);

        sync.syncFrom(peer, summaryOf(theirs));
        sync.syncFrom(peer, summaryOf(theirs));

        assertThat(rejected("valid-transactions")).as("refused once, then remembered").isEqualTo(1);
    }

    @Test
    void everyRulesCountIsThereBeforeAnyRefusal() {
        new ChainSync(node(List.of()), client, directory, meters, clock);

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
        assertThat(singleBlockRequests.get())
                .as("a binary search over %d heights", MeshchainProperties.Sync.DEFAULT_MAX_REORG_DEPTH)
                .isLessThanOrEqualTo(2 + 14);
        ChainAdvanced switched = (ChainAdvanced) events.get(events.size() - 1);
        assertThat(switched.removed()).hasSize(10);
    }

    /** A block announced on top of this node's chain, the usual sync, takes one request and no ancestor search. */
    @Test
    void aBlockOnTopOfThisChainIsFetchedWithOneRequest() {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, 50));
        List<Block> theirs = new ArrayList<>(ours);
        theirs.addAll(ChainFixture.extend(ours.get(50), 1));
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(theirs.get(51).hash());
        assertThat(singleBlockRequests.get() + pageBytes.size()).as("requests made").isEqualTo(1);
    }

    /**
     * A summary that came in a heartbeat to this node may have been sent by whoever holds the token
     * that proved it the peer's: a chain not as it said does not set the peer aside; the peer is asked.
     */
    @Test
    void aChainNotAsAHeartbeatToThisNodeSaidDoesNotSetThePeerAside() {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, 50));
        List<Block> theirs = new ArrayList<>(ours);
        theirs.addAll(ChainFixture.extend(ours.get(50), 1));
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));
        NodeSummary claimed = summaryOf(withGenesis(ChainFixture.extend(GENESIS, 60)));

        boolean askAgain = sync(node).syncFrom(peer, claimed, true);

        assertThat(askAgain).as("the caller asks the peer itself").isTrue();
        assertThat(directory.isSetAside(peer)).isFalse();
        assertThat(sync(node).syncFrom(peer, claimed, false)).isFalse();
        assertThat(directory.isSetAside(peer)).as("the peer's own answer, the same lie, is judged").isTrue();
    }

    /** A rival branch that parts at this node's tip and is a block longer is also taken with one request. */
    @Test
    void aBranchPartingAtTheTipIsTakenWithOneRequest() {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, 50));
        List<Block> theirs = fork(ours, 49, 2);
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(theirs.get(51).hash());
        assertThat(((ChainAdvanced) events.get(events.size() - 1)).removed()).hasSize(1);
        assertThat(singleBlockRequests.get() + pageBytes.size()).as("requests made").isEqualTo(1);
    }

    /**
     * Two branches of equal work: the one that parts worse is judged by its first block alone, and
     * nothing more of it is fetched; the one that parts better is fetched and adopted.
     */
    @Test
    void aBranchOfEqualWorkIsJudgedByItsFirstBlockAndFetchedOnlyWhenItWins() {
        List<Block> one = withGenesis(ChainFixture.extend(GENESIS, 100));
        List<Block> other = fork(one, 60, 40);
        boolean otherStartsBetter = ForkChoice.startsBetter(StoredBlock.of(other.get(61), BigInteger.ONE).tip(),
                StoredBlock.of(one.get(61), BigInteger.ONE).tip());
        List<Block> better = otherStartsBetter ? other : one;
        List<Block> worse = otherStartsBetter ? one : other;

        peerServes(worse);
        ChainService holdingTheBetter = node(better.subList(1, better.size()));
        sync(holdingTheBetter).syncFrom(peer, summaryOf(worse));

        assertThat(holdingTheBetter.tip().hash()).isEqualTo(better.get(100).hash());
        assertThat(pageBytes).as("no page of the losing branch fetched").isEmpty();
        assertThat(singleBlockRequests.get()).as("the binary search, then its first block").isLessThanOrEqualTo(2 + 7 + 1);

        peerServes(better);
        ChainService holdingTheWorse = node(worse.subList(1, worse.size()));
        sync(holdingTheWorse).syncFrom(peer, summaryOf(better));

        assertThat(holdingTheWorse.tip().hash()).isEqualTo(better.get(100).hash());
    }

    /**
     * A peer that advertised another tip of the same work, and serves this node's own chain (it switched
     * to it meanwhile, as any node may), while this node's chain grows by a block: the peer has nothing
     * better, is not asked for a block above its height, and is not taken for a liar.
     */
    @Test
    void aPeerWhoseChainBecameThisNodesWhileThisNodeGrewIsNeitherSyncedNorSetAside() {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, 11));
        List<Block> served = ours.subList(0, 11);
        ChainService node = node(ours.subList(1, 11));
        AtomicInteger answers = new AtomicInteger();
        given(client.blocks(eq(peer), anyLong(), anyInt())).willAnswer(call -> {
            if (answers.getAndIncrement() == 0) {
                node.adopt(List.of(ours.get(11))); // this node's miner, or another sync, meanwhile
            }
            long from = call.getArgument(1);
            List<Block> page = from >= served.size() ? List.of()
                    : served.subList((int) from, (int) Math.min(served.size(), from + (int) call.getArgument(2)));
            return new PeerClient.FetchedPage(new ChainPage(10, BigInteger.TEN.pow(30), page), 100);
        });

        sync(node).syncFrom(peer, summaryOf(fork(ours.subList(0, 11), 9, 1)));

        assertThat(node.tip().hash()).isEqualTo(ours.get(11).hash());
        assertThat(directory.setAsideDetails()).isEmpty();
        assertThat(directory.maySyncFrom(peer)).isTrue();
    }

    /**
     * Two branches growing side by side: while this node fetches the better one, its own grows by a
     * block, and so does the peer's. The sync follows the peer's chain past the height it advertised,
     * and adopts the better branch once it has caught up, instead of ending a block short every time.
     */
    @Test
    void aBranchThatGrowsDuringTheSyncIsFollowedPastTheHeightAdvertised() throws Exception {
        List<Block> base = withGenesis(ChainFixture.extend(GENESIS, 61));
        List<Block> other = fork(base, 40, 21);
        boolean otherStartsBetter = ForkChoice.startsBetter(StoredBlock.of(other.get(41), BigInteger.ONE).tip(),
                StoredBlock.of(base.get(41), BigInteger.ONE).tip());
        List<Block> better = otherStartsBetter ? other : base;
        List<Block> worse = otherStartsBetter ? base : other;
        ChainService node = node(worse.subList(1, 61));
        AtomicInteger answers = new AtomicInteger();
        given(client.blocks(eq(peer), anyLong(), anyInt())).willAnswer(call -> {
            if (answers.getAndIncrement() == 0) {
                node.adopt(List.of(worse.get(61))); // this node's miner, meanwhile
            }
            long from = call.getArgument(1);
            List<Block> page = from >= better.size() ? List.of()
                    : better.subList((int) from, (int) Math.min(better.size(), from + (int) call.getArgument(2)));
            return new PeerClient.FetchedPage(new ChainPage(61, BigInteger.TEN.pow(30), page), 100 * page.size());
        });

        sync(node).syncFrom(peer, summaryOf(better.subList(0, 61)));

        assertThat(node.tip().hash()).isEqualTo(better.get(61).hash());
    }

    @Test
    void aForkDeeperThanAReorganisationReachesIsNotFollowedAndSaidForAnOperator() {
        int depth = 100;
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, depth + 5));
        List<Block> theirs = fork(ours, 2, depth + 10);
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()), depth);

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(ours.get(ours.size() - 1).hash());
        assertThat(rejected(ChainSync.REORG_DEPTH_RULE)).isEqualTo(1);
        assertThat(meters.get("meshchain.sync.deep.forks").counter().count()).isEqualTo(1);
        assertThat(meters.get("meshchain.sync.deep.fork.peers").gauge().value()).isEqualTo(1);
        assertThat(directory.setAsideDetails()).singleElement()
                .satisfies(detail -> assertThat(detail).containsEntry("reason", "deep-fork"));
    }

    @Test
    void aPeerAdvertisingWorkItsHeightCannotCarryIsSetAsideWithoutAnyBlockFetched() {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, 20));
        List<Block> theirs = fork(ours, 1, 2); // 3 blocks high, with the work of a much longer chain claimed
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));
        Block tip = theirs.get(theirs.size() - 1);
        NodeSummary lie = new NodeSummary("n2", tip.index(), tip.hash(), tip.timestamp(), BigInteger.TEN.pow(30), 0,
                List.of());

        sync(node).syncFrom(peer, lie);

        assertThat(node.tip().hash()).isEqualTo(ours.get(ours.size() - 1).hash());
        assertThat(rejected(PeerException.ADVERTISED_CHAIN)).isEqualTo(1);
        assertThat(directory.isSetAside(peer)).isTrue();
        assertThat(singleBlockRequests.get() + pageBytes.size()).as("requests made").isZero();
    }

    @Test
    void aBranchThatOutgrowsTheBudgetBeforeItIsBetterIsNotHeldAndTheForkIsSaid() {
        // The branch becomes better only after a few pages.
        int length = Paging.MAX_ITEMS + 200;
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, length));
        List<Block> theirs = fork(ours, 50, length);
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));

        sync(node, new ChainSync.Limits(Duration.ofMinutes(2), Long.MAX_VALUE, 64 * 1024)).syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().hash()).isEqualTo(ours.get(length).hash());
        assertThat(rejected(ChainSync.BRANCH_BUDGET_RULE)).isEqualTo(1);
        assertThat(directory.setAsideDetails()).singleElement()
                .satisfies(detail -> assertThat(detail).containsEntry("reason", "deep-fork").containsEntry("forkHeight", 50L));

        clock.advance(MeshchainProperties.Sync.DEFAULT_SET_ASIDE);
        sync(node).syncFrom(peer, summaryOf(theirs));
        assertThat(node.tip().hash()).as("with room for the branch").isEqualTo(theirs.get(length + 50).hash());
        assertThat(directory.deepForkCount()).isZero();
    }

    @Test
    void aBranchsBlocksAreCheckedAsTheyArriveNotHeldUntilItIsBetter() {
        // A branch from height 50 that would need more than 250 blocks to be better: its first block is junk.
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, 300));
        List<Block> theirs = new ArrayList<>(ours.subList(0, 51));
        theirs.add(ChainFixture.withoutWork(ours.get(50), List.of(ChainFixture.tx()), ours.get(50).timestamp() + 1));
        theirs.addAll(ChainFixture.extend(theirs.get(51), 300));
        peerServes(theirs);
        ChainService node = node(ours.subList(1, ours.size()));

        sync(node).syncFrom(peer, summaryOf(theirs));

        assertThat(rejected("proof-of-work")).isEqualTo(1);
        // The page from this node's tip height (which does not follow its chain), then the branch's first
        // page, refused; the page after it may have been asked for ahead meanwhile, never one more.
        assertThat(pageBytes).as("refused with the first page of the branch").hasSizeBetween(2, 3);
        assertThat(directory.isSetAside(peer)).isTrue();
        assertThat(directory.setAsideDetails()).singleElement()
                .satisfies(detail -> assertThat(detail).containsEntry("reason", "invalid-chain"));
    }

    /**
     * A sync holds at most its share of the budget for a branch not yet better, and only such a branch
     * counts: a peer holding a long fork never keeps another sync from adopting an honest chain.
     */
    @Test
    void aBranchHeldUntilItIsBetterTakesOnlyItsShareOfTheBudgetAndNeverStarvesAnotherSync() throws Exception {
        List<Block> ours = withGenesis(ChainFixture.extend(GENESIS, 300));
        List<Block> fork = fork(ours, 50, 400);
        List<Block> extension = new ArrayList<>(ours);
        extension.addAll(ChainFixture.extend(ours.get(300), 300));
        CountDownLatch forkHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        given(client.blocks(eq(slow), anyLong(), anyInt())).willAnswer(call -> {
            long from = call.getArgument(1);
            int limit = call.getArgument(2);
            // The fork's second page (its first is held meanwhile); not the page from this node's tip
            // height, asked for first, which does not follow this node's chain.
            if (limit > 1 && from > 51 && from != 300) {
                forkHeld.countDown();
                release.await();
            }
            List<Block> page = fork.subList((int) from, (int) Math.min(fork.size(), from + limit));
            return new PeerClient.FetchedPage(new ChainPage(fork.size() - 1L, BigInteger.ONE, page), 30_000);
        });
        given(client.blocks(eq(other), anyLong(), anyInt())).willAnswer(call -> {
            long from = call.getArgument(1);
            int limit = call.getArgument(2);
            List<Block> page = extension.subList((int) from, (int) Math.min(extension.size(), from + limit));
            return new PeerClient.FetchedPage(new ChainPage(extension.size() - 1L, BigInteger.ONE, page), 40_000);
        });
        ChainService node = node(ours.subList(1, ours.size()));
        ChainSync sync = sync(node, new ChainSync.Limits(Duration.ofMinutes(2), Long.MAX_VALUE, 64 * 1024));
        CompletableFuture<Boolean> fromFork = CompletableFuture.supplyAsync(() -> sync.syncFrom(slow, summaryOf(fork)));
        assertThat(forkHeld.await(5, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.get("meshchain.sync.branch.bytes").gauge().value() == 30_000);

        sync.syncFrom(other, summaryOf(extension));
        assertThat(node.tip().hash()).as("adopted page by page meanwhile").isEqualTo(extension.get(600).hash());

        release.countDown();
        fromFork.get(10, TimeUnit.SECONDS);
        assertThat(rejected(ChainSync.BRANCH_BUDGET_RULE)).as("its second page exceeds its share").isEqualTo(1);
        assertThat(meters.get("meshchain.sync.branch.bytes").gauge().value()).isZero();
    }

    @Test
    void aPeerWhosePagesEndBelowTheHeightItAdvertisedIsSetAsideAndItsHeightNeverBelieved() {
        List<Block> served = withGenesis(ChainFixture.extend(GENESIS, 3));
        Block claimedTip = ChainFixture.extend(served.get(3), 1).get(0);
        given(client.blocks(eq(peer), anyLong(), anyInt())).willAnswer(call -> {
            long from = call.getArgument(1);
            List<Block> page = from < served.size() ? List.of(served.get((int) from)) : List.of();
            return new PeerClient.FetchedPage(new ChainPage(1002, BigInteger.ONE, page), 1_000);
        });
        directory.answered(peer, new NodeSummary("n2", 1002, claimedTip.hash(), claimedTip.timestamp(),
                Difficulty.work(ChainFixture.DIFFICULTY).multiply(BigInteger.valueOf(1003)), 0, List.of()),
                Duration.ofMillis(1));
        ChainService node = node(List.of());

        sync(node).syncFrom(peer, new NodeSummary("n2", 1002, claimedTip.hash(), claimedTip.timestamp(),
                Difficulty.work(ChainFixture.DIFFICULTY).multiply(BigInteger.valueOf(1003)), 0, List.of()));

        assertThat(node.tip().height()).as("what it served is adopted").isEqualTo(1);
        assertThat(rejected(PeerException.ADVERTISED_CHAIN)).isEqualTo(1);
        assertThat(directory.isSetAside(peer)).isTrue();
        assertThat(directory.bestProvedHeight()).as("the height it claimed").isEmpty();
    }

    @Test
    void aSyncThatFailsWithoutARuleLeavesThePeersHeightUnproved() {
        List<Block> theirs = withGenesis(ChainFixture.extend(GENESIS, 2_000));
        AtomicInteger answers = new AtomicInteger();
        given(client.blocks(eq(peer), anyLong(), anyInt())).willAnswer(call -> {
            if (answers.incrementAndGet() > 2) {
                throw new PeerException("answered HTTP 503");
            }
            long from = call.getArgument(1);
            int limit = call.getArgument(2);
            List<Block> page = theirs.subList((int) from, (int) Math.min(theirs.size(), from + limit));
            return new PeerClient.FetchedPage(new ChainPage(theirs.size() - 1L, BigInteger.ONE, page), 1_000);
        });
        directory.answered(peer, summaryOf(theirs), Duration.ofMillis(1));
        ChainService node = node(List.of());
        ChainSync sync = sync(node);

        sync.syncFrom(peer, summaryOf(theirs));

        assertThat(node.tip().height()).as("a first page adopted").isPositive();
        assertThat(directory.bestProvedHeight()).isEmpty();
    }

    @Test
    void aPeerWhoseChainMovesBetweenTwoPagesIsNotSetAsideAndItsNewChainIsTakenNextTime() {
        List<Block> before = withGenesis(ChainFixture.extend(GENESIS, 150));
        List<Block> after = fork(before, 90, 70);
        AtomicInteger pages = new AtomicInteger();
        given(client.blocks(eq(peer), anyLong(), anyInt())).willAnswer(call -> {
            long from = call.getArgument(1);
            int limit = call.getArgument(2);
            // The first page from the chain it had; after it, the peer switched to a better branch.
            List<Block> chain = limit > 1 && pages.getAndIncrement() == 0 ? before : after;
            List<Block> page = chain.subList((int) Math.min(from, chain.size()), (int) Math.min(chain.size(), from + limit));
            return new PeerClient.FetchedPage(new ChainPage(chain.size() - 1L, BigInteger.ONE, page), 1_000);
        });
        ChainService node = node(List.of());
        ChainSync sync = sync(node);

        sync.syncFrom(peer, summaryOf(before));
        assertThat(directory.isSetAside(peer)).as("switching branches is no fault").isFalse();
        assertThat(meters.find("meshchain.blocks.rejected").counters()).allMatch(counter -> counter.count() == 0);

        sync.syncFrom(peer, summaryOf(after));
        assertThat(node.tip().hash()).isEqualTo(after.get(after.size() - 1).hash());
    }

    @Test
    void aChainRefusedForABlockAheadOfTheClockIsNotFetchedAgainBeforeTheHoldOff() {
        Transaction ahead = Transaction.of("gzan3055", "stamped ahead", clock.millis() + Duration.ofMinutes(3).toMillis());
        List<Block> theirs = withGenesis(List.of(ChainFixture.mine(GENESIS, List.of(ahead), clock.millis())));
        peerServes(theirs);
        ChainService node = node(List.of());
        ChainSync sync = sync(node);
        sync.syncFrom(peer, summaryOf(theirs));
        int requests = pageBytes.size() + singleBlockRequests.get();

        for (int heartbeat = 0; heartbeat < 5; heartbeat++) {
            sync.syncFrom(peer, summaryOf(theirs)); // a stranger posting heartbeats in the peer's name, say
        }
        assertThat(pageBytes.size() + singleBlockRequests.get()).isEqualTo(requests);
        assertThat(directory.isSetAside(peer)).as("no fault of the peer").isFalse();

        clock.advance(ChainSync.TIME_REFUSAL_HOLD_OFF);
        sync.syncFrom(peer, summaryOf(theirs));
        assertThat(pageBytes.size() + singleBlockRequests.get()).isGreaterThan(requests);
    }

    @Test
    void aPeerThatServedAnInvalidChainIsNotSyncedFromUntilItsTimeIsUp() {
        List<Block> theirs = peerServesATamperedBlock();
        ChainService node = node(List.of());
        ChainSync sync = sync(node);
        sync.syncFrom(peer, summaryOf(theirs));
        int requests = pageBytes.size() + singleBlockRequests.get();

        clock.advance(MeshchainProperties.Sync.DEFAULT_SET_ASIDE.minusSeconds(1));
        sync.syncFrom(peer, summaryOf(theirs));
        assertThat(pageBytes.size() + singleBlockRequests.get()).as("set aside: nothing asked").isEqualTo(requests);
        assertThat(meters.get("meshchain.peers.set.aside").gauge().value()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        sync.syncFrom(peer, summaryOf(theirs));
        assertThat(pageBytes.size() + singleBlockRequests.get()).as("asked again once its time is up")
                .isGreaterThan(requests);
        assertThat(meters.get("meshchain.peers.misbehaviour").tag("reason", "invalid-chain").counter().count())
                .isEqualTo(2);
    }

    @Test
    void aPeerThatServedJunkForATipDoesNotKeepTheNodeFromTakingTheSameTipFromAnother() {
        List<Block> honest = withGenesis(ChainFixture.extend(GENESIS, 2));
        List<Block> junk = new ArrayList<>(honest);
        junk.set(1, ChainFixture.withoutWork(GENESIS, List.of(ChainFixture.tx()), GENESIS.timestamp() + 1));
        given(client.blocks(eq(other), anyLong(), anyInt())).willAnswer(call -> {
            long from = call.getArgument(1);
            int limit = call.getArgument(2);
            List<Block> page = junk.subList((int) from, (int) Math.min(junk.size(), from + limit));
            return new PeerClient.FetchedPage(new ChainPage(2, BigInteger.ONE, page), 1_000);
        });
        peerServes(honest);
        ChainService node = node(List.of());
        ChainSync sync = sync(node);

        sync.syncFrom(other, summaryOf(honest)); // claims the honest tip, serves junk
        sync.syncFrom(peer, summaryOf(honest));

        assertThat(directory.isSetAside(other)).isTrue();
        assertThat(node.tip().hash()).as("the tip the liar claimed, from the peer that has it")
                .isEqualTo(honest.get(2).hash());
    }

    @Test
    void aPeerThatServesSlowlyDoesNotKeepTheNodeFromSyncingFromAnother() throws Exception {
        List<Block> theirs = withGenesis(ChainFixture.extend(GENESIS, 500));
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
    void syncsThatHoldEverySlotGiveWayToAPeerWaitingForOneOnceTheyHaveHadTheirTurn() throws Exception {
        List<Block> longer = withGenesis(ChainFixture.extend(GENESIS, 700));
        // The slow peers serve a prefix of the waiting peer's chain: what they still adopt while it syncs
        // leaves its branch attached (a branch of their own would make its adoption find the chain moved,
        // which the next heartbeat settles, but this one sync would not).
        List<Block> theirs = longer.subList(0, 601);
        CountDownLatch bothAsked = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);
        for (Peer slowPeer : List.of(slow, other)) {
            given(client.blocks(eq(slowPeer), anyLong(), anyInt())).willAnswer(call -> {
                bothAsked.countDown();
                go.await();
                clock.advance(Duration.ofSeconds(1)); // each answer takes a second
                long from = call.getArgument(1);
                int limit = call.getArgument(2);
                List<Block> page = theirs.subList((int) from, (int) Math.min(theirs.size(), from + limit));
                return new PeerClient.FetchedPage(new ChainPage(theirs.size() - 1L, BigInteger.ONE, page), 1_000);
            });
        }
        peerServes(longer);
        ChainService node = node(List.of());
        ChainSync sync = sync(node);
        CompletableFuture<Boolean> fromSlow = CompletableFuture.supplyAsync(() -> sync.syncFrom(slow, summaryOf(theirs)));
        CompletableFuture<Boolean> fromOther = CompletableFuture.supplyAsync(() -> sync.syncFrom(other, summaryOf(theirs)));
        assertThat(bothAsked.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> fromPeer = CompletableFuture.supplyAsync(() -> sync.syncFrom(peer, summaryOf(longer)));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> meters.get("meshchain.sync.waiting").gauge().value() == 1);
        go.countDown();
        fromPeer.get(10, TimeUnit.SECONDS);

        assertThat(node.tip().hash()).as("synced from the waiting peer").isEqualTo(longer.get(700).hash());
        CompletableFuture.allOf(fromSlow, fromOther).get(10, TimeUnit.SECONDS);
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
        ChainSync sync = sync(node, new ChainSync.Limits(Duration.ofMinutes(2), PeerPages.PAGE_BYTES, 1 << 20));

        assertThat(sync.syncFrom(peer, summaryOf(theirs))).isTrue();
        assertThat(node.tip().height()).isBetween(1L, 1_999L);
        assertThat(pageBytes.stream().mapToLong(Integer::longValue).sum())
                .as("fetched about the budget, at most a page and the one on its way beyond it")
                .isLessThan(4L * PeerPages.PAGE_BYTES);

        while (sync.syncFrom(peer, summaryOf(theirs))) {
            assertThat(node.tip().height()).isLessThan(2_000L);
        }
        assertThat(node.tip().hash()).isEqualTo(theirs.get(2_000).hash());
    }
}
