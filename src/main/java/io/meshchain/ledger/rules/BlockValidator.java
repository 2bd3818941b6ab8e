package io.meshchain.ledger.rules;

import io.meshchain.ledger.Block;
import java.util.List;
import java.util.Optional;

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

    /** Throws for the first rule {@code block} breaks. */
    public static void validate(Block block, BlockContext context) throws BlockRejectedException {
        for (BlockRule rule : RULES) {
            Optional<String> failure = rule.check(block, context);
            if (failure.isPresent()) {
                throw new BlockRejectedException(rule.name(), block.index(), failure.get(), rule.undoneByTime());
            }
        }
    }
}
