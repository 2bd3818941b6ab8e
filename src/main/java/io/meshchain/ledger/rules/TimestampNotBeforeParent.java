package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/** Time never runs backwards along a chain, so the earliest-tip tie rule compares honest clocks. */
final class TimestampNotBeforeParent implements BlockRule {

    @Override
    public String name() {
        return "timestamp-not-before-parent";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        return block.timestamp() >= context.parent().timestamp()
                ? Optional.empty()
                : Optional.of("timestamp " + block.timestamp() + " is before the parent's " + context.parent().timestamp());
    }
}
