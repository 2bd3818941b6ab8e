package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks a block against every consensus rule, cheapest and most basic first, and names the first
 * rule it breaks. The same validator checks mined blocks, external proofs and peers' blocks.
 */
public final class BlockValidator {

    private static final List<BlockRule> RULES = List.of(
            new WellFormedHashes(),
            new IndexFollowsParent(),
            new LinksToParent(),
            new NetworkDifficulty(),
            new TransactionCount(),
            new TimestampNotBeforeParent(),
            new BlockInterval(),
            new TimestampAfterMedianTimePast(),
            new TimestampNotInFuture(),
            new HashMatchesHeader(),
            new MeetsDifficulty(),
            new UniqueTransactions(),
            new ValidTransactions(),
            new SignedWhereRequired(),
            new ValidSignatures(),
            new SenderKeys(),
            new TransactionsNotInFuture());

    private BlockValidator() {
    }

    /** The names of every rule, in the order they are checked. */
    public static List<String> ruleNames() {
        return RULES.stream().map(BlockRule::name).toList();
    }

    /**
     * The rules a block keeps whatever the chain below its parent holds: well-formed, at the height
     * after its parent and linked to it, stamped no earlier, carrying the network's difficulty and
     * meeting it, with no more transactions than a block may hold. What sync checks of a peer's block
     * as it arrives, before it keeps it: a branch held until it is better is made of real work.
     */
    private static final Set<Class<? extends BlockRule>> HEADER_RULES = Set.of(WellFormedHashes.class,
            IndexFollowsParent.class, LinksToParent.class, NetworkDifficulty.class, TransactionCount.class,
            TimestampNotBeforeParent.class, BlockInterval.class, HashMatchesHeader.class, MeetsDifficulty.class);

    /**
     * Throws for the first of the {@link #HEADER_RULES header rules} that {@code block} breaks on
     * {@code parent}, in the network of the given difficulty, block size and block interval.
     */
    public static void validateHeader(Block block, StoredBlock parent, int networkDifficulty, int maxTransactions,
                                      long blockIntervalMillis) throws BlockRejectedException {
        BlockContext context = new BlockContext(parent, Long.MIN_VALUE, networkDifficulty, maxTransactions,
                Long.MAX_VALUE, id -> false, "", transaction -> false, sender -> null, false, blockIntervalMillis);
        for (BlockRule rule : RULES) {
            if (HEADER_RULES.contains(rule.getClass())) {
                Optional<String> failure = rule.check(block, context);
                if (failure.isPresent()) {
                    throw new BlockRejectedException(rule.name(), block.index(), failure.get(), rule.undoneByTime());
                }
            }
        }
    }

    /** Throws for the first rule {@code block} breaks. */
    public static void validate(Block block, BlockContext context) throws BlockRejectedException {
        validate(block, context, rule -> true);
    }

    /**
     * Throws for the first rule {@code block} breaks other than the {@link #HEADER_RULES header rules}:
     * for a block {@link #validateHeader} passed on the same parent already, as sync checks a peer's
     * blocks when they arrive. Those rules depend on the block and its parent alone, so checking them
     * again (the block's hash recomputed, every hash's form) would only cost: under the ledger's lock,
     * it was a quarter of a catching-up node's sync thread.
     */
    public static void validateBeyondHeader(Block block, BlockContext context) throws BlockRejectedException {
        validate(block, context, rule -> !HEADER_RULES.contains(rule.getClass()));
    }

    /**
     * Throws for the first rule a block this node stored breaks, leaving out the rules time can undo:
     * a block that was not ahead of the clock when it was taken is no less valid because the clock
     * was set back since.
     */
    public static void validateStored(Block block, BlockContext context) throws BlockRejectedException {
        validate(block, context, rule -> !rule.undoneByTime());
    }

    /**
     * Throws for the first rule time can undo that {@code block} breaks at {@code now}: what a node
     * checks of a peer's blocks before anything costly (their signatures), since a block ahead of its
     * clock is refused whatever else it holds.
     */
    public static void validateTime(Block block, long now) throws BlockRejectedException {
        BlockContext context = new BlockContext(StoredBlock.of(block, BigInteger.ZERO), Long.MIN_VALUE, 0, 0,
                now, id -> false, "", transaction -> false, sender -> null, false, 0);
        validate(block, context, BlockRule::undoneByTime);
    }

    private static void validate(Block block, BlockContext context, Predicate<BlockRule> which)
            throws BlockRejectedException {
        for (BlockRule rule : RULES) {
            if (!which.test(rule)) {
                continue;
            }
            Optional<String> failure = rule.check(block, context);
            if (failure.isPresent()) {
                throw new BlockRejectedException(rule.name(), block.index(), failure.get(), rule.undoneByTime());
            }
        }
    }
}
