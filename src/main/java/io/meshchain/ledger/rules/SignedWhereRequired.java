package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.Optional;

/** On a network that requires signatures ({@code meshchain.transactions.signatures=required}), every transaction is signed. */
final class SignedWhereRequired implements BlockRule {

    /** Rule name, also given to an unsigned submission on such a network. */
    static final String NAME = "signature-required";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        if (context.signaturesRequired()) {
            for (Transaction transaction : block.transactions()) {
                if (!transaction.isSigned()) {
                    return Optional.of("transaction " + transaction.id() + " is not signed, and this network "
                            + "takes signed transactions only");
                }
            }
        }
        return Optional.empty();
    }
}
