package io.meshchain.network;

import io.meshchain.system.ConfigurationException;
import io.meshchain.system.MeshchainProperties;
import java.net.URI;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The peers (configured, or discovered by DNS) and what this node last learned of each. Peer
 * failures are logged once per change of state (reachable to unreachable and back, or a new
 * reason), not once per heartbeat. Each peer has a reachability gauge and a heartbeat round-trip
 * timer, removed when a discovered peer goes away.
 */
@Component
class PeerDirectory implements PeerStatus {

    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);

    private final String selfNodeId;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<URI, State> states = new LinkedHashMap<>();

    PeerDirectory(MeshchainProperties properties, Clock clock, MeterRegistry meters) {
        this.selfNodeId = properties.nodeId();
        this.clock = clock;
        this.meters = meters;
        List<Peer> peers = new ArrayList<>();
        for (URI url : properties.peers()) {
            peers.add(new Peer(checkUrl(url), null));
        }
        if (properties.peersFile() != null) {
            peers.addAll(PeersFile.read(properties.peersFile(), selfNodeId));
        }
        for (Peer peer : peers) {
            add(peer, false);
        }
        log.info("Node {} has {} configured peers: {}", selfNodeId, states.size(), peers);
    }

    private void add(Peer peer, boolean discovered) {
        if (states.containsKey(peer.url())) {
            return;
        }
        State state = new State(peer, discovered);
        state.gauge = Gauge.builder("meshchain.peer.reachable", state, s -> s.reachable ? 1 : 0)
                .description("1 when the peer answered its last heartbeat, else 0")
                .tag("peer", peer.url().toString())
                .register(meters);
        state.roundTrip = Timer.builder("meshchain.heartbeat.round.trip")
                .description("Time for a peer to answer a heartbeat")
                .tag("peer", peer.url().toString())
                .register(meters);
        states.put(peer.url(), state);
    }

    /**
     * Replaces the peers found by DNS with {@code found}; configured peers stay. New peers are
     * called from the next heartbeat on; peers that went away are forgotten.
     */
    synchronized void replaceDiscovered(List<Peer> found) {
        Set<URI> urls = found.stream().map(Peer::url).collect(Collectors.toSet());
        List<URI> gone = states.values().stream()
                .filter(state -> state.discovered && !urls.contains(state.peer.url()))
                .map(state -> state.peer.url()).toList();
        for (URI url : gone) {
            State state = states.remove(url);
            meters.remove(state.gauge);
            meters.remove(state.roundTrip);
            log.info("Peer {} is no longer in DNS; forgotten", url);
        }
        for (Peer peer : found) {
            if (!states.containsKey(peer.url())) {
                add(peer, true);
                log.info("Peer {} found in DNS", peer.url());
            }
        }
    }

    private static URI checkUrl(URI url) {
        boolean http = "http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme());
        if (!http || url.getHost() == null || (url.getPath() != null && !url.getPath().isEmpty() && !url.getPath().equals("/"))) {
            throw new ConfigurationException("meshchain.peers",
                    "'" + url + "' is not a base URL such as http://127.0.0.1:8081");
        }
        String text = url.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    /** Peers to call: all configured peers except any that turned out to be this node itself. */
    synchronized List<Peer> peers() {
        return states.values().stream().filter(state -> !state.self).map(state -> state.peer).toList();
    }

    /** The configured peer that answered with {@code nodeId}, if any. */
    synchronized Optional<Peer> byNodeId(String nodeId) {
        return states.values().stream()
                .filter(state -> !state.self)
                .filter(state -> nodeId.equals(state.nodeId) || nodeId.equals(state.peer.expectedNodeId()))
                .map(state -> state.peer)
                .findFirst();
    }

    /** Records a peer's answer to a heartbeat that took {@code roundTrip}. */
    synchronized void answered(Peer peer, NodeSummary summary, Duration roundTrip) {
        State state = states.get(peer.url());
        if (state == null) {
            return;
        }
        state.roundTrip.record(roundTrip);
        if (summary.nodeId().equals(selfNodeId)) {
            state.self = true;
            log.warn("Peer {} is this node itself ({}); it will not be called again", peer.url(), selfNodeId);
            return;
        }
        if (peer.expectedNodeId() != null && !peer.expectedNodeId().equals(summary.nodeId())) {
            log.warn("Peer {} answers as node {}, not {}", peer.url(), summary.nodeId(), peer.expectedNodeId());
        }
        if (!state.reachable) {
            log.info("Peer {} is reachable: node {} at height {}", peer.url(), summary.nodeId(), summary.height());
        }
        state.reachable = true;
        state.failure = null;
        state.nodeId = summary.nodeId();
        state.height = summary.height();
        state.lastSeen = clock.millis();
    }

    synchronized void failed(Peer peer, String reason) {
        State state = states.get(peer.url());
        if (state == null) {
            return;
        }
        if (state.reachable || !reason.equals(state.failure)) {
            log.warn("Peer {} is unreachable: {}", peer, reason);
        }
        state.reachable = false;
        state.failure = reason;
    }

    synchronized List<PeerView> views() {
        return states.values().stream()
                .filter(state -> !state.self)
                .map(state -> new PeerView(state.peer.url().toString(), state.nodeId, state.reachable, state.height,
                        state.lastSeen))
                .toList();
    }

    @Override
    public synchronized int configuredPeers() {
        return (int) states.values().stream().filter(state -> !state.self).count();
    }

    @Override
    public synchronized int reachablePeers() {
        return (int) states.values().stream().filter(state -> !state.self && state.reachable).count();
    }

    @Override
    public synchronized OptionalLong bestReachableHeight() {
        return states.values().stream().filter(state -> !state.self && state.reachable && state.height != null)
                .mapToLong(state -> state.height).max();
    }

    private static final class State {
        final Peer peer;
        final boolean discovered;
        Gauge gauge;
        Timer roundTrip;
        boolean self;
        boolean reachable;
        String failure;
        String nodeId;
        Long height;
        Long lastSeen;

        State(Peer peer, boolean discovered) {
            this.peer = peer;
            this.discovered = discovered;
        }
    }
}
