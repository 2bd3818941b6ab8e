package io.meshchain.network;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.RelayedBy;
import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.wire.Paging;
import io.meshchain.wire.RelayHeader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Relays each transaction new to this node once to every peer, in the background, except to the
 * nodes the peer that relayed it here said it sends it to as well (the peer recognised by its relay
 * token, {@link RelayTokens}; the nodes named in {@link RelayHeader#RELAYED_TO}, {@link RelayedBy}).
 * Every relay names the peers that answer this node: in a full mesh, then, a transaction travels one
 * hop, from the node a client gave it to every other, and no node receives it twice; where peers know
 * only part of the network, each node passes it on to the peers the relaying node did not name.
 * Peers dedupe by id. A relay that fails is not retried: the transaction still reaches every node
 * inside a block. A peer whose last relay call failed, or whose outbox dropped relays, is not named
 * until a call to it succeeds again (and its outbox is half empty), so the peers that did get a
 * transaction pass it on to it. That helps the transactions after a failure more than the ones it
 * lost: a call to another peer names the peers as they stood when it started.
 *
 * <p>Each peer has an outbox, sent by one call at a time on the peer's relay lane: a transaction
 * that finds the outbox empty goes alone ({@code POST /transactions}); those that arrive while a
 * call is under way, or within the pace of its start ({@link #paceFor}), wait and go together in the
 * next ({@code POST /transactions/batch}, up to {@link Paging#MAX_BATCH}), made durable at the
 * peer with one flush. So a transaction after a quiet spell goes at once, and a steady stream costs a
 * peer at most one call per pace however many transactions it carries: with eight nodes on two cores,
 * a call per transaction to each peer took more of the machine than the transactions. The pace grows
 * with the number of peers, so that in a full mesh a node receives about as many relay calls a second
 * however many nodes there are, up to {@link #MAX_PACE}. An outbox holds at most
 * {@link #OUTBOX_LIMIT} transactions; more for a peer that is backed up are dropped.
 */
@Component
class TransactionRelay {

    private static final Logger log = LoggerFactory.getLogger(TransactionRelay.class);

    /** Transactions waiting to be relayed to one peer before further ones for it are dropped. */
    static final int OUTBOX_LIMIT = 10_000;
    /** Least time from the start of one call to a peer to the start of the next, unless a full batch waits. */
    static final Duration MIN_PACE = Duration.ofMillis(100);
    /** The pace for each peer this node relays to: with {@code n} peers, about {@code n} times this. */
    static final Duration PACE_PER_PEER = Duration.ofMillis(50);
    /** The longest pace, whatever the number of peers: a relay waits no longer than this to leave. */
    static final Duration MAX_PACE = Duration.ofMillis(500);

    private final String selfNodeId;
    private final PeerDirectory directory;
    private final PeerClient client;
    private final PeerLanes lanes;
    private final RelayTokens tokens;
    private final Map<URI, Outbox> outboxes = new ConcurrentHashMap<>();
    /** Peers whose last relay call failed or whose outbox dropped relays: not named in relays until a call succeeds. */
    private final Set<URI> missing = ConcurrentHashMap.newKeySet();

    /** Transactions waiting for one peer, and whether a call is sending them. */
    private static final class Outbox {
        final Queue<TransactionAccepted> waiting = new ConcurrentLinkedQueue<>();
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
        RelayedBy relayedBy = accepted.relayedBy();
        Optional<Peer> source = relayedBy == null ? Optional.empty() : directory.byNodeId(relayedBy.nodeId());
        List<Peer> peers = directory.peers();
        for (Peer peer : peers) {
            if (source.filter(peer::equals).isEmpty() && !reached(relayedBy, peer)) {
                enqueue(peer, accepted);
            }
        }
        if (outboxes.size() > peers.size()) {
            forgetDeparted(peers);
        }
    }

    /** Whether the peer that relayed a transaction here said it sends it to {@code peer} as well. */
    private boolean reached(RelayedBy relayedBy, Peer peer) {
        return relayedBy != null && !relayedBy.alsoSentTo().isEmpty()
                && directory.nodeIdOf(peer).filter(relayedBy::reached).isPresent();
    }

    /**
     * Drops the outboxes of peers that left the directory (DNS discovery no longer finds them), with
     * whatever still waits in them, unless a call is sending: it ends by itself.
     */
    private void forgetDeparted(List<Peer> peers) {
        Set<URI> present = peers.stream().map(Peer::url).collect(Collectors.toSet());
        outboxes.entrySet().removeIf(entry -> !present.contains(entry.getKey()) && !entry.getValue().sending.get());
        missing.retainAll(present);
    }

    /** Peers with an outbox: at most the peers in the directory, and those whose last call is under way. */
    int outboxCount() {
        return outboxes.size();
    }

    private void enqueue(Peer peer, TransactionAccepted transaction) {
        Outbox outbox = outboxes.computeIfAbsent(peer.url(), url -> new Outbox());
        if (outbox.size.incrementAndGet() > OUTBOX_LIMIT) {
            outbox.size.decrementAndGet();
            missing.add(peer.url());
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

    /** Sends what waits, a batch per call at the pace ({@link #paceFor}), until the outbox is empty. */
    private void send(Peer peer, Outbox outbox) {
        try {
            List<TransactionAccepted> batch;
            while (!(batch = take(outbox)).isEmpty()) {
                long started = System.nanoTime();
                relayTo(peer, outbox, batch);
                if (!pace(outbox, started)) {
                    return;
                }
            }
        } finally {
            outbox.sending.set(false);
        }
        // A transaction added after the last take, before the flag was cleared, still gets a sender.
        if (!outbox.waiting.isEmpty()) {
            startSending(peer, outbox);
        }
    }

    /**
     * Waits until the pace has passed since {@code started}, unless a full batch waits already; false
     * when the lane is shutting down.
     */
    private boolean pace(Outbox outbox, long started) {
        long remaining = paceFor(directory.peers().size()).toNanos() - (System.nanoTime() - started);
        if (remaining <= 0 || outbox.size.get() >= Paging.MAX_BATCH) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(remaining);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The least time between the starts of two calls to one peer, with {@code peers} peers: {@link
     * #PACE_PER_PEER} for each, between {@link #MIN_PACE} and {@link #MAX_PACE}. In a full mesh of n
     * nodes, each receives n - 1 streams of relays; at 50 ms a peer that is about 20 calls a second,
     * whatever n (up to eleven nodes). Eight nodes on two cores, 200 tx/s: a pace of 100 ms gave a p99
     * of 3.8 s to a confirmation on every node, 350 ms 2.2 s (BENCHMARKS.md, "One chain under load").
     */
    static Duration paceFor(int peers) {
        Duration pace = PACE_PER_PEER.multipliedBy(Math.max(0, peers));
        return pace.compareTo(MIN_PACE) < 0 ? MIN_PACE : pace.compareTo(MAX_PACE) > 0 ? MAX_PACE : pace;
    }

    private static List<TransactionAccepted> take(Outbox outbox) {
        List<TransactionAccepted> batch = new ArrayList<>();
        TransactionAccepted next;
        while (batch.size() < Paging.MAX_BATCH && (next = outbox.waiting.poll()) != null) {
            outbox.size.decrementAndGet();
            batch.add(next);
        }
        return batch;
    }

    /** The nodes a relay from here reaches: this node, and its peers that answer it and take its relays. */
    private Set<String> alsoSentTo() {
        Set<String> reached = new LinkedHashSet<>();
        reached.add(selfNodeId);
        directory.reachableNodeIds(missing).stream().limit(RelayHeader.MAX_RELAYED_TO - 1).forEach(reached::add);
        return reached;
    }

    private void relayTo(Peer peer, Outbox outbox, List<TransactionAccepted> batch) {
        try {
            PeerClient.RelayHeaders headers = new PeerClient.RelayHeaders(selfNodeId, tokens.toRelayTo(peer),
                    alsoSentTo());
            if (batch.size() == 1) {
                client.relay(peer, batch.get(0), headers);
            } else {
                client.relayBatch(peer, batch, headers);
            }
            if (outbox.size.get() < OUTBOX_LIMIT / 2) {
                missing.remove(peer.url()); // named again once a backed-up outbox has drained, not at its first call
            }
        } catch (RuntimeException e) {
            missing.add(peer.url());
            log.debug("Relay of {} transaction(s) to {} failed: {}", batch.size(), peer, ChainSync.describe(e));
        }
    }
}
