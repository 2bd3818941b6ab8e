package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/** One consensus rule a block must keep. Each rule is a small class named after what it protects. */
interface BlockRule {

    /** Stable name, reported in rejections and metrics. */
    String name();

    /** Empty when {@code block} keeps the rule; otherwise why it does not. */
    Optional<String> check(Block block, BlockContext context);

    /** True for a rule a block may break now and keep later, as the node's clock moves on. */
    default boolean undoneByTime() {
        return false;
    }
}
