package io.meshchain.network;

import java.util.OptionalLong;

/**
 * How many peers this node is configured with, how many answered their last heartbeat, and the
 * highest height those reachable ones advertised.
 */
public interface PeerStatus {

    int configuredPeers();

    int reachablePeers();

    /** The highest height a reachable peer advertised in its last heartbeat; empty when none is reachable. */
    OptionalLong bestReachableHeight();
}
