package io.meshchain.ledger;

import java.util.Objects;
import java.util.Set;

/**
 * The peer that relayed a transaction to this node, and the nodes it says it relays the same
 * transactions to besides: this node need not relay them there again. In a full mesh that is every
 * node, and a relay travels one hop; where peers know only some of the network, each node passes a
 * transaction on to those of its peers the relaying node did not name.
 *
 * @param nodeId     node id of the relaying peer
 * @param alsoSentTo node ids the relaying peer sends the transactions to as well, itself included;
 *                   empty when it did not say
 */
public record RelayedBy(String nodeId, Set<String> alsoSentTo) {

    public RelayedBy {
        Objects.requireNonNull(nodeId, "nodeId");
        alsoSentTo = Set.copyOf(alsoSentTo);
    }

    /** A relay by {@code nodeId}, which did not say where else it relays; null for null (a client's submission). */
    public static RelayedBy of(String nodeId) {
        return nodeId == null ? null : new RelayedBy(nodeId, Set.of());
    }

    /** Whether the node named {@code nodeId} has the transactions already, or is being sent them. */
    public boolean reached(String nodeId) {
        return this.nodeId.equals(nodeId) || alsoSentTo.contains(nodeId);
    }
}
