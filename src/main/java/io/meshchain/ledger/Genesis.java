package io.meshchain.ledger;

import io.meshchain.pow.BlockHeader;
import io.meshchain.primitives.Block;
import java.util.List;

/**
 * The first block. It is derived from the network's settings alone, never from the clock, so every
 * node of a network starts from the same block, and nodes of networks with different settings
 * refuse each other's chains.
 */
public final class Genesis {

    /** The parent hash of the genesis block: there is no parent. */
    public static final String NO_PARENT = "0".repeat(64);
    /** Fixed timestamp of the genesis block (the epoch). */
    public static final long TIMESTAMP = 0L;

    private Genesis() {
    }

    public static Block block(int difficulty) {
        BlockHeader header = Block.header(0, TIMESTAMP, NO_PARENT, difficulty, List.of(), 0L);
        return Block.seal(header, List.of());
    }
}
