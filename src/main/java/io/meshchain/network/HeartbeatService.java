package io.meshchain.network;

import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ChainTip;
import io.meshchain.ledger.ForkChoice;
import io.meshchain.system.MeshchainProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The seed's heartbeat, over HTTP: this node sends its summary to every peer, learns theirs from
 * the answers, and syncs from any peer whose chain is better. Each peer is exchanged with in its own
 * lane and at most once at a time, so a slow peer delays only itself. A request for an exchange
 * while one is under way is not lost: one more exchange follows, with the newest summary. A new tip
 * is announced at once; the scheduled heartbeat is the safety net.
 */
@Service
class HeartbeatService {

    private final MeshchainProperties properties;
    private final ChainService chain;
    private final PeerDirectory directory;
    private final PeerClient client;
    private final ChainSync sync;
    private final PeerLanes lanes;
    private final DnsDiscovery discovery;
    private final RelayTokens tokens;
    private final Map<URI, Exchanges> exchanges = new ConcurrentHashMap<>();

    HeartbeatService(MeshchainProperties properties, ChainService chain, PeerDirectory directory, PeerClient client,
                     ChainSync sync, PeerLanes lanes, DnsDiscovery discovery, RelayTokens tokens) {
        this.properties = properties;
        this.chain = chain;
        this.directory = directory;
        this.client = client;
        this.sync = sync;
        this.lanes = lanes;
        this.discovery = discovery;
        this.tokens = tokens;
    }

    /** This node's summary, as {@code GET /heartbeat} shows it and as it is sent to peers. */
    NodeSummary summary() {
        ChainTip tip = chain.tip();
        return new NodeSummary(properties.nodeId(), tip.height(), tip.hash(), tip.timestamp(), tip.totalWork(),
                chain.pendingCount(), directory.views());
    }

    /**
     * One heartbeat: the peer list is refreshed from DNS when discovery is on, what this node kept
     * for peers that went away is dropped, then every peer is exchanged with, each in its own lane.
     * Returns at once.
     */
    void beat() {
        discovery.refresh();
        List<Peer> peers = directory.peers();
        lanes.retainOnly(peers);
        tokens.retainOnly(peers);
        exchanges.keySet().retainAll(peers.stream().map(Peer::url).toList());
        peers.forEach(this::requestExchange);
    }

    /** Tells every peer about a new tip at once. */
    @EventListener
    void announce(ChainAdvanced event) {
        directory.peers().forEach(this::requestExchange);
    }

    /**
     * Answers a peer's heartbeat. When the caller's chain is better, an exchange with the configured
     * peer of that node id follows in the background, and syncs from it, unless that peer is set aside;
     * the caller's address is never taken from the request. The relay token it gives is kept for this
     * node's relays to it ({@link RelayTokens}).
     */
    NodeSummary receive(NodeSummary caller, String relayToken) {
        tokens.received(caller.nodeId(), relayToken);
        if (ForkChoice.mayBeBetter(caller.tip(), chain.tip())) {
            directory.byNodeId(caller.nodeId()).filter(peer -> !directory.isSetAside(peer))
                    .ifPresent(this::requestExchange);
        }
        return summary();
    }

    private void requestExchange(Peer peer) {
        Exchanges state = exchanges.computeIfAbsent(peer.url(), url -> new Exchanges());
        if (state.begin() && !lanes.control(peer, () -> exchangeWhileRequested(peer, state))) {
            state.abandon();
        }
    }

    private void exchangeWhileRequested(Peer peer, Exchanges state) {
        boolean finished = false;
        try {
            do {
                exchange(peer);
            } while (state.continueAfterExchange());
            finished = true;
        } finally {
            if (!finished) {
                // Whatever was thrown, an Error included, must not leave the peer marked as being
                // exchanged with: no exchange with it would ever start again.
                state.abandon();
            }
        }
    }

    private void exchange(Peer peer) {
        NodeSummary theirs;
        long start = System.nanoTime();
        try {
            theirs = client.heartbeat(peer, summary(), tokens.givenTo(peer));
        } catch (RuntimeException e) {
            directory.failed(peer, ChainSync.describe(e));
            return;
        }
        directory.answered(peer, theirs, Duration.ofNanos(System.nanoTime() - start));
        if (!theirs.nodeId().equals(properties.nodeId()) && ForkChoice.mayBeBetter(theirs.tip(), chain.tip())
                && sync.syncFrom(peer, theirs)) {
            // The sync stopped at its deadline or budget with more to fetch: go on at once, not at the next beat.
            requestExchange(peer);
        }
    }

    /** Whether an exchange with one peer is under way, and whether another was asked for meanwhile. */
    private static final class Exchanges {
        private boolean running;
        private boolean requestedAgain;

        /** True when the caller should start exchanging; false when a running exchange will repeat. */
        synchronized boolean begin() {
            if (running) {
                requestedAgain = true;
                return false;
            }
            running = true;
            return true;
        }

        synchronized boolean continueAfterExchange() {
            if (requestedAgain) {
                requestedAgain = false;
                return true;
            }
            running = false;
            return false;
        }

        synchronized void abandon() {
            running = false;
            requestedAgain = false;
        }
    }
}
