package io.meshchain.network;

import io.meshchain.ledger.ChainService;
import io.meshchain.primitives.ChainTip;
import io.meshchain.system.MeshchainProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The node's own health, shown under {@code /actuator/health} as {@code meshchain}: chain height and
 * tip, pending transactions, and peers reachable out of configured. A node with no reachable peer is
 * still up: it keeps serving and mining on its own, and catches up when peers return.
 * <p>
 * It lives with the heartbeat because it tells what the heartbeat's summary tells ({@link NodeSummary}:
 * node id, height, tip, work, pending, peers). The miner's state is the {@code mining} component's
 * ({@code mining/MiningHealthIndicator}), whether the node is in step with its peers {@code sync}'s
 * ({@link SyncHealthIndicator}).
 */
@Component("meshchain")
class NodeHealthIndicator implements HealthIndicator {

    private final MeshchainProperties properties;
    private final ChainService chain;
    private final PeerStatus peers;

    NodeHealthIndicator(MeshchainProperties properties, ChainService chain, PeerStatus peers) {
        this.properties = properties;
        this.chain = chain;
        this.peers = peers;
    }

    @Override
    public Health health() {
        ChainTip tip = chain.tip();
        return Health.up()
                .withDetail("nodeId", properties.nodeId())
                .withDetail("height", tip.height())
                .withDetail("tip", tip.hash())
                .withDetail("totalWork", tip.totalWork())
                .withDetail("pending", chain.pendingCount())
                .withDetail("peersReachable", peers.reachablePeers())
                .withDetail("peersConfigured", peers.configuredPeers())
                .build();
    }
}
