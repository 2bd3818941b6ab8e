package io.meshchain.network;

import io.meshchain.crypto.Hex;
import io.meshchain.primitives.ChainTip;
import io.meshchain.system.MeshchainProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigInteger;
import java.util.List;

/**
 * The heartbeat message (the seed's {@code hb}): a node's tip and work, not its chain. It costs a
 * few hundred bytes whatever the chain's length. The constraints are checked on every summary a
 * peer sends, as a request or as an answer, before the node acts on it.
 */
record NodeSummary(
        @NotNull @Pattern(regexp = MeshchainProperties.NODE_ID_PATTERN, message = "must be a node id") String nodeId,
        @PositiveOrZero long height,
        @NotNull @Pattern(regexp = Hex.HASH_PATTERN, message = "must be 64 lowercase hex characters") String tipHash,
        long tipTimestamp,
        @NotNull @Positive BigInteger totalWork,
        @PositiveOrZero int pending,
        List<@Valid @NotNull PeerView> peers) {

    NodeSummary {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    ChainTip tip() {
        return new ChainTip(height, tipHash, tipTimestamp, totalWork);
    }
}
