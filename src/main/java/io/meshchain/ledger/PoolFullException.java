package io.meshchain.ledger;

/** The pending pool holds as many transactions as this node allows; the client should retry later. */
public class PoolFullException extends RuntimeException {

    public PoolFullException(int capacity) {
        super("the pending pool is full (" + capacity + " transactions); retry once a block has been mined");
    }
}
