package io.meshchain.network;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ForkChoice;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Catches up with a peer whose summary is better than this node's chain. It finds the common
 * ancestor by asking the peer for single blocks (a binary search over at most the heights a
 * reorganisation may reach, so a handful of small requests), then fetches the peer's blocks above it
 * a page at a time and offers them to {@link ChainService#adopt}, which validates every one before
 * switching. A page that makes the chain better is adopted at once, so a node catching up a long chain
 * holds one page at a time; a fork's branch is held only until it becomes better than this node's
 * chain. A peer that serves anything wrong is logged and set aside ({@link Misbehaviour}); this node's
 * chain stays as it was.
 * <p>
 * What a peer can make this node hold is bounded: each block of a page is checked for what it can be
 * checked for alone (well-formed, linked to the block before, carrying the network's proof of work:
 * {@link BlockValidator#validateHeader}) before the page is kept, and the branches of every sync
 * together are held within one budget ({@link Limits#branchBytes}). Each sync has a deadline covering
 * the whole of it, the ancestor search included, and a byte budget; syncs from {@link #MAX_SYNCS}
 * peers run at once, and a sync that has had its turn ({@link #TURN}) gives its slot up to a peer
 * waiting for one, so peers that serve slowly cannot keep this node from syncing from another.
 */
@Component
class ChainSync implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ChainSync.class);

    /**
     * How long a sync keeps its slot before it gives way to a peer waiting for one: it stops after the
     * request under way, keeps what it adopted, and asks again behind the waiting peer.
     */
    static final Duration TURN = Duration.ofSeconds(2);
    /**
     * How long a sync waits for a slot before the peer is left to the next heartbeat: a turn and the
     * slowest answer a peer may give (five read timeouts), with room to spare.
     */
    static final Duration SLOT_WAIT = Duration.ofSeconds(15);
    /**
     * How long after a refusal time can undo (a block ahead of this node's clock, which is at least two
     * minutes ahead) this node waits before it syncs from that peer again: time for the clocks to
     * close in, without fetching and refusing the same blocks at every heartbeat a stranger posts.
     */
    static final Duration TIME_REFUSAL_HOLD_OFF = Duration.ofSeconds(30);

    /**
     * What syncs may take: the time and bytes of one, and the bytes of forks' branches all of them
     * hold while the branches are not yet better than this node's chain.
     *
     * @param deadline     how long one sync runs, the ancestor search included, before it stops after
     *                     the request under way. Pages adopted stay adopted, so a long catch-up goes
     *                     on in the next sync, at once; a peer that serves slowly holds a slot no
     *                     longer than this (or than a {@link #TURN} when another peer waits)
     * @param budgetBytes  most bytes one sync fetches, in the same way
     * @param branchBytes  most bytes of branches held, across every sync, before they are better, each
     *                     sync holding at most its share: enough for a fork thousands of small blocks
     *                     deep, bounded whatever the blocks hold and however many peers offer branches
     */
    record Limits(Duration deadline, long budgetBytes, long branchBytes) {

        static final Limits DEFAULT = new Limits(Duration.ofMinutes(2), 256L * 1024 * 1024, defaultBranchBytes());

        /**
         * 32 MiB of branches' JSON, or a sixteenth of the heap where that is less: the JSON of a block
         * takes about as much heap again as objects, so at the image's 384 MiB this keeps branches
         * under about a sixth of the heap.
         */
        static long defaultBranchBytes() {
            return Math.min(32L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 16);
        }
    }

    /**
     * Syncs that run at once, each from another peer. Each holds at most two pages, and the branches
     * of all of them stay within {@link Limits#branchBytes}.
     */
    static final int MAX_SYNCS = 2;
    /** Rule name reported when a peer serves a block at another height than asked. */
    /** Rule name reported when a peer's chain grows from a different genesis block. */
    static final String SAME_GENESIS_RULE = "same-genesis";
    /** Rule name reported when a peer's better chain forks deeper than this node reorganises. */
    static final String REORG_DEPTH_RULE = "reorg-depth";
    /** Rule name reported when a fork's branch outgrows the budget before it is better than this chain. */
    static final String BRANCH_BUDGET_RULE = "branch-budget";

    private final ChainService chain;
    private final PeerDirectory peers;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Limits limits;
    /** Peers a sync runs from, or waits for a slot for, now: one sync per peer. */
    private final Set<URI> syncing = ConcurrentHashMap.newKeySet();
    /** Slots for syncs, handed out in the order peers asked for them. */
    private final Semaphore slots = new Semaphore(MAX_SYNCS, true);
    /** Bytes of branches every sync holds now, within {@link Limits#branchBytes}. */
    private final AtomicLong branchBytesHeld = new AtomicLong();
    private final Counter deepForks;
    private final PeerPages pages;

    @Autowired
    ChainSync(ChainService chain, PeerClient client, PeerDirectory peers, MeterRegistry meters, Clock clock) {
        this(chain, client, peers, meters, clock, Limits.DEFAULT);
    }

    ChainSync(ChainService chain, PeerClient client, PeerDirectory peers, MeterRegistry meters, Clock clock,
              Limits limits) {
        this.chain = chain;
        this.pages = new PeerPages(client);
        this.peers = peers;
        this.meters = meters;
        this.clock = clock;
        this.limits = limits;
        // Every rule's count is there from the start, at 0, so that a dashboard or an alert sees it before a first refusal.
        Stream.concat(BlockValidator.ruleNames().stream(), Stream.of(PeerPages.INDEX_RULE, SAME_GENESIS_RULE, REORG_DEPTH_RULE,
                BRANCH_BUDGET_RULE, PeerException.MALFORMED, PeerException.TOO_LARGE, PeerException.TOO_SLOW,
                PeerException.ADVERTISED_CHAIN)).forEach(this::rejected);
        this.deepForks = Counter.builder("meshchain.sync.deep.forks")
                .description("Better chains found forking deeper than this node reorganises: an operator settles them")
                .register(meters);
        Gauge.builder("meshchain.sync.branch.bytes", branchBytesHeld, AtomicLong::get)
                .description("Bytes of forks' branches held until they are better, across every sync")
                .baseUnit("bytes").register(meters);
        Gauge.builder("meshchain.sync.waiting", slots, Semaphore::getQueueLength)
                .description("Peers waiting for a sync slot; the syncs under way give way once they have had their turn")
                .register(meters);
        Gauge.builder("meshchain.sync.deep.fork.peers", peers, PeerDirectory::deepForkCount)
                .description("Peers whose better chain forks deeper than this node reorganises, as last found")
                .register(meters);
    }

    /**
     * Syncs from {@code peer}, unless it is set aside or a sync from it is under way. When every slot
     * is taken, it waits its turn for one (up to {@link #SLOT_WAIT}; then the next heartbeat tries
     * again), and the syncs under way give way once they have had theirs.
     *
     * @return true when the sync stopped short (its deadline, byte budget or turn) having adopted
     *         blocks: the peer has more, and the caller should exchange with it again at once
     */
    boolean syncFrom(Peer peer, NodeSummary remote) {
        return syncFrom(peer, remote, false);
    }

    /**
     * As {@link #syncFrom(Peer, NodeSummary)}; {@code heard} when the summary came in the peer's own
     * heartbeat to this node rather than as its answer to this node's. A chain not as such a summary
     * said does not set the peer aside (whoever holds the token that proved it the peer's may not be
     * the peer): the sync stops short, and the caller asks the peer itself.
     */
    boolean syncFrom(Peer peer, NodeSummary remote, boolean heard) {
        if (!peers.maySyncFrom(peer) || !syncing.add(peer.url())) {
            return false;
        }
        try {
            if (!takeSlot()) {
                return false;
            }
            try {
                return syncInSlot(new Session(peer, remote, heard));
            } finally {
                slots.release();
            }
        } finally {
            syncing.remove(peer.url());
        }
    }

    private boolean takeSlot() {
        try {
            return slots.tryAcquire(SLOT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean syncInSlot(Session session) {
        Peer peer = session.peer;
        try {
            Synced result = sync(session);
            peers.synced(peer, result.outcome() == ChainService.Adoption.ADOPTED);
            if (result.outcome() == ChainService.Adoption.ADOPTED) {
                log.info("Adopted the chain of peer {}{}: height {}, tip {}", peer, result.cutShort() ? " in part" : "",
                        chain.tip().height(), chain.tip().hash());
            }
            return result.cutShort() && result.outcome() == ChainService.Adoption.ADOPTED;
        } catch (BlockRejectedException e) {
            peers.synced(peer, false);
            if (e.undoneByTime()) {
                peers.holdOffSyncs(peer, TIME_REFUSAL_HOLD_OFF);
            }
            refused(peer, e.rule(), e.getMessage(), e.undoneByTime() ? null : Misbehaviour.INVALID_CHAIN);
        } catch (DeepFork e) {
            rejected(e.rule).increment();
            deepForks.increment();
            peers.deepFork(peer, e.forkHeight, e.getMessage());
        } catch (PeerException e) {
            peers.synced(peer, false);
            if (session.heard && PeerException.ADVERTISED_CHAIN.equals(e.rule())) {
                log.debug("The chain of peer {} is not as its heartbeat said ({}); asking the peer", peer, e.getMessage());
                return true;
            }
            if (e.rule() == null) {
                log.warn("Could not sync from peer {}: {}", peer, e.getMessage());
            } else {
                refused(peer, e.rule(), e.getMessage(), misbehaviour(e.rule()));
            }
        } catch (RuntimeException e) {
            peers.synced(peer, false);
            log.warn("Could not sync from peer {}: {}", peer, describe(e));
        } finally {
            session.releaseBranch();
        }
        return false;
    }

    private static Misbehaviour misbehaviour(String rule) {
        return switch (rule) {
            case PeerException.TOO_SLOW -> Misbehaviour.STALLED;
            case PeerException.ADVERTISED_CHAIN -> Misbehaviour.LIED;
            default -> Misbehaviour.MALFORMED;
        };
    }

    /** How a sync ended: what it did to the chain, and whether it stopped before the peer's tip. */
    private record Synced(ChainService.Adoption outcome, boolean cutShort) {
    }

    /**
     * Counts a refused chain under the rule it broke and sets the peer aside for what it did; a
     * refusal that time can undo ({@code misbehaviour} null) is tried again at later heartbeats.
     */
    private void refused(Peer peer, String rule, String why, Misbehaviour misbehaviour) {
        rejected(rule).increment();
        if (misbehaviour == null) {
            log.warn("Refused the chain of peer {} for now, to be tried again: {}", peer, why);
        } else {
            peers.setAside(peer, misbehaviour, "refused its chain: " + why);
        }
    }

    private Counter rejected(String rule) {
        return Counter.builder("meshchain.blocks.rejected")
                .description("Chains from peers refused, by the rule they broke")
                .tag("rule", rule)
                .register(meters);
    }

    /** A peer's better chain that forks further below this node's tip than it reorganises. */
    private static final class DeepFork extends Exception {
        private final String rule;
        private final long forkHeight;

        DeepFork(String rule, long forkHeight, String message) {
            super(message, null, false, false);
            this.rule = rule;
            this.forkHeight = forkHeight;
        }
    }

    /** One sync: its peer, what the peer advertised, and what the sync has taken of its limits. */
    private final class Session {
        final Peer peer;
        final NodeSummary remote;
        /** Whether {@link #remote} came in the peer's heartbeat to this node, not as its answer. */
        final boolean heard;
        final long started = clock.millis();
        final long deadline = started + limits.deadline().toMillis();
        long fetchedBytes;
        /** Bytes of this sync's branch counted in {@link #branchBytesHeld}. */
        long branchBytes;

        Session(Peer peer, NodeSummary remote, boolean heard) {
            this.peer = peer;
            this.remote = remote;
            this.heard = heard;
        }

        /**
         * Whether the sync stops after what it is doing: its deadline or byte budget is reached, or it has
         * had its turn and a peer waits for a slot.
         */
        boolean shouldStop() {
            long now = clock.millis();
            return now >= deadline || fetchedBytes >= limits.budgetBytes()
                    || slots.hasQueuedThreads() && now - started >= TURN.toMillis();
        }

        /**
         * Takes {@code bytes} more of the budget for branches; false when this sync's branch would then
         * hold more than its share ({@link Limits#branchBytes} over {@link #MAX_SYNCS}). Each sync has
         * its share, so however much one peer's branch takes, another sync always has room; and only
         * branches held until they are better count, never a page adopted at once.
         */
        boolean holdBranch(long bytes) {
            if (branchBytes + bytes > limits.branchBytes() / MAX_SYNCS) {
                return false;
            }
            branchBytesHeld.addAndGet(bytes);
            branchBytes += bytes;
            return true;
        }

        void releaseBranch() {
            branchBytesHeld.addAndGet(-branchBytes);
            branchBytes = 0;
        }
    }

    private Synced sync(Session session) throws BlockRejectedException, DeepFork {
        ChainTip local = chain.tip();
        NodeSummary remote = session.remote;
        if (remote.height() < 1 || !ForkChoice.mayBeBetter(remote.tip(), local)) {
            return new Synced(ChainService.Adoption.NOT_BETTER, false);
        }
        if (!remote.totalWork().equals(chain.workOfHeight(remote.height()))) {
            throw new PeerException(PeerException.ADVERTISED_CHAIN, "advertised work " + remote.totalWork()
                    + " at height " + remote.height() + ", which no chain of this network can have there ("
                    + chain.workOfHeight(remote.height()) + ")");
        }
        if (remote.height() > local.height() && local.height() > 0) {
            // The usual case: the peer's chain extends this one (a block announced), or parts from it
            // at its tip. One request, from this node's tip height up, settles both and brings the
            // blocks; only when it does not link does the ancestor search follow.
            Synced extending = adoptFrom(session, local.height() - 1, true);
            if (extending != null) {
                return extending;
            }
        }
        OptionalLong ancestor = commonAncestor(session, local.height(), remote.height());
        if (ancestor.isEmpty()) {
            return new Synced(ChainService.Adoption.NOT_BETTER, true);
        }
        if (ancestor.getAsLong() >= remote.height()) {
            return new Synced(ChainService.Adoption.NOT_BETTER, false); // this node's chain has grown to hold the peer's
        }
        if (remote.totalWork().equals(local.totalWork()) && !startsBetter(session, ancestor.getAsLong())) {
            log.debug("Peer {} holds a branch of the same work from block {} that parts worse than this node's",
                    session.peer, ancestor.getAsLong() + 1);
            return new Synced(ChainService.Adoption.NOT_BETTER, false);
        }
        return adoptFrom(session, ancestor.getAsLong(), false);
    }

    /**
     * For a peer's chain of the same work as this node's, parting after {@code ancestor}: whether its
     * first block after the ancestor beats this node's ({@link ForkChoice#startsBetter}), from that one
     * block. While two branches grow side by side, a node hears of the other branch at every exchange;
     * fetching all of it each time, only to keep its own, cost more with every block the split lasted,
     * and on a loaded machine that cost kept the split going.
     */
    private boolean startsBetter(Session session, long ancestor) throws BlockRejectedException {
        Optional<StoredBlock> parent = chain.entryAt(ancestor);
        Optional<StoredBlock> ours = chain.entryAt(ancestor + 1);
        if (parent.isEmpty() || ours.isEmpty()) {
            return true; // this node's chain moved meanwhile: the full sync finds out
        }
        PeerClient.FetchedPage fetched = pages.page(session.peer, ancestor + 1, 1);
        session.fetchedBytes += fetched.bytes();
        List<Block> served = fetched.page().blocks();
        if (served.isEmpty()) {
            throw new PeerException(PeerException.ADVERTISED_CHAIN, "advertised height " + session.remote.height()
                    + " but served no block " + (ancestor + 1));
        }
        Block theirs = served.get(0);
        if (theirs.hash().equals(ours.get().hash()) || !theirs.previousHash().equals(parent.get().hash())) {
            return true; // a chain moved meanwhile, and the two part higher up or elsewhere: the full sync finds out
        }
        checkHeader(theirs, parent.get(), chain.parameters());
        return ForkChoice.startsBetter(new ChainTip(theirs.index(), theirs.hash(), theirs.timestamp(), BigInteger.ZERO),
                ours.get().tip());
    }

    /**
     * The highest height at which the peer's chain and this node's hold the same block. Both chains
     * are hash chains: below a shared block every block is shared, above a differing one every block
     * differs. So one request settles the usual case (the peer's chain extends this one), and a binary
     * search over the heights a reorganisation may reach settles a fork. Empty when the sync must stop
     * before it is settled ({@link Session#shouldStop}).
     */
    private OptionalLong commonAncestor(Session session, long localHeight, long remoteHeight)
            throws BlockRejectedException, DeepFork {
        long high = Math.min(localHeight, remoteHeight);
        if (high == 0 || sameBlockAt(session, high)) {
            return OptionalLong.of(high);
        }
        int maxDepth = chain.parameters().maxReorgDepth();
        long low = Math.max(0, localHeight - maxDepth);
        // The peer's chain is at least as high as this one (it is better, and its work is its height's),
        // so it has a block at low.
        if (low > 0 && !sameBlockAt(session, low)) {
            throw new DeepFork(REORG_DEPTH_RULE, low, "the peer's better chain forks from this node's more than "
                    + maxDepth + " blocks below its tip, deeper than it reorganises (meshchain.sync.max-reorg-depth)");
        }
        // Same block at low (or low is genesis, fixed by the settings); another block at high.
        while (high - low > 1) {
            if (session.shouldStop()) {
                return OptionalLong.empty();
            }
            long middle = (low + high) >>> 1;
            if (sameBlockAt(session, middle)) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return OptionalLong.of(low);
    }

    private boolean sameBlockAt(Session session, long height) throws BlockRejectedException {
        List<Block> served = pages.page(session.peer, height, 1).page().blocks();
        if (served.isEmpty()) {
            throw new PeerException(PeerException.ADVERTISED_CHAIN, "advertised height " + session.remote.height()
                    + " but served no block " + height);
        }
        return chain.hashAt(height).map(served.get(0).hash()::equals).orElse(false);
    }

    /**
     * Fetches the peer's blocks above {@code ancestor} a page at a time and offers them, growing a
     * branch until it is better than this node's chain; from then on every page is an extension and
     * is adopted as it comes. The next page is fetched while this one is validated and stored. Each
     * block is checked on the one before it as it arrives, before it is kept.
     *
     * @param guessed true when {@code ancestor} is a guess, not found by {@link #commonAncestor}: then
     *                null when the peer's first block does not follow it, for the caller to search
     */
    private Synced adoptFrom(Session session, long ancestor, boolean guessed) throws BlockRejectedException, DeepFork {
        StoredBlock previous = chain.entryAt(ancestor).orElse(null);
        if (previous == null) {
            return new Synced(ChainService.Adoption.NOT_CONNECTED, false); // this node's chain moved meanwhile
        }
        try (PeerPages.Run run = guessed ? pages.tentativeRun(session.peer, ancestor + 1, session.remote.height())
                : pages.run(session.peer, ancestor + 1, session.remote.height())) {
            return adoptFrom(session, run, ancestor, previous, guessed);
        }
    }

    private Synced adoptFrom(Session session, PeerPages.Run pages, long ancestor, StoredBlock previous, boolean guessed)
            throws BlockRejectedException, DeepFork {
        ChainService.Adoption outcome = ChainService.Adoption.NOT_BETTER;
        List<Block> branch = new ArrayList<>();
        long next = ancestor + 1;
        long remoteHeight = session.remote.height();
        LedgerParameters parameters = chain.parameters();
        while (pages.hasNext()) {
            if (session.shouldStop()) {
                return new Synced(outcome, true);
            }
            PeerClient.FetchedPage fetched = pages.next();
            List<Block> served = fetched.page().blocks();
            if (served.isEmpty()) {
                throw new PeerException(PeerException.ADVERTISED_CHAIN, "advertised height " + remoteHeight
                        + " but served no block from " + next);
            }
            if (previous.height() > 0 && !served.get(0).previousHash().equals(previous.hash())) {
                session.fetchedBytes += fetched.bytes();
                if (guessed && next == ancestor + 1) {
                    return null; // the chains part lower down: the caller searches for where
                }
                // A page is one snapshot of the peer's chain, but two pages are two: the peer switched
                // branches between them, as any node may. The next exchange looks again.
                log.debug("The chain of peer {} moved during a sync, at block {}", session.peer, served.get(0).index());
                return new Synced(outcome, false);
            }
            if (guessed && next == ancestor + 1) {
                pages.goOn(); // the guess holds: the next page may be asked for
            }
            for (Block block : served) {
                checkHeader(block, previous, parameters);
                previous = StoredBlock.of(block, BigInteger.ZERO);
            }
            session.fetchedBytes += fetched.bytes();
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
            switch (chain.adopt(branch, true)) { // every block passed checkHeader on the one before it
                case ADOPTED -> {
                    outcome = ChainService.Adoption.ADOPTED;
                    branch.clear();
                    session.releaseBranch();
                }
                case NOT_CONNECTED -> {
                    return new Synced(outcome, false); // this node's chain moved meanwhile; the next heartbeat looks again
                }
                case TOO_DEEP -> throw new DeepFork(REORG_DEPTH_RULE, branch.get(0).index() - 1,
                        "the peer's chain forks deeper than " + parameters.maxReorgDepth() + " blocks below the tip");
                case NOT_BETTER -> {
                    // Held until the branch is better, within this sync's share of the budget.
                    if (!session.holdBranch(fetched.bytes())) {
                        throw new DeepFork(BRANCH_BUDGET_RULE, branch.get(0).index() - 1, "its branch from block "
                                + branch.get(0).index() + " is still not better than this node's chain after "
                                + (session.branchBytes + fetched.bytes()) + " bytes, more than a sync holds of a branch");
                    }
                }
            }
        }
        if (next <= remoteHeight) {
            // Every block carries the network's difficulty, so a chain with the work advertised has that height.
            throw new PeerException(PeerException.ADVERTISED_CHAIN, "advertised height " + remoteHeight
                    + " but its chain ended at block " + (next - 1));
        }
        return new Synced(outcome, false);
    }

    /** Checks what {@code block} can be checked for on {@code previous} alone, before it is kept. */
    private static void checkHeader(Block block, StoredBlock previous, LedgerParameters parameters)
            throws BlockRejectedException {
        try {
            BlockValidator.validateHeader(block, previous, parameters.difficulty(), parameters.maxTransactions(),
                    parameters.blockInterval().toMillis());
        } catch (BlockRejectedException e) {
            if (previous.height() == 0 && !block.previousHash().equals(previous.hash())) {
                throw new BlockRejectedException(SAME_GENESIS_RULE, 1,
                        "the peer's chain does not grow from this network's genesis block");
            }
            throw e;
        }
    }

    private boolean isOurs(Block block) {
        return chain.hashAt(block.index()).filter(block.hash()::equals).isPresent();
    }

    @Override
    public void destroy() {
        pages.shutdown();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
