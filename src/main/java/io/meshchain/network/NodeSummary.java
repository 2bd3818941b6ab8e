package io.meshchain.network;

import io.meshchain.ledger.ChainTip;
import io.meshchain.pow.Hex;
import io.meshchain.system.MeshchainProperties;
import java.math.BigInteger;
import java.util.List;

/**
 * The heartbeat message (the seed's {@code hb}): a node's tip and work, not its chain. It costs a
 * few hundred bytes whatever the chain's length.
 */
record NodeSummary(String nodeId, long height, String tipHash, long tipTimestamp, BigInteger totalWork,
                   int pending, List<PeerView> peers) {

    NodeSummary {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    ChainTip tip() {
        return new ChainTip(height, tipHash, tipTimestamp, totalWork);
    }

    /** True when every field a node acts on is present and plausible; peers' summaries are checked first. */
    boolean isWellFormed() {
        return nodeId != null && nodeId.matches(MeshchainProperties.NODE_ID_PATTERN)
                && height >= 0 && Hex.isHash(tipHash)
                && totalWork != null && totalWork.signum() > 0;
    }
}
