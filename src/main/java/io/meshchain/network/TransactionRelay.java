package io.meshchain.network;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Transaction;
import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.system.MeshchainProperties;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Relays each transaction new to this node once to every peer, in the background, except back to
 * the peer that relayed it here (recognised by its relay token, {@link RelayTokens}). Peers dedupe by id, so the flood stops after one hop. A relay that
 * fails is not retried: the transaction still reaches every node inside a block.
 *
 * <p>Each peer has an outbox, sent by one call at a time on the peer's relay lane: a transaction
 * that finds the outbox empty goes alone ({@code POST /transactions}); those that arrive while a
 * call is under way wait and go together in the next ({@code POST /transactions/batch}, up to
 * {@link ChainService#MAX_BATCH}), made durable at the peer with one flush. So relays cost one call
 * per transaction when transactions are few, and batch themselves when they come faster than one
 * call per peer can carry. An outbox holds at most {@link #OUTBOX_LIMIT} transactions; more
 * for a peer that is backed up are dropped.
 */
@Component
class TransactionRelay {

    private static final Logger log = LoggerFactory.getLogger(TransactionRelay.class);

    /** Transactions waiting to be relayed to one peer before further ones for it are dropped. */
    static final int OUTBOX_LIMIT = 10_000;

    private final String selfNodeId;
    private final PeerDirectory directory;
    private final PeerClient client;
    private final PeerLanes lanes;
    private final RelayTokens tokens;
    private final Map<URI, Outbox> outboxes = new ConcurrentHashMap<>();

    /** Transactions waiting for one peer, and whether a call is sending them. */
    private static final class Outbox {
        final Queue<Transaction> waiting = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();
        final AtomicBoolean sending = new AtomicBoolean();
        final AtomicLong dropped = new AtomicLong();
    }

    TransactionRelay(MeshchainProperties properties, PeerDirectory directory, PeerClient client, PeerLanes lanes,
                     RelayTokens tokens) {
        this.selfNodeId = properties.nodeId();
        this.directory = directory;
        this.client = client;
        this.lanes = lanes;
        this.tokens = tokens;
    }

    @EventListener
    void relay(TransactionAccepted accepted) {
        Optional<Peer> source = accepted.relayedBy() == null ? Optional.empty() : directory.byNodeId(accepted.relayedBy());
        List<Peer> peers = directory.peers();
        for (Peer peer : peers) {
            if (source.filter(peer::equals).isEmpty()) {
                enqueue(peer, accepted.transaction());
            }
        }
        if (outboxes.size() > peers.size()) {
            forgetDeparted(peers);
        }
    }

    /**
     * Drops the outboxes of peers that left the directory (DNS discovery no longer finds them), with
     * whatever still waits in them, unless a call is sending: it ends by itself.
     */
    private void forgetDeparted(List<Peer> peers) {
        Set<URI> present = peers.stream().map(Peer::url).collect(Collectors.toSet());
        outboxes.entrySet().removeIf(entry -> !present.contains(entry.getKey()) && !entry.getValue().sending.get());
    }

    /** Peers with an outbox: at most the peers in the directory, and those whose last call is under way. */
    int outboxCount() {
        return outboxes.size();
    }

    private void enqueue(Peer peer, Transaction transaction) {
        Outbox outbox = outboxes.computeIfAbsent(peer.url(), url -> new Outbox());
        if (outbox.size.incrementAndGet() > OUTBOX_LIMIT) {
            outbox.size.decrementAndGet();
            if (outbox.dropped.getAndIncrement() % OUTBOX_LIMIT == 0) {
                log.warn("Relays to peer {} are backed up; dropping relays to it ({} so far)", peer,
                        outbox.dropped.get());
            }
            return;
        }
        outbox.waiting.add(transaction);
        startSending(peer, outbox);
    }

    /** Starts a sender for the outbox unless one runs; a sender the lane refuses is given up at once. */
    private void startSending(Peer peer, Outbox outbox) {
        if (outbox.sending.compareAndSet(false, true) && !lanes.relay(peer, () -> send(peer, outbox))) {
            outbox.sending.set(false);
        }
    }

    /** Sends what waits, a batch per call, until the outbox is empty. */
    private void send(Peer peer, Outbox outbox) {
        try {
            List<Transaction> batch;
            while (!(batch = take(outbox)).isEmpty()) {
                relayTo(peer, batch);
            }
        } finally {
            outbox.sending.set(false);
        }
        // A transaction added after the last take, before the flag was cleared, still gets a sender.
        if (!outbox.waiting.isEmpty()) {
            startSending(peer, outbox);
        }
    }

    private static List<Transaction> take(Outbox outbox) {
        List<Transaction> batch = new ArrayList<>();
        Transaction next;
        while (batch.size() < ChainService.MAX_BATCH && (next = outbox.waiting.poll()) != null) {
            outbox.size.decrementAndGet();
            batch.add(next);
        }
        return batch;
    }

    private void relayTo(Peer peer, List<Transaction> batch) {
        try {
            Optional<String> token = tokens.toRelayTo(peer);
            if (batch.size() == 1) {
                client.relay(peer, batch.get(0), selfNodeId, token);
            } else {
                client.relayBatch(peer, batch, selfNodeId, token);
            }
        } catch (RuntimeException e) {
            log.debug("Relay of {} transaction(s) to {} failed: {}", batch.size(), peer, ChainSync.describe(e));
        }
    }
}
