package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockRejectedException;

/**
 * A block read back from the node's own store breaks a consensus rule. The data was written by a
 * node with other network settings (difficulty, block size) or was edited; the node refuses to
 * start rather than discard it.
 */
public class StoredChainInvalidException extends RuntimeException {

    public StoredChainInvalidException(BlockRejectedException cause) {
        super("the stored chain breaks a rule of this network at block " + cause.blockIndex() + " ("
                + cause.getMessage() + "); was it written with other settings, such as another difficulty?", cause);
    }
}
