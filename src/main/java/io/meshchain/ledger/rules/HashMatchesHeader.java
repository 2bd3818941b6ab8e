package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/**
 * The claimed hash is the hash of the header, transactions root included. This is what stops anyone
 * from editing a block's transactions (or any other field) without redoing its work.
 */
final class HashMatchesHeader implements BlockRule {

    @Override
    public String name() {
        return "hash-matches-header";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        return block.hash().equals(block.computeHash())
                ? Optional.empty()
                : Optional.of("hash is not the hash of the block's header and transactions");
    }
}
