package io.meshchain.system;

import io.meshchain.ledger.ChainService;
import io.meshchain.network.PeerStatus;
import java.util.OptionalLong;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether the node is in step with its network, shown as {@code sync} and part of readiness, as Besu's
 * readiness check has it: ready when no peer is configured (a node alone), or when at least one peer
 * answered its last heartbeat and none of those advertises a chain more than {@link #MAX_BLOCKS_BEHIND}
 * blocks higher. A node that is cut off, or still catching up, is then out of service: Kubernetes
 * sends it no clients, though it keeps serving its peers (the headless Service publishes nodes that
 * are not ready) and mining. Liveness does not depend on it.
 */
@Component("sync")
class SyncHealthIndicator implements HealthIndicator {

    /** How far behind the highest reachable peer a node may be and still take clients. */
    static final long MAX_BLOCKS_BEHIND = 5;

    private final ChainService chain;
    private final PeerStatus peers;

    SyncHealthIndicator(ChainService chain, PeerStatus peers) {
        this.chain = chain;
        this.peers = peers;
    }

    @Override
    public Health health() {
        int configured = peers.configuredPeers();
        int reachable = peers.reachablePeers();
        long height = chain.tip().height();
        OptionalLong best = peers.bestReachableHeight();
        long behind = best.isPresent() ? Math.max(0, best.getAsLong() - height) : 0;
        boolean ready = configured == 0 || reachable > 0 && behind <= MAX_BLOCKS_BEHIND;
        Health.Builder health = ready ? Health.up() : Health.outOfService();
        health.withDetail("peersReachable", reachable).withDetail("peersConfigured", configured)
                .withDetail("height", height).withDetail("blocksBehind", behind);
        best.ifPresent(peerHeight -> health.withDetail("bestPeerHeight", peerHeight));
        if (!ready) {
            health.withDetail("reason", reachable == 0 ? "no configured peer is reachable"
                    : behind + " blocks behind the highest reachable peer (at most " + MAX_BLOCKS_BEHIND + ")");
        }
        return health.build();
    }
}
