package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/**
 * A block is stamped at least the network's block interval after its parent. Blocks then come no
 * faster than the nodes can agree on them, whatever the rate of transactions: a node that made them
 * faster (another setting, or hostile) would bring back what the interval prevents, nodes racing for
 * every height and splitting into branches that grow side by side. A network setting, like the
 * difficulty; zero is the seed's rule, where only {@link TimestampNotBeforeParent} holds.
 */
final class BlockInterval implements BlockRule {

    @Override
    public String name() {
        return "block-interval";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        long earliest = context.parent().timestamp() + context.blockIntervalMillis();
        return block.timestamp() >= earliest
                ? Optional.empty()
                : Optional.of("timestamp " + block.timestamp() + " is less than the network's block interval of "
                        + context.blockIntervalMillis() + " ms after the parent's " + context.parent().timestamp());
    }
}
