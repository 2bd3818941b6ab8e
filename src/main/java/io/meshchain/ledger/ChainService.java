package io.meshchain.ledger;

import io.meshchain.crypto.Hex;
import io.meshchain.crypto.MerkleTree;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The single owner of the node's chain and pending pool, and the ledger's one door: every other
 * feature reads and changes the ledger through it. Every change is one atomic step under one lock:
 * accepting a transaction, appending a block, replacing the chain. Readers share the lock, so they
 * always see a consistent ledger. Each change is recorded in the {@link LedgerStore} before it
 * becomes visible; events are published after the lock is released.
 * <p>
 * The reads are here; each change is the job of a part of its own, sharing the chain, the pool and
 * the lock ({@link LedgerState}): {@link Admission} takes transactions, {@link BlockTemplates} says
 * what the next block holds and when it is due, {@link ChainSwitch} appends and adopts blocks,
 * {@link ChainAnnouncements} tells listeners of changes in order, {@link PoolCompaction} keeps the
 * pool's journal short, and {@link LedgerStartup} opens and checks what the store holds.
 * <p>
 * The chain itself is on disk, indexed by the store; memory holds its tip region ({@link Chain}) and
 * the pending pool, so neither memory nor start-up grows with the chain.
 */
@Service
public class ChainService {

    private final LedgerStore store;
    private final LedgerState state;
    private final Backlog backlog;
    private final BlockTemplates templates;
    private final Admission admission;
    private final ChainSwitch chainSwitch;

    /**
     * Opens the ledger in {@code store} ({@link LedgerStartup}): the blocks at the tip are checked by
     * the same rules as a peer's block, and the pool is rebuilt without transactions the chain holds.
     *
     * @throws StoredChainInvalidException when a stored block breaks a rule
     */
    public ChainService(LedgerParameters parameters, Clock clock, ApplicationEventPublisher events, LedgerStore store) {
        this.store = store;
        this.state = LedgerStartup.open(parameters, clock, store);
        this.backlog = new Backlog(parameters.targetWait());
        RelayLag relayLag = new RelayLag();
        this.templates = new BlockTemplates(state, relayLag);
        this.admission = new Admission(state, store, events, backlog, relayLag, templates);
        PoolCompaction compaction = new PoolCompaction(state, store);
        this.chainSwitch = new ChainSwitch(state, backlog, new ChainAnnouncements(events), compaction);
        compaction.compactIfWorthwhile();
    }

    public LedgerParameters parameters() {
        return state.parameters();
    }

    public Block genesis() {
        return state.genesis();
    }

    /**
     * Grows whenever work on a mining template may have gone stale: the tip moved or a transaction
     * left the pool. A miner compares it with {@link MiningTemplate#ledgerVersion()}.
     */
    public long version() {
        return state.version();
    }

    // ---- transactions -------------------------------------------------------------------------

    /**
     * Accepts a transaction into the pending pool. Submitting a transaction this node already knows,
     * pending or confirmed, is not an error: it answers the stored one.
     *
     * @param relayedBy node id of the relaying peer, or null for a client's submission
     * @throws InvalidTransactionException when it breaks a transaction rule
     * @throws PushbackException           when the pool does not take it now: it is at capacity, the
     *                                     network is behind, or the sender has too many pending
     * @throws StorageException            when it cannot be made durable; it is not acknowledged then
     */
    public Submission submit(Transaction transaction, String relayedBy) {
        return submit(transaction, RelayedBy.of(relayedBy), null);
    }

    /**
     * Accepts a transaction as {@link #submit(Transaction, String)} does, relayed by a peer that says
     * where else it relays it, and from which cutoff a block may take it
     * ({@link PendingTransaction#eligibleFrom()}).
     *
     * @param relayedBy    the relaying peer, or null for a client's submission
     * @param eligibleFrom what the relaying node said, or null for a client's submission
     */
    public Submission submit(Transaction transaction, RelayedBy relayedBy, Long eligibleFrom) {
        return admission.submit(transaction, relayedBy, eligibleFrom);
    }

    /**
     * Accepts a batch of transactions into the pending pool, as {@link #submit} accepts one, with one
     * flush for the whole batch: what a peer relaying many transactions at once needs. Each is taken or
     * refused on its own; none is an error for the others.
     *
     * @param relayedBy node id of the relaying peer, or null for a client's submission
     * @throws StorageException when the batch cannot be made durable; none of it is acknowledged then
     */
    public BatchSubmission submitAll(List<Transaction> transactions, String relayedBy) {
        return submitAll(transactions, RelayedBy.of(relayedBy), Map.of());
    }

    /**
     * Accepts a batch as {@link #submitAll(List, String)} does, relayed by a peer that says where else
     * it relays them and, for some of its transactions, from which cutoff a block may take them
     * ({@link PendingTransaction#eligibleFrom()}).
     *
     * @param relayedBy    the relaying peer, or null for a client's batch
     * @param eligibleFrom what the relaying node said, by transaction id; empty for a client's batch
     * @throws IllegalArgumentException when the batch holds more than {@link io.meshchain.wire.Paging#MAX_BATCH}
     */
    public BatchSubmission submitAll(List<Transaction> transactions, RelayedBy relayedBy,
                                     Map<String, Long> eligibleFrom) {
        return admission.submitAll(transactions, relayedBy, eligibleFrom);
    }

    /** The key {@code sender} is bound to by this node's chain, if it is. */
    public Optional<SenderBinding> binding(String sender) {
        return state.read(() -> Optional.ofNullable(state.chain().bindings(List.of(sender)).get(sender)));
    }

    /**
     * The inclusion proof of a confirmed transaction; empty when this node's chain does not hold it
     * (a pending one included: see {@link #status}).
     */
    public Optional<InclusionProof> inclusionProof(String transactionId) {
        return state.read(() -> state.chain().leaves(transactionId)).map(found -> new InclusionProof(transactionId,
                found.height(), found.blockHash(), found.position(), found.leafHashes().size(),
                Hex.encode(MerkleTree.rootOfLeafHashes(found.leafHashes())),
                MerkleTree.auditPathOfLeafHashes(found.leafHashes(), found.position()).stream().map(Hex::encode)
                        .toList()));
    }

    public Optional<TransactionStatus> status(String transactionId) {
        return state.read(() -> state.statusLocked(transactionId));
    }

    /** A page of the pending pool, oldest first, with the pool's size at that moment. */
    public PendingPage pending(int offset, int limit) {
        return state.read(() -> new PendingPage(state.pool().size(), offset, state.pool().page(offset, limit)));
    }

    public int pendingCount() {
        return state.read(state.pool()::size);
    }

    /** Transactions per second this node's chain confirmed over the last ten seconds; empty when none. */
    public OptionalLong confirmationRate() {
        return backlog.ratePerSecond(state.clock().millis());
    }

    // ---- chain reads --------------------------------------------------------------------------

    public ChainTip tip() {
        return state.read(state.chain()::tip);
    }

    /** Blocks with {@code from <= index < from + limit}, with the height and work they belong to. */
    public ChainPage page(long from, int limit) {
        return state.read(() -> new ChainPage(state.chain().height(), state.chain().tip().totalWork(),
                state.chain().range(from, limit)));
    }

    /**
     * The chain as it is now, to be read a page at a time without holding up the ledger: later
     * blocks and reorganisations do not show through. Close it after use.
     */
    public ChainReader reader() {
        return state.read(store::reader);
    }

    public Optional<Block> block(String hash) {
        return state.read(() -> state.chain().byHash(hash));
    }

    /**
     * The work of every valid chain whose tip is at {@code height}: each block, genesis included,
     * carries the network's difficulty, so work and height go together. A peer that advertises other
     * work for its height advertises a chain that cannot exist.
     */
    public BigInteger workOfHeight(long height) {
        return Difficulty.work(state.parameters().difficulty()).multiply(BigInteger.valueOf(height + 1));
    }

    /** This node's entry at {@code height} (hash, timestamp, work up to it), if the chain is that tall. */
    public Optional<StoredBlock> entryAt(long height) {
        return state.read(() -> height >= 0 && height <= state.chain().height()
                ? Optional.of(state.chain().entry(height)) : Optional.empty());
    }

    /** Hash of this node's block at {@code height}, if the chain is that tall. */
    public Optional<String> hashAt(long height) {
        return entryAt(height).map(StoredBlock::hash);
    }

    // ---- mining -------------------------------------------------------------------------------

    /**
     * The template for the next block, with whatever is pending (possibly nothing), in canonical order:
     * what an external miner works on. With a block interval, it takes what is stamped up to the
     * cutoff the node's own miner would use, and is stamped with it.
     */
    public MiningTemplate template() {
        return templates.template();
    }

    /**
     * The template for the next block when one is due, empty otherwise (no empty blocks). With a block
     * interval: once the block's cutoff has passed by the settle margin, with what is stamped up to the
     * cutoff ({@link BlockSchedule}). Without: when the pool holds a full block of transactions that
     * have settled, or its oldest transaction has waited {@link LedgerParameters#maxWait()} (then
     * whatever has settled).
     */
    public Optional<MiningTemplate> dueTemplate() {
        return templates.dueTemplate();
    }

    /**
     * How long until a block is due if no transaction arrives meanwhile. Zero when one is due now;
     * empty when nothing is pending.
     */
    public OptionalLong nextDueIn() {
        return templates.nextDueIn();
    }

    /**
     * How long after a block's cutoff this node waits before it mines the block, in milliseconds: the
     * slowest relay of the last ten seconds ({@link RelayLag}) and
     * {@link BlockTemplates#SETTLE_HEADROOM_MILLIS} more, between
     * {@link BlockTemplates#MIN_SETTLE_MILLIS} and {@link BlockTemplates#MAX_SETTLE_MILLIS}. Without a
     * block interval, how long a transaction's timestamp must be past before a block takes it.
     */
    public long settleMillis() {
        return templates.settleMillis();
    }

    /**
     * Appends a block this node's miner sealed on top of the tip.
     *
     * @throws StaleWorkException     when the tip moved or a transaction is no longer pending
     * @throws BlockRejectedException when the block breaks a rule (a miner bug, never expected)
     */
    public Block appendMined(Block block) throws BlockRejectedException {
        return chainSwitch.appendOnTip(block, ChainAdvanced.Cause.MINED);
    }

    /**
     * Seals and appends the block an external miner describes.
     *
     * @throws StaleWorkException     when the tip moved or a transaction is no longer pending
     * @throws BlockRejectedException when the proof does not meet the difficulty, or another rule fails
     */
    public Block submitProof(ProofSubmission submission) throws BlockRejectedException {
        List<Transaction> transactions = chainSwitch.pendingTransactions(submission.transactionIds());
        Block block = Block.seal(Block.header(submission.index(), submission.timestamp(), submission.previousHash(),
                state.parameters().difficulty(), transactions, submission.proof()), transactions);
        return chainSwitch.appendOnTip(block, ChainAdvanced.Cause.PROOF_SUBMITTED);
    }

    // ---- fork choice --------------------------------------------------------------------------

    /** The outcome of offering a peer's blocks. */
    public enum Adoption {
        /** The peer's chain was better, valid, and is now this node's chain. */
        ADOPTED,
        /** The peer's chain is not strictly better than this node's; nothing changed. */
        NOT_BETTER,
        /** The blocks do not attach to this node's chain (it moved meanwhile); nothing changed. */
        NOT_CONNECTED,
        /** The blocks fork more than {@link LedgerParameters#maxReorgDepth()} blocks below the tip; nothing changed. */
        TOO_DEEP
    }

    /**
     * Offers a peer's chain from the block after the common ancestor to its tip. When that chain is
     * strictly better by {@link ForkChoice} (compared where it parts from this node's) and every block
     * keeps every rule, it replaces this node's
     * blocks above the ancestor in one atomic step. Transactions of the abandoned blocks that the new
     * chain lacks go back to the pending pool, so no accepted transaction is lost.
     *
     * @param suffix contiguous blocks, lowest first; the first one's parent is the common ancestor
     * @throws BlockRejectedException naming the first rule a block breaks; nothing changed then
     */
    public Adoption adopt(List<Block> suffix) throws BlockRejectedException {
        return adopt(suffix, false);
    }

    /**
     * As {@link #adopt(List)}, for blocks whose header rules the caller checked already, each on the
     * block before it ({@link BlockValidator#validateHeader}), as sync does when a page arrives: they
     * are not checked again under the lock ({@link BlockValidator#validateBeyondHeader}). The first
     * block's parent is the ancestor the suffix names by hash, so it is the parent it was checked on.
     *
     * @param headersChecked whether every block of {@code suffix} passed {@link BlockValidator#validateHeader}
     */
    public Adoption adopt(List<Block> suffix, boolean headersChecked) throws BlockRejectedException {
        return chainSwitch.adopt(suffix, headersChecked);
    }
}
