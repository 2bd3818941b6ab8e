package io.meshchain.network;

import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ForkChoice;
import io.meshchain.primitives.ChainTip;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.wire.RelayHeader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The seed's heartbeat, over HTTP: this node sends its summary to each of its peers, learns theirs
 * (and the addresses of their peers) from the answers, and syncs from any peer whose chain is better. Each peer is exchanged with in its own
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
    private final Peering peering;
    private final RelayTokens tokens;
    private final Map<URI, Exchanges> exchanges = new ConcurrentHashMap<>();

    HeartbeatService(MeshchainProperties properties, ChainService chain, PeerDirectory directory, PeerClient client,
                     ChainSync sync, PeerLanes lanes, DnsDiscovery discovery, Peering peering, RelayTokens tokens) {
        this.properties = properties;
        this.chain = chain;
        this.directory = directory;
        this.client = client;
        this.sync = sync;
        this.lanes = lanes;
        this.discovery = discovery;
        this.peering = peering;
        this.tokens = tokens;
    }

    /** This node's summary, as {@code GET /heartbeat} shows it and as it is sent to peers. */
    NodeSummary summary() {
        return summary(true);
    }

    /**
     * This node's summary, with its own address when the node it goes to reads one (a node before
     * peer exchange refuses a summary with fields it does not know: {@link RelayHeader#SUMMARY_VERSION}).
     */
    private NodeSummary summary(boolean withUrl) {
        ChainTip tip = chain.tip();
        return new NodeSummary(properties.nodeId(), tip.height(), tip.hash(), tip.timestamp(), tip.totalWork(),
                chain.pendingCount(), directory.views(),
                withUrl ? peering.advertised().map(URI::toString).orElse(null) : null);
    }

    /**
     * One heartbeat: the seeds are refreshed from DNS when discovery is on, the peers are kept to
     * their bounds ({@link Peering#maintain()}), what this node kept for peers that went away is
     * dropped, then every peer is exchanged with, each in its own lane. Returns at once.
     */
    void beat() {
        discovery.refresh();
        peering.maintain();
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
     * Answers a peer's heartbeat. When the caller's chain is better, this node syncs from the peer it
     * holds of that node id in the background, unless that peer is set aside; the address it syncs
     * from is never the one the request gives. When the heartbeat carries the token this node gave
     * that peer ({@code peerToken}), it is the peer's own, and the sync starts from the summary it
     * sent: a new block announced takes one call less to fetch. Otherwise (a stranger may post a
     * summary in a peer's name) this node first asks the peer for its summary. The relay token the
     * caller gives is kept for this node's relays to it ({@link RelayTokens}). The address the caller
     * gives for itself is an address learned from a stranger: it may make the caller a peer
     * ({@link Peering#calledBy}), under the same rules as any address learned.
     *
     * @param remoteAddress  the address the call came from, which the allowance of new addresses is kept by
     * @param callerReadsUrl whether the caller reads a summary's {@code url} ({@link RelayHeader#SUMMARY_VERSION})
     */
    NodeSummary receive(NodeSummary caller, String relayToken, String peerToken, String remoteAddress,
                        boolean callerReadsUrl) {
        peering.calledBy(caller, remoteAddress);
        tokens.received(caller.nodeId(), relayToken);
        if (ForkChoice.mayBeBetter(caller.tip(), chain.tip())) {
            directory.byNodeId(caller.nodeId()).filter(peer -> !directory.isSetAside(peer))
                    .ifPresent(peer -> requestExchange(peer, sentBy(peer, peerToken) ? caller : null));
        }
        return summary(callerReadsUrl);
    }

    /** Whether {@code token} is the one this node gave {@code peer}: only that peer holds it. */
    private boolean sentBy(Peer peer, String token) {
        return token != null && tokens.holder(token).filter(peer::equals).isPresent();
    }

    private void requestExchange(Peer peer) {
        requestExchange(peer, null);
    }

    /**
     * Asks for an exchange with {@code peer}; with {@code announced}, the summary the peer itself just
     * sent, the exchange starts from it rather than from a heartbeat to the peer.
     */
    private void requestExchange(Peer peer, NodeSummary announced) {
        Exchanges state = exchanges.computeIfAbsent(peer.url(), url -> new Exchanges());
        if (announced != null) {
            state.announced(announced);
        } else {
            state.heartbeatWanted();
        }
        if (state.begin() && !lanes.control(peer, () -> exchangeWhileRequested(peer, state))) {
            state.abandon();
        }
    }

    private void exchangeWhileRequested(Peer peer, Exchanges state) {
        boolean finished = false;
        try {
            do {
                exchange(peer, state.takeAnnouncedUnlessHeartbeatWanted());
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

    /**
     * One exchange with {@code peer}: a heartbeat to it, or the summary it announced in its own, then a
     * sync when it is better. A sync from an announced summary that finds the peer's chain is not as
     * it said does not set the peer aside (the token that proved the heartbeat the peer's may have
     * leaked, to a member it was sent to by mistake or to whoever reads the traffic): it exchanges with
     * the peer at once instead, and the peer's own answer is judged.
     */
    private void exchange(Peer peer, NodeSummary announced) {
        NodeSummary theirs = announced;
        if (theirs != null) {
            directory.heard(peer, theirs);
        } else {
            long start = System.nanoTime();
            try {
                theirs = client.heartbeat(peer, summary(directory.readsUrl(peer)), tokens.givenTo(peer),
                        tokens.toRelayTo(peer));
            } catch (RuntimeException e) {
                directory.failed(peer, ChainSync.describe(e));
                peering.failed(peer);
                return;
            }
            directory.answered(peer, theirs, Duration.ofNanos(System.nanoTime() - start));
            peering.answered(peer, theirs);
        }
        if (!theirs.nodeId().equals(properties.nodeId()) && ForkChoice.mayBeBetter(theirs.tip(), chain.tip())
                && sync.syncFrom(peer, theirs, announced != null)) {
            // The sync stopped at its deadline or budget with more to fetch: go on at once, not at the next beat.
            requestExchange(peer);
        }
    }

    /**
     * Whether an exchange with one peer is under way, whether another was asked for meanwhile, the
     * newest summary the peer announced that no exchange has taken yet, and whether a heartbeat to
     * the peer was asked for (the scheduled beat, this node's own new tip): that one is always sent,
     * so what this node knows of the peer never rests on announcements alone.
     */
    private static final class Exchanges {
        private boolean running;
        private boolean requestedAgain;
        private NodeSummary announced;
        private boolean heartbeatWanted;

        synchronized void announced(NodeSummary summary) {
            announced = summary;
        }

        synchronized void heartbeatWanted() {
            heartbeatWanted = true;
        }

        /** The summary the next exchange starts from: the one announced, or null for a heartbeat. */
        synchronized NodeSummary takeAnnouncedUnlessHeartbeatWanted() {
            NodeSummary taken = heartbeatWanted ? null : announced;
            announced = null;
            heartbeatWanted = false;
            return taken;
        }

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
            announced = null;
            heartbeatWanted = false;
        }
    }
}
