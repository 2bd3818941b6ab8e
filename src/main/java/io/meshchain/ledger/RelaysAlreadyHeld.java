package io.meshchain.ledger;

/**
 * Published when a peer relayed transactions this node held already: the copies a gossip network
 * costs, which a node's degree, not the network's size, should bound.
 *
 * @param count how many, of one relay call
 */
public record RelaysAlreadyHeld(int count) {
}
