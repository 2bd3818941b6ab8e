package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockRejectedException;

/**
 * The node's own store holds a chain this node cannot accept: a block breaks a consensus rule, the
 * chain grows from another network's genesis block, or the index disagrees with the blocks. The data
 * was written by a node with other network settings (difficulty, block size) or was edited; the
 * node refuses to start rather than discard it.
 */
public class StoredChainInvalidException extends RuntimeException {

    public StoredChainInvalidException(BlockRejectedException cause) {
        super("the stored chain breaks a rule of this network at block " + cause.blockIndex() + " ("
                + cause.getMessage() + "); was it written with other settings, such as another difficulty?", cause);
    }

    public StoredChainInvalidException(String message) {
        super(message);
    }
}
