package io.meshchain.network;

/** How many peers this node is configured with, and how many answered their last heartbeat. */
public interface PeerStatus {

    int configuredPeers();

    int reachablePeers();
}
