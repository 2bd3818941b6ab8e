package io.meshchain.network;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ChainTip;
import io.meshchain.ledger.ForkChoice;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Catches up with a peer whose summary is better than this node's chain. It finds the common
 * ancestor by asking the peer for single blocks (a binary search over at most
 * {@link ChainService#MAX_REORG_DEPTH} heights, so a handful of small requests), then fetches the
 * peer's blocks above it a page at a time and offers them to {@link ChainService#adopt}, which
 * validates every one before switching. A page that makes the chain better is adopted at once, so a
 * node catching up a long chain holds one page at a time; a fork's branch is held only until it
 * becomes better than this node's chain, and at most {@link Limits#branchBytes} of it. A peer that
 * serves anything wrong is logged and skipped; this node's chain stays as it was.
 * <p>
 * Each sync has a deadline and a byte budget ({@link Limits}), and syncs from {@link #MAX_SYNCS}
 * peers run at once, so a peer that serves slowly neither holds this node for long nor keeps it
 * from syncing from another.
 */
@Component
class ChainSync implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ChainSync.class);

    /** Most blocks asked for per request; the serving node caps pages at 1000. */
    static final int PAGE_SIZE = 1000;
    /**
     * Bytes a page of blocks aims at. Each request asks for as many blocks as this holds at the size
     * of the blocks of the page before, so what a catching-up node holds (the page it stores and the
     * one on its way) is bounded in bytes whatever its blocks hold, and a page of large blocks never
     * outgrows {@link PeerClient#MAX_PAGE_BYTES}. Small pages also die young: pages of 1,000 small
     * blocks outlived young collections and grew the heap of a node in a 512 MiB pod (BENCHMARKS.md).
     */
    static final int PAGE_BYTES = 256 * 1024;
    /** Blocks asked for by the first request of a sync, before the size of the peer's blocks is known. */
    static final int FIRST_PAGE = 100;
    /**
     * What one sync may take: its time, the bytes it fetches, and the bytes of a fork's branch it
     * holds while the branch is not yet better than this node's chain.
     *
     * @param deadline     how long one sync runs before it stops after the page under way. Pages
     *                     adopted stay adopted, so a long catch-up goes on in the next sync, at once;
     *                     a peer that serves slowly holds a sync slot no longer than this
     * @param budgetBytes  most bytes one sync fetches, in the same way
     * @param branchBytes  most bytes of a fork's branch held before it is better: enough for a fork
     *                     thousands of blocks deep, bounded whatever the blocks hold
     */
    record Limits(Duration deadline, long budgetBytes, long branchBytes) {

        static final Limits DEFAULT = new Limits(Duration.ofMinutes(2), 256L * 1024 * 1024, 32L * 1024 * 1024);
    }

    /**
     * Syncs that run at once, each from another peer. One peer that serves slowly, or several
     * advertising the same chain, cannot keep this node from syncing from another; each sync holds
     * at most two pages and a branch within {@link Limits#branchBytes}.
     */
    static final int MAX_SYNCS = 2;
    /** Rule name reported when a peer serves a block at another height than asked. */
    static final String INDEX_RULE = "index-follows-parent";
    /** Rule name reported when a peer's chain grows from a different genesis block. */
    static final String SAME_GENESIS_RULE = "same-genesis";
    /** Rule name reported when a peer's better chain forks deeper than this node reorganises. */
    static final String REORG_DEPTH_RULE = "reorg-depth";
    /** Rule name reported when a fork's branch outgrows the budget before it is better than this chain. */
    static final String BRANCH_BUDGET_RULE = "branch-budget";
    /** Refused tips remembered, so a peer that keeps advertising a bad chain is not downloaded again. */
    static final int REMEMBERED_REFUSALS = 1024;
    /**
     * Refusals of a peer's answers that are not remembered: a slow answer may have been the network's
     * fault. (A page too large is asked for again in fewer blocks, and never refused as long as it
     * holds more than one; one block larger than a page can hold is a lie, and is remembered. A
     * block's refusal is not remembered when time can undo it: {@link BlockRejectedException#undoneByTime()}.)
     */
    private static final Set<String> RETRYABLE_ANSWERS = Set.of(PeerException.TOO_SLOW);

    private final ChainService chain;
    private final PeerClient client;
    private final MeterRegistry meters;
    private final Clock clock;
    /** Peers a sync runs from now: one sync per peer, at most {@link #MAX_SYNCS} in all. */
    private final Set<URI> syncing = new HashSet<>();
    private final Set<String> refusedTips = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_REFUSALS;
                }
            }));

    private final Limits limits;
    /** Fetches the next page of each sync while the current one is worked on: a thread per sync slot. */
    private final ExecutorService fetcher = Executors.newFixedThreadPool(MAX_SYNCS, task -> {
        Thread thread = new Thread(task, "chain-sync-fetch");
        thread.setDaemon(true);
        return thread;
    });

    @Autowired
    ChainSync(ChainService chain, PeerClient client, MeterRegistry meters, Clock clock) {
        this(chain, client, meters, clock, Limits.DEFAULT);
    }

    ChainSync(ChainService chain, PeerClient client, MeterRegistry meters, Clock clock, Limits limits) {
        this.chain = chain;
        this.client = client;
        this.meters = meters;
        this.clock = clock;
        this.limits = limits;
        // Every rule's count is there from the start, at 0, so that a dashboard or an alert sees it before a first refusal.
        Stream.concat(BlockValidator.ruleNames().stream(), Stream.of(INDEX_RULE, SAME_GENESIS_RULE, REORG_DEPTH_RULE,
                BRANCH_BUDGET_RULE, PeerException.MALFORMED, PeerException.TOO_LARGE, PeerException.TOO_SLOW))
                .forEach(this::rejected);
    }

    /**
     * Syncs from {@code peer}, unless a sync from it is under way or {@link #MAX_SYNCS} run already
     * (the next heartbeat tries again).
     *
     * @return true when the sync stopped at its deadline or byte budget having adopted blocks: the
     *         peer has more, and the caller should exchange with it again at once
     */
    boolean syncFrom(Peer peer, NodeSummary remote) {
        if (refusedTips.contains(remote.tipHash()) || !takeSlot(peer)) {
            return false;
        }
        try {
            Synced result = sync(peer, remote);
            if (result.outcome() == ChainService.Adoption.ADOPTED) {
                log.info("Adopted the chain of peer {}{}: height {}, tip {}", peer, result.cutShort() ? " in part" : "",
                        chain.tip().height(), chain.tip().hash());
            }
            return result.cutShort() && result.outcome() == ChainService.Adoption.ADOPTED;
        } catch (BlockRejectedException e) {
            refuse(peer, remote, e.rule(), e.getMessage(), !e.undoneByTime());
        } catch (PeerException e) {
            if (e.rule() == null) {
                log.warn("Could not sync from peer {}: {}", peer, e.getMessage());
            } else {
                refuse(peer, remote, e.rule(), e.getMessage(), !RETRYABLE_ANSWERS.contains(e.rule()));
            }
        } catch (RuntimeException e) {
            log.warn("Could not sync from peer {}: {}", peer, describe(e));
        } finally {
            releaseSlot(peer);
        }
        return false;
    }

    private boolean takeSlot(Peer peer) {
        synchronized (syncing) {
            return syncing.size() < MAX_SYNCS && syncing.add(peer.url());
        }
    }

    private void releaseSlot(Peer peer) {
        synchronized (syncing) {
            syncing.remove(peer.url());
        }
    }

    /** How a sync ended: what it did to the chain, and whether it stopped before the peer's tip. */
    private record Synced(ChainService.Adoption outcome, boolean cutShort) {
    }

    private void refuse(Peer peer, NodeSummary remote, String rule, String why, boolean remember) {
        rejected(rule).increment();
        if (remember) {
            refusedTips.add(remote.tipHash());
            log.warn("Refused the chain of peer {}: {}", peer, why);
        } else {
            log.warn("Refused the chain of peer {} for now, to be tried again: {}", peer, why);
        }
    }

    private Counter rejected(String rule) {
        return Counter.builder("meshchain.blocks.rejected")
                .description("Chains from peers refused, by the rule they broke")
                .tag("rule", rule)
                .register(meters);
    }

    private Synced sync(Peer peer, NodeSummary remote) throws BlockRejectedException {
        ChainTip local = chain.tip();
        if (remote.height() < 1 || !ForkChoice.isBetter(remote.tip(), local)) {
            return new Synced(ChainService.Adoption.NOT_BETTER, false);
        }
        long ancestor = commonAncestor(peer, local.height(), remote.height());
        return adoptFrom(peer, ancestor, remote.height());
    }

    /**
     * The highest height at which the peer's chain and this node's hold the same block. Both chains
     * are hash chains: below a shared block every block is shared, above a differing one every block
     * differs. So one request settles the usual case (the peer's chain extends this one), and a binary
     * search over the heights a reorganisation may reach settles a fork.
     */
    private long commonAncestor(Peer peer, long localHeight, long remoteHeight) throws BlockRejectedException {
        long high = Math.min(localHeight, remoteHeight);
        if (high == 0 || sameBlockAt(peer, high)) {
            return high;
        }
        long low = Math.max(0, localHeight - ChainService.MAX_REORG_DEPTH);
        // A peer's chain that ends below low (and differs at its tip) forks below low too.
        if (low > 0 && (remoteHeight < low || !sameBlockAt(peer, low))) {
            throw new BlockRejectedException(REORG_DEPTH_RULE, low, "the peer's chain forks from this node's more "
                    + "than " + ChainService.MAX_REORG_DEPTH + " blocks below its tip, deeper than it reorganises");
        }
        // Same block at low (or low is genesis, fixed by the settings); another block at high.
        while (high - low > 1) {
            long middle = (low + high) >>> 1;
            if (sameBlockAt(peer, middle)) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private boolean sameBlockAt(Peer peer, long height) throws BlockRejectedException {
        List<Block> served = page(peer, height, 1).page().blocks();
        if (served.isEmpty()) {
            throw new PeerException("advertised a longer chain but served no block " + height);
        }
        return chain.hashAt(height).map(served.get(0).hash()::equals).orElse(false);
    }

    /**
     * Fetches the peer's blocks above {@code ancestor} a page at a time and offers them, growing a
     * branch until it is better than this node's chain; from then on every page is an extension and
     * is adopted as it comes. The next page is fetched while this one is validated and stored.
     */
    private Synced adoptFrom(Peer peer, long ancestor, long remoteHeight) throws BlockRejectedException {
        try (Pages pages = new Pages(peer, ancestor + 1, remoteHeight)) {
            return adoptFrom(pages, ancestor, remoteHeight);
        }
    }

    private Synced adoptFrom(Pages pages, long ancestor, long remoteHeight) throws BlockRejectedException {
        ChainService.Adoption outcome = ChainService.Adoption.NOT_BETTER;
        List<Block> branch = new ArrayList<>();
        long branchBytes = 0;
        long fetchedBytes = 0;
        long deadline = clock.millis() + limits.deadline().toMillis();
        long next = ancestor + 1;
        while (pages.hasNext()) {
            if (clock.millis() >= deadline || fetchedBytes >= limits.budgetBytes()) {
                return new Synced(outcome, true);
            }
            PeerClient.FetchedPage fetched = pages.next();
            List<Block> served = fetched.page().blocks();
            if (served.isEmpty()) {
                if (next == ancestor + 1) {
                    throw new PeerException("advertised height " + remoteHeight + " but served no block from " + next);
                }
                break;
            }
            fetchedBytes += fetched.bytes();
            next += served.size();
            // Blocks another sync adopted meanwhile are this node's already: only what follows them is new.
            int ours = 0;
            while (branch.isEmpty() && ours < served.size() && isOurs(served.get(ours))) {
                ours++;
            }
            if (ours == served.size()) {
                continue;
            }
            branch.addAll(ours == 0 ? served : served.subList(ours, served.size()));
            branchBytes += fetched.bytes();
            switch (chain.adopt(branch)) {
                case ADOPTED -> {
                    outcome = ChainService.Adoption.ADOPTED;
                    branch.clear();
                    branchBytes = 0;
                }
                case NOT_CONNECTED -> {
                    if (branch.get(0).index() == 1) {
                        throw new BlockRejectedException(SAME_GENESIS_RULE, 1,
                                "the peer's chain does not grow from this network's genesis block");
                    }
                    return new Synced(outcome, false); // this node's chain moved meanwhile; the next heartbeat looks again
                }
                case TOO_DEEP -> throw new BlockRejectedException(REORG_DEPTH_RULE, branch.get(0).index(),
                        "the peer's chain forks deeper than " + ChainService.MAX_REORG_DEPTH + " blocks below the tip");
                case NOT_BETTER -> {
                    if (branchBytes > limits.branchBytes()) {
                        throw new PeerException(BRANCH_BUDGET_RULE, "its branch from block " + branch.get(0).index()
                                + " is still not better than this node's chain after " + branchBytes + " bytes");
                    }
                }
            }
        }
        return new Synced(outcome, false);
    }

    private boolean isOurs(Block block) {
        return chain.hashAt(block.index()).filter(block.hash()::equals).isPresent();
    }

    /**
     * The peer's pages from one height up to another, in order, each requested while the caller works
     * on the one before: a catching-up node's validation and the peer's serving overlap. At most two
     * pages are held, the one handed out and the one on its way, each of about {@link #PAGE_BYTES}.
     * A page the client refuses as too large is asked for again with half as many blocks.
     */
    private final class Pages implements AutoCloseable {

        private final Peer peer;
        private final long last;
        private int blocksPerPage = FIRST_PAGE;
        private Future<Asked> ahead;

        /** A page as served, and how many blocks were asked for: fewer served means the chain ended. */
        private record Asked(PeerClient.FetchedPage fetched, int limit) {
        }

        Pages(Peer peer, long first, long last) {
            this.peer = peer;
            this.last = last;
            this.ahead = first <= last ? request(first) : null;
        }

        private Future<Asked> request(long from) {
            int limit = (int) Math.min(blocksPerPage, last - from + 1);
            return fetcher.submit(() -> fetch(from, limit));
        }

        private Asked fetch(long from, int limit) throws BlockRejectedException {
            int asked = limit;
            while (true) {
                try {
                    return new Asked(page(peer, from, asked), asked);
                } catch (PeerException e) {
                    if (!PeerException.TOO_LARGE.equals(e.rule()) || asked == 1) {
                        throw e;
                    }
                    asked /= 2;
                }
            }
        }

        boolean hasNext() {
            return ahead != null;
        }

        /** The next page, once it has arrived; the one after it is requested at once. */
        PeerClient.FetchedPage next() throws BlockRejectedException {
            if (ahead == null) {
                throw new IllegalStateException("no page was asked for beyond block " + last);
            }
            Asked asked = await(ahead);
            List<Block> served = asked.fetched().page().blocks();
            ahead = null;
            if (!served.isEmpty() && served.size() == asked.limit()) {
                long bytesPerBlock = Math.max(1, ((long) asked.fetched().bytes() + served.size() - 1) / served.size());
                blocksPerPage = (int) Math.max(1, Math.min(PAGE_SIZE, PAGE_BYTES / bytesPerBlock));
                long following = served.get(served.size() - 1).index() + 1;
                if (following <= last) {
                    ahead = request(following);
                }
            }
            return asked.fetched();
        }

        private Asked await(Future<Asked> page) throws BlockRejectedException {
            try {
                return page.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerException("interrupted while waiting for a page of blocks");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof BlockRejectedException rejected) {
                    throw rejected;
                }
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            if (ahead != null) {
                ahead.cancel(true);
            }
        }
    }

    @Override
    public void destroy() {
        fetcher.shutdownNow();
    }

    /** Blocks {@code from..from+limit-1} as the peer serves them, each checked to be at its height. */
    private PeerClient.FetchedPage page(Peer peer, long from, int limit) throws BlockRejectedException {
        PeerClient.FetchedPage fetched = client.blocks(peer, from, limit);
        List<Block> served = fetched.page().blocks();
        if (served.size() > limit) {
            throw new PeerException(PeerException.MALFORMED, "served " + served.size() + " blocks when asked for " + limit);
        }
        for (int i = 0; i < served.size(); i++) {
            if (served.get(i).index() != from + i) {
                throw new BlockRejectedException(INDEX_RULE, served.get(i).index(), "served as block " + (from + i));
            }
        }
        return fetched;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
