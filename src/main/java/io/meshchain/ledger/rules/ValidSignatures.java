package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.Optional;

/**
 * Every signed transaction of a block carries its key's signature of its fields on this network
 * (docs/api.md, "Signed transactions"). A transaction this node verified when it took it into its pool is
 * not verified again: each signature is verified once per node. "That transaction" means its
 * signature too: the id does not cover the signature, so a block that copies a pending transaction
 * with other signature bytes is verified like any other.
 */
final class ValidSignatures implements BlockRule {

    @Override
    public String name() {
        return "valid-signatures";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        for (Transaction transaction : block.transactions()) {
            if (transaction.isSigned() && !context.signatureVerified().test(transaction)
                    && !transaction.hasValidSignature(context.genesisHash())) {
                return Optional.of("transaction " + transaction.id() + " does not carry its key's signature on this network");
            }
        }
        return Optional.empty();
    }
}
