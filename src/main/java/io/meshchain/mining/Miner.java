package io.meshchain.mining;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.MiningTemplate;
import io.meshchain.ledger.StaleWorkException;
import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.pow.ProofSearch;
import io.meshchain.primitives.Block;
import io.meshchain.system.MeshchainProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The node's miner. When a block is due it takes a template from the ledger, searches the lowest
 * proof on {@code meshchain.mining.threads} threads (thread i tries i, i + n, i + 2n, ...), and
 * appends the block through {@link ChainService}. Work on a template whose tip or transactions have
 * moved is dropped as soon as the next staleness check notices.
 */
@Service
public class Miner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Miner.class);

    /** What the miner is doing, for health. */
    public enum State { DISABLED, IDLE, MINING }

    private final ChainService chain;
    private final boolean enabled;
    private final int threads;
    private final Duration interval;
    private final ExecutorService searchers;
    private final Counter hashes;
    private final Counter blocksMined;
    private volatile State state;
    private volatile boolean running;
    /** The thread waiting for the next block to be due, woken when the miner stops. */
    private volatile Thread waiting;
    /** Whether the miner waits with nothing pending: only then does a transaction's arrival wake it. */
    private volatile boolean waitingIdle;
    /** Transactions accepted so far: whether one arrived while the miner waited with nothing pending. */
    private final AtomicLong arrivals = new AtomicLong();

    Miner(ChainService chain, MeshchainProperties properties, MeterRegistry meters) {
        this.chain = chain;
        this.enabled = properties.mining().enabled();
        this.threads = properties.mining().threads();
        this.interval = properties.mining().interval();
        this.searchers = threads > 1 ? Executors.newFixedThreadPool(threads, daemonThreads()) : null;
        this.hashes = Counter.builder("meshchain.mining.hashes")
                .description("Proof-of-work attempts: every header hash the miner computed").register(meters);
        this.blocksMined = Counter.builder("meshchain.blocks.mined")
                .description("Blocks this node's miner sealed and appended").register(meters);
        this.state = enabled ? State.IDLE : State.DISABLED;
        if (enabled) {
            log.info("Mining on {} thread(s), hashing by {}", threads,
                    ProofSearch.hasherName(properties.mining().difficulty()));
        }
    }

    public State state() {
        return state;
    }

    /** Mines one block if one is due. Returns the block appended, if any. */
    Optional<Block> mineDueBlock() {
        return attempt().block();
    }

    /**
     * Mines blocks back to back while one is due: a backlog is mined at the speed of the proof search,
     * not one block per {@code meshchain.mining.interval}. Work that went stale (a peer's block arrived
     * first) is followed at once by a template on the new tip. When no block is due but one will be
     * within the interval, it waits for that moment rather than for the next look; when nothing is
     * pending, it waits up to the interval for a transaction to arrive. Stops when nothing came for
     * an interval, when the miner stops, or when a block is due but nothing could be mined (its own
     * block was refused). Returns how many blocks this node appended.
     */
    public int mineDueBlocks() {
        int appended = 0;
        while (running) {
            Attempt attempt = attempt();
            if (attempt.block().isPresent() || attempt.stale()) {
                appended += attempt.block().isPresent() ? 1 : 0;
            } else if (!awaitNextDue()) {
                return appended;
            }
        }
        return appended;
    }

    /**
     * Waits until the next block is due when that is within the interval, or, with nothing pending,
     * up to the interval for a transaction ({@link #transactionAccepted}). False when there is nothing
     * to wait for: no block due within the interval, one due now that could not be mined, or no
     * transaction for a whole interval.
     */
    private boolean awaitNextDue() {
        long arrivedBefore = arrivals.get();
        OptionalLong dueIn = running ? chain.nextDueIn() : OptionalLong.of(0);
        boolean idle = dueIn.isEmpty();
        long wait = idle ? interval.toMillis() : dueIn.getAsLong();
        if (wait == 0 || wait > interval.toMillis()) {
            return false;
        }
        waiting = Thread.currentThread();
        waitingIdle = idle;
        try {
            // stop(), or a transaction, after the assignments above unparks this thread; before them, this sees it
            if (running && !(idle && arrivals.get() != arrivedBefore)) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(wait));
            }
        } finally {
            waiting = null;
            waitingIdle = false;
        }
        return running && !Thread.currentThread().isInterrupted() && (!idle || arrivals.get() != arrivedBefore);
    }

    /**
     * Wakes the miner waiting with nothing pending: the first transaction makes a block due within the
     * interval, and the miner looks when it is, not at its next scheduled look.
     */
    @EventListener
    void transactionAccepted(TransactionAccepted accepted) {
        arrivals.incrementAndGet();
        if (waitingIdle) {
            Thread sleeper = waiting;
            if (sleeper != null) {
                LockSupport.unpark(sleeper);
            }
        }
    }

    /** What one look for a due block came to: the block appended, or whether its work went stale. */
    private record Attempt(Optional<Block> block, boolean stale) {

        static final Attempt NOTHING = new Attempt(Optional.empty(), false);
        static final Attempt STALE = new Attempt(Optional.empty(), true);
    }

    private Attempt attempt() {
        if (!enabled || !running) {
            return Attempt.NOTHING;
        }
        Optional<MiningTemplate> due = chain.dueTemplate();
        if (due.isEmpty()) {
            return Attempt.NOTHING;
        }
        state = State.MINING;
        try {
            return mine(due.get());
        } finally {
            state = State.IDLE;
        }
    }

    private Attempt mine(MiningTemplate template) {
        OptionalLong proof = search(template);
        if (proof.isEmpty()) {
            boolean stale = running && !Thread.currentThread().isInterrupted()
                    && chain.version() != template.ledgerVersion();
            log.debug("Dropped {} work on block {}", stale ? "stale" : "interrupted", template.index());
            return stale ? Attempt.STALE : Attempt.NOTHING;
        }
        Block block = Block.seal(template.header(proof.getAsLong()), template.transactions());
        try {
            chain.appendMined(block);
        } catch (StaleWorkException e) {
            log.debug("Mined block {} went stale before it was appended: {}", block.index(), e.getMessage());
            return Attempt.STALE;
        } catch (BlockRejectedException e) {
            log.error("This node's own block was rejected, which is a bug: {}", e.getMessage());
            return Attempt.NOTHING;
        }
        blocksMined.increment();
        log.info("Mined block {} {} with {} transactions", block.index(), block.hash(), block.transactions().size());
        return new Attempt(Optional.of(block), false);
    }

    private OptionalLong search(MiningTemplate template) {
        if (searchers == null) {
            return new ProofSearch(template.header(0)).search(0, 1, () -> isStale(template), hashes::increment);
        }
        // Each thread tries its own residue class in increasing order and gives up once past the lowest
        // proof found so far, so the block is the one a single thread would seal: nodes mining the same
        // template seal the same block whatever their thread counts.
        AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        List<Callable<OptionalLong>> tasks = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            long start = i;
            tasks.add(() -> {
                OptionalLong proof = new ProofSearch(template.header(0))
                        .search(start, threads, lowest::get, () -> isStale(template), hashes::increment);
                proof.ifPresent(found -> lowest.accumulateAndGet(found, Math::min));
                return proof;
            });
        }
        try {
            OptionalLong best = OptionalLong.empty();
            for (var future : searchers.invokeAll(tasks)) {
                OptionalLong proof = future.get();
                if (proof.isPresent() && (best.isEmpty() || proof.getAsLong() < best.getAsLong())) {
                    best = proof;
                }
            }
            return best;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException e) {
            log.error("Proof search failed", e);
        }
        return OptionalLong.empty();
    }

    private boolean isStale(MiningTemplate template) {
        return !running || chain.version() != template.ledgerVersion() || Thread.currentThread().isInterrupted();
    }

    private static ThreadFactory daemonThreads() {
        return runnable -> {
            Thread thread = new Thread(runnable, "miner");
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void start() {
        running = true;
    }

    /** Stops mining first when the node shuts down: a search under way gives up at its next check. */
    @Override
    public void stop() {
        running = false;
        Thread sleeper = waiting;
        if (sleeper != null) {
            LockSupport.unpark(sleeper);
        }
        state = enabled ? State.IDLE : State.DISABLED;
        if (searchers != null) {
            searchers.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before anything else, the web server included. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
