package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/**
 * A block is stamped after the median of the previous {@value MedianTimePast#SPAN} blocks' timestamps
 * (Bitcoin's median-time-past). Without it a miner could stamp blocks at the epoch and, since fork
 * choice prefers the earliest tip among chains of equal work, win every tie.
 */
final class TimestampAfterMedianTimePast implements BlockRule {

    @Override
    public String name() {
        return "timestamp-after-median-time-past";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        return block.timestamp() > context.medianTimePast()
                ? Optional.empty()
                : Optional.of("timestamp " + block.timestamp() + " is not after the median " + context.medianTimePast()
                        + " of the previous " + MedianTimePast.SPAN + " blocks' timestamps");
    }
}
