package io.meshchain.network;

import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.system.MeshchainProperties;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Relays each transaction new to this node once to every peer, in the background, except back to
 * the peer that relayed it here. Peers dedupe by id, so the flood stops after one hop. A relay that
 * fails is not retried: the transaction still reaches every node inside a block.
 */
@Component
class TransactionRelay {

    private static final Logger log = LoggerFactory.getLogger(TransactionRelay.class);

    private final String selfNodeId;
    private final PeerDirectory directory;
    private final PeerClient client;
    private final PeerLanes lanes;

    TransactionRelay(MeshchainProperties properties, PeerDirectory directory, PeerClient client, PeerLanes lanes) {
        this.selfNodeId = properties.nodeId();
        this.directory = directory;
        this.client = client;
        this.lanes = lanes;
    }

    @EventListener
    void relay(TransactionAccepted accepted) {
        Optional<Peer> source = accepted.relayedBy() == null ? Optional.empty() : directory.byNodeId(accepted.relayedBy());
        for (Peer peer : directory.peers()) {
            if (source.filter(peer::equals).isEmpty()) {
                lanes.relay(peer, () -> relayTo(peer, accepted));
            }
        }
    }

    private void relayTo(Peer peer, TransactionAccepted accepted) {
        try {
            client.relay(peer, accepted.transaction(), selfNodeId);
        } catch (RuntimeException e) {
            log.debug("Relay of {} to {} failed: {}", accepted.transaction().id(), peer, ChainSync.describe(e));
        }
    }
}
