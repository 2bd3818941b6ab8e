package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** A transaction appears at most once in a chain: neither twice in a block nor again in a later block. */
final class UniqueTransactions implements BlockRule {

    @Override
    public String name() {
        return "unique-transactions";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        Set<String> seen = new HashSet<>();
        for (Transaction transaction : block.transactions()) {
            if (!seen.add(transaction.id())) {
                return Optional.of("transaction " + transaction.id() + " appears twice in the block");
            }
            if (context.alreadyInChain().test(transaction.id())) {
                return Optional.of("transaction " + transaction.id() + " is already in the chain");
            }
        }
        return Optional.empty();
    }
}
