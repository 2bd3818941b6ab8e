package io.meshchain.network;

import io.meshchain.ledger.ChainService;
import io.meshchain.mining.Miner;
import io.meshchain.primitives.ChainTip;
import io.meshchain.system.MeshchainProperties;
import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The node's own health, shown under {@code /actuator/health} as {@code meshchain}: chain height and
 * tip, pending transactions, peers reachable out of configured, and the miner's state. A node with no
 * reachable peer is still up: it keeps serving and mining on its own, and catches up when peers return.
 * <p>
 * One component, not one per feature, so that {@code meshchain} keeps its details together. It lives
 * with the heartbeat because it tells what the heartbeat's summary tells ({@link NodeSummary}: node id,
 * height, tip, work, pending, peers), and the miner's state besides.
 */
@Component("meshchain")
class NodeHealthIndicator implements HealthIndicator {

    private final MeshchainProperties properties;
    private final ChainService chain;
    private final Miner miner;
    private final PeerStatus peers;

    NodeHealthIndicator(MeshchainProperties properties, ChainService chain, Miner miner, PeerStatus peers) {
        this.properties = properties;
        this.chain = chain;
        this.miner = miner;
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
                .withDetail("miner", miner.state().name().toLowerCase(Locale.ROOT))
                .build();
    }
}
