package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import java.math.BigInteger;
import java.util.List;

/**
 * A window of the chain, taken in one atomic read so the blocks match the height and work given.
 *
 * @param height    index of the tip
 * @param totalWork total work of the whole chain
 * @param blocks    the requested blocks, in order
 */
public record ChainPage(long height, BigInteger totalWork, List<Block> blocks) {

    public ChainPage {
        blocks = List.copyOf(blocks);
    }
}
