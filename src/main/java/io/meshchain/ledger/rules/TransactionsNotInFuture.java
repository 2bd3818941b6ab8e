package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.Optional;

/**
 * No transaction of a block is stamped more than two minutes ahead of this node's clock, as no
 * submission may be. A block refused for it may be valid a few minutes later, or on a node whose
 * clock runs ahead, so the refusal is retried, not remembered: skewed clocks must not split the network.
 */
final class TransactionsNotInFuture implements BlockRule {

    @Override
    public String name() {
        return "transactions-not-in-future";
    }

    @Override
    public boolean undoneByTime() {
        return true;
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        for (Transaction transaction : block.transactions()) {
            if (TransactionRules.isAheadOfClock(transaction.timestamp(), context.now())) {
                return Optional.of("transaction " + transaction.id() + " is stamped " + transaction.timestamp()
                        + ", more than " + TransactionRules.MAX_CLOCK_DRIFT.toMinutes()
                        + " minutes ahead of the node's clock");
            }
        }
        return Optional.empty();
    }
}
