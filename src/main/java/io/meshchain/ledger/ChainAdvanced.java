package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import java.util.List;

/**
 * Published after the tip changed and the change is on disk, outside the ledger's lock, one at a time in
 * the order the changes were made.
 *
 * @param tip     the new tip
 * @param added   blocks that joined the chain, lowest first
 * @param removed hashes of the blocks that left it in a reorganisation, lowest first (empty for a plain append)
 * @param cause   what moved the tip
 */
public record ChainAdvanced(ChainTip tip, List<Block> added, List<String> removed, Cause cause) {

    public ChainAdvanced {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    /** What moved the tip. */
    public enum Cause {
        /** This node's miner sealed a block. */
        MINED,
        /** An external miner's proof was accepted through {@code POST /proof}. */
        PROOF_SUBMITTED,
        /** A better chain from a peer was adopted. */
        ADOPTED
    }
}
