package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/** A block sits exactly one above its parent, so heights cannot be skipped or repeated. */
final class IndexFollowsParent implements BlockRule {

    @Override
    public String name() {
        return "index-follows-parent";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        long expected = context.parent().height() + 1;
        return block.index() == expected
                ? Optional.empty()
                : Optional.of("index is " + block.index() + ", expected " + expected);
    }
}
