package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/** A block holds 1 to max transactions: no empty blocks, and no block too big for its peers. */
final class TransactionCount implements BlockRule {

    @Override
    public String name() {
        return "transaction-count";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        int count = block.transactions().size();
        return count >= 1 && count <= context.maxTransactions()
                ? Optional.empty()
                : Optional.of("holds " + count + " transactions, must hold 1 to " + context.maxTransactions());
    }
}
