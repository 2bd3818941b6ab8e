package io.meshchain.network;

import io.meshchain.ledger.ChainService;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether the node is in step with its network, shown as {@code sync} and part of readiness, as Besu's
 * readiness check has it: ready when no peer is configured (a node alone), or when at least one peer
 * in good standing answered its last heartbeat and no peer has proved a chain more than
 * {@link #MAX_BLOCKS_BEHIND} blocks higher. A node that is cut off, or still catching up, is then out
 * of service: Kubernetes sends it no clients, though it keeps serving its peers (the headless Service
 * publishes nodes that are not ready) and mining. Liveness does not depend on it.
 * <p>
 * A height counts only once proved: the node fetched that peer's blocks, checked them and adopted
 * them ({@link PeerDirectory#bestProvedHeight()}). A peer advertising a height it cannot back fails
 * its sync and is set aside, so a liar cannot keep a node out of service. The details also name the
 * peers set aside (by node id) and any peer whose chain forks deeper than this node reorganises.
 */
@Component("sync")
class SyncHealthIndicator implements HealthIndicator {

    /** How far behind the highest proved peer chain a node may be and still take clients. */
    static final long MAX_BLOCKS_BEHIND = 5;

    private final ChainService chain;
    private final PeerDirectory peers;

    SyncHealthIndicator(ChainService chain, PeerDirectory peers) {
        this.chain = chain;
        this.peers = peers;
    }

    @Override
    public Health health() {
        int configured = peers.configuredPeers();
        int reachable = peers.reachableInGoodStanding();
        long height = chain.tip().height();
        OptionalLong best = peers.bestProvedHeight();
        long behind = best.isPresent() ? Math.max(0, best.getAsLong() - height) : 0;
        boolean ready = configured == 0 || reachable > 0 && behind <= MAX_BLOCKS_BEHIND;
        Health.Builder health = ready ? Health.up() : Health.outOfService();
        health.withDetail("peersReachable", reachable).withDetail("peersConfigured", configured)
                .withDetail("height", height).withDetail("blocksBehind", behind);
        best.ifPresent(peerHeight -> health.withDetail("bestPeerHeight", peerHeight));
        List<Map<String, Object>> setAside = peers.setAsideDetails();
        if (!setAside.isEmpty()) {
            health.withDetail("peersSetAside", setAside);
        }
        if (peers.deepForkCount() > 0) {
            health.withDetail("deepFork", "a peer's better chain forks deeper than this node reorganises "
                    + "(meshchain.sync.max-reorg-depth): this node keeps its chain; an operator decides which "
                    + "to keep (docs/operations.md)");
        }
        if (!ready) {
            health.withDetail("reason", reachable > 0
                    ? behind + " blocks behind the highest chain a peer proved (at most " + MAX_BLOCKS_BEHIND + ")"
                    : peers.reachablePeers() == 0 ? "no configured peer is reachable"
                    : "every reachable peer is set aside for misbehaving");
        }
        return health.build();
    }
}
