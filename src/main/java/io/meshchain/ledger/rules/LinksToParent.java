package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/** A block names its parent's hash, which chains the work of every block to all blocks before it. */
final class LinksToParent implements BlockRule {

    @Override
    public String name() {
        return "links-to-parent";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        return block.previousHash().equals(context.parent().hash())
                ? Optional.empty()
                : Optional.of("previousHash does not match the hash of block " + context.parent().height());
    }
}
