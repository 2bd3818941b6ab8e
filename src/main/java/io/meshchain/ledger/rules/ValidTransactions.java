package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.List;
import java.util.Optional;

/**
 * Every transaction of a block keeps the transaction rules, its id included: no tampered contents.
 * Their timestamps are checked against the clock apart ({@link TransactionsNotInFuture}), since time
 * can undo that refusal and nothing can undo this one.
 */
final class ValidTransactions implements BlockRule {

    @Override
    public String name() {
        return "valid-transactions";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        for (Transaction transaction : block.transactions()) {
            List<RuleViolation> violations = TransactionRules.checkContents(transaction);
            if (!violations.isEmpty()) {
                RuleViolation first = violations.get(0);
                return Optional.of("transaction " + transaction.id() + " breaks " + first.rule() + ": "
                        + first.field() + " " + first.message());
            }
        }
        return Optional.empty();
    }
}
