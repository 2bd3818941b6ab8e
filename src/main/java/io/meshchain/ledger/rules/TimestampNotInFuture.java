package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.time.Duration;
import java.util.Optional;

/**
 * A block is not stamped more than two minutes ahead of this node's clock. Otherwise a miner could
 * push timestamps forward without bound.
 */
final class TimestampNotInFuture implements BlockRule {

    /** How far ahead of the node's clock a block may be stamped. */
    static final Duration MAX_CLOCK_DRIFT = Duration.ofMinutes(2);

    @Override
    public String name() {
        return "timestamp-not-in-future";
    }

    @Override
    public boolean undoneByTime() {
        return true;
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        return block.timestamp() <= context.now() + MAX_CLOCK_DRIFT.toMillis()
                ? Optional.empty()
                : Optional.of("timestamp " + block.timestamp() + " is more than " + MAX_CLOCK_DRIFT.toMinutes()
                        + " minutes ahead of the node's clock");
    }
}
