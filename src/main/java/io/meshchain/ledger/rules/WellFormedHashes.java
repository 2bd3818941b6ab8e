package io.meshchain.ledger.rules;

import io.meshchain.crypto.Hex;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.Optional;

/** Hashes are 64 lowercase hex characters; anything else cannot even be hashed or linked. */
final class WellFormedHashes implements BlockRule {

    @Override
    public String name() {
        return "well-formed";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        if (!Hex.isHash(block.hash()) || !Hex.isHash(block.previousHash())) {
            return Optional.of("hash and previousHash must be 64 lowercase hex characters");
        }
        for (Transaction transaction : block.transactions()) {
            if (!Hex.isHash(transaction.id())) {
                return Optional.of("every transaction id must be 64 lowercase hex characters");
            }
        }
        return Optional.empty();
    }
}
