package io.meshchain.network;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.meshchain.crypto.Hex;
import io.meshchain.primitives.ChainTip;
import io.meshchain.system.MeshchainProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigInteger;
import java.util.List;

/**
 * The heartbeat message (the seed's {@code hb}): a node's tip and work, not its chain. It costs a
 * few hundred bytes whatever the chain's length. The constraints are checked on every summary a
 * peer sends, as a request or as an answer, before the node acts on it.
 * <p>
 * {@code peers} are the peers the node exchanges with, and {@code url} the base URL the node gives
 * for itself ({@code meshchain.peers.advertised-url}), or null (then not written at all: a node from
 * before peer exchange refuses a summary with a field it does not know): addresses another node may
 * learn, each judged before it is ever called ({@link AddressBook}, {@link AddressPolicy}).
 */
record NodeSummary(
        @NotNull @Pattern(regexp = MeshchainProperties.NODE_ID_PATTERN, message = "must be a node id") String nodeId,
        @PositiveOrZero long height,
        @NotNull @Pattern(regexp = Hex.HASH_PATTERN, message = "must be 64 lowercase hex characters") String tipHash,
        long tipTimestamp,
        @NotNull @Positive BigInteger totalWork,
        @PositiveOrZero int pending,
        @Size(max = MAX_PEERS) List<@Valid @NotNull PeerView> peers,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Size(max = MAX_URL_LENGTH) String url) {

    /**
     * Most peers a summary lists: as many as a node may hold ({@code target} and {@code max-inbound} at
     * most), whose views fit well within the 64 KiB a heartbeat answer may take.
     */
    static final int MAX_PEERS = 320;
    /** Longest URL a summary may give. */
    static final int MAX_URL_LENGTH = 2_048;

    NodeSummary {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    /** A summary without an address of its own: a node that does not advertise one. */
    NodeSummary(String nodeId, long height, String tipHash, long tipTimestamp, BigInteger totalWork, int pending,
                List<PeerView> peers) {
        this(nodeId, height, tipHash, tipTimestamp, totalWork, pending, peers, null);
    }

    ChainTip tip() {
        return new ChainTip(height, tipHash, tipTimestamp, totalWork);
    }
}
