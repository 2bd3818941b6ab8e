package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import java.util.List;

/**
 * The chain as it was when the reader was opened, read a page at a time without holding the
 * ledger's lock: later changes, reorganisations included, do not show through. Close it after use.
 */
public interface ChainReader extends AutoCloseable {

    /** The tip the reader sees. */
    ChainTip tip();

    /** Blocks with {@code from <= index < from + limit}, in order; fewer where the chain ends. */
    List<Block> blocks(long from, int limit);

    @Override
    void close();
}
