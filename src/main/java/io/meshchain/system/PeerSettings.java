package io.meshchain.system;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How this node grows its share of the network, under {@code meshchain.peers.*}: beside the list of
 * base URLs that {@code meshchain.peers} itself is ({@link MeshchainProperties#peers()}, the seeds),
 * how many peers it calls, how many may call it, which learned addresses it may ever call, and the
 * address it gives its peers for itself.
 *
 * @param target        peers this node picks and calls (outbound), from its seeds and the addresses
 *                      its peers told it of; 8 by default, as Bitcoin Core keeps 8 outbound peers
 * @param maxInbound    nodes that found this one and call it that it takes as peers in turn
 *                      (inbound); a node beyond them is answered but not called back
 * @param maxAddresses  addresses of other nodes kept, seeds included
 * @param allowed       the hosts and networks a learned address must be in, e.g. {@code 10.0.0.0/8},
 *                      {@code .meshchain-peers.ledger.svc.cluster.local}; empty for any that is not
 *                      forbidden (link-local, metadata, multicast)
 * @param advertisedUrl the base URL other nodes reach this one at, sent in its heartbeats so that a
 *                      node it calls can call it back; by default {@code http://} this node's
 *                      {@code server.address} and port, unless that address is a wildcard
 * @param exchange      whether this node learns addresses from its peers and takes nodes that call
 *                      it as peers (the default); false keeps it to its seeds, a fixed topology
 */
@ConfigurationProperties("meshchain.peers")
@Validated
public record PeerSettings(@Min(1) @Max(64) int target,
                           @Min(0) @Max(256) int maxInbound,
                           @Min(1) @Max(100_000) int maxAddresses,
                           List<@NotNull String> allowed,
                           URI advertisedUrl,
                           boolean exchange) {

    public static final int DEFAULT_TARGET = 8;
    public static final int DEFAULT_MAX_INBOUND = 24;
    public static final int DEFAULT_MAX_ADDRESSES = 1_000;

    public PeerSettings {
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }

    /** The defaults, as {@code application.yml} gives them, for code that builds settings by hand. */
    public static PeerSettings defaults() {
        return new PeerSettings(DEFAULT_TARGET, DEFAULT_MAX_INBOUND, DEFAULT_MAX_ADDRESSES, List.of(), null, true);
    }
}
