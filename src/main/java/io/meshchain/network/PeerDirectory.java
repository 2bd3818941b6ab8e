package io.meshchain.network;

import io.meshchain.system.ConfigurationException;
import io.meshchain.system.MeshchainProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The peers this node exchanges with now, and what it last learned of each: those it picked and
 * calls (outbound: configured peers, seeds from DNS, addresses learned from peers, as
 * {@link Peering} picks them) and those that called it and that it calls back (inbound). Peer
 * failures are logged once per change of state (reachable to unreachable and back, or a new
 * reason), not once per heartbeat. Each peer has a reachability gauge and a heartbeat round-trip
 * timer, removed when a discovered peer goes away.
 * <p>
 * It also keeps each peer's standing: a peer that misbehaved ({@link Misbehaviour}) is set aside
 * for a while, and the height a peer advertises counts as proved only while its blocks, fetched and
 * checked, keep making this node's chain better ({@link #bestProvedHeight()}): readiness never rests
 * on a claim.
 */
@Component
class PeerDirectory implements PeerStatus {

    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);

    private final String selfNodeId;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Duration setAside;
    private final Map<URI, State> states = new LinkedHashMap<>();

    PeerDirectory(MeshchainProperties properties, Clock clock, MeterRegistry meters) {
        this.selfNodeId = properties.nodeId();
        this.clock = clock;
        this.meters = meters;
        this.setAside = properties.sync().setAside();
        Gauge.builder("meshchain.peers.set.aside", this, PeerDirectory::setAsideCount)
                .description("Peers set aside for misbehaving: not synced from, their heights not believed")
                .register(meters);
        for (Misbehaviour misbehaviour : Misbehaviour.values()) {
            misbehaviourCounter(misbehaviour);
        }
        List<Peer> peers = new ArrayList<>();
        for (URI url : properties.peers()) {
            peers.add(new Peer(checkUrl(url), null));
        }
        if (properties.peersFile() != null) {
            peers.addAll(PeersFile.read(properties.peersFile(), selfNodeId));
        }
        for (Peer peer : peers) {
            add(peer, Direction.OUTBOUND, true);
        }
        log.info("Node {} has {} configured peers: {}", selfNodeId, states.size(), peers);
    }

    /** Who picked a peer: this node (it calls the peer) or the peer (it called this node first). */
    enum Direction {
        OUTBOUND, INBOUND;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Takes {@code peer} as a peer, called from the next heartbeat on; false when it is one already. A
     * seed (an operator's address) gets meters of its own, tagged with its address; a learned address,
     * which a stranger may have chosen, none.
     */
    synchronized boolean activate(Peer peer, Direction direction, boolean seed) {
        if (states.containsKey(peer.url())) {
            return false;
        }
        add(peer, direction, seed);
        return true;
    }

    /** Stops exchanging with the peer at {@code url}, forgetting what was learned of it. */
    synchronized void deactivate(URI url, String why) {
        State state = states.remove(url);
        if (state != null) {
            if (state.gauge != null) {
                meters.remove(state.gauge);
                meters.remove(state.roundTrip);
            }
            log.info("Peer {} dropped: {}", state.peer, why);
        }
    }

    /** Peers taken in {@code direction}, this node itself and second addresses of a peer left out. */
    synchronized int count(Direction direction) {
        return (int) states.values().stream().filter(state -> state.callable() && state.direction == direction).count();
    }

    /** The addresses of every peer held, callable or not. */
    synchronized Set<URI> urls() {
        return Set.copyOf(states.keySet());
    }

    /** Whether a peer held answers, or is configured to answer, as {@code nodeId}. */
    synchronized boolean holds(String nodeId) {
        return states.values().stream().anyMatch(state -> nodeId.equals(state.nodeId)
                || nodeId.equals(state.peer.expectedNodeId()));
    }

    /** Why a peer is to be dropped. */
    enum DropKind {
        /** It is this node itself. */
        SELF,
        /** It answers as a node held at another address for longer. */
        DUPLICATE,
        /** Its exchanges keep failing. */
        FAILING
    }

    /** A peer to drop, and why. */
    record Drop(DropKind kind, String why) {
    }

    /**
     * Peers to drop: this node itself, a second address of a node already a peer, and, in
     * {@code direction}, peers whose last {@code failures} exchanges in a row failed (an inbound peer
     * that never answered: its first).
     */
    synchronized Map<URI, Drop> toDrop(Direction direction, int failures) {
        Map<URI, Drop> drop = new LinkedHashMap<>();
        for (State state : states.values()) {
            if (state.self) {
                drop.put(state.peer.url(), new Drop(DropKind.SELF, "it is this node itself"));
            } else if (state.duplicate) {
                drop.put(state.peer.url(), new Drop(DropKind.DUPLICATE, "another address of node " + state.nodeId
                        + ", a peer already"));
            } else if (state.direction == direction && (state.failuresInRow >= failures
                    || direction == Direction.INBOUND && state.nodeId == null && state.failuresInRow > 0)) {
                drop.put(state.peer.url(), new Drop(DropKind.FAILING, state.failuresInRow
                        + " exchanges in a row failed"));
            }
        }
        return drop;
    }

    private void add(Peer peer, Direction direction, boolean seed) {
        if (states.containsKey(peer.url())) {
            return;
        }
        State state = new State(peer, direction);
        state.seed = seed;
        states.put(peer.url(), state);
        if (!seed) {
            return;
        }
        state.gauge = Gauge.builder("meshchain.peer.reachable", state, s -> s.reachable ? 1 : 0)
                .description("1 when the peer answered its last heartbeat, else 0")
                .tag("peer", peer.url().toString())
                .register(meters);
        state.roundTrip = Timer.builder("meshchain.heartbeat.round.trip")
                .description("Time for a peer to answer a heartbeat")
                .tag("peer", peer.url().toString())
                .register(meters);
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

    /** Peers to call: every peer held, but this node itself and a second address of a peer. */
    synchronized List<Peer> peers() {
        return states.values().stream().filter(State::callable).map(state -> state.peer).toList();
    }

    /** The configured peer that answered with {@code nodeId}, if any. */
    synchronized Optional<Peer> byNodeId(String nodeId) {
        return states.values().stream()
                .filter(State::callable)
                .filter(state -> nodeId.equals(state.nodeId) || nodeId.equals(state.peer.expectedNodeId()))
                .map(state -> state.peer)
                .findFirst();
    }

    /** Whether {@code peer} reads a summary's {@code url} ({@link io.meshchain.wire.RelayHeader#SUMMARY_VERSION}). */
    synchronized boolean readsUrl(Peer peer) {
        State state = states.get(peer.url());
        return state != null && state.readsUrl;
    }

    /** The node id {@code peer} answers as (or the one its configuration gives), once known. */
    synchronized Optional<String> nodeIdOf(Peer peer) {
        State state = states.get(peer.url());
        if (state != null && state.nodeId != null) {
            return Optional.of(state.nodeId);
        }
        return Optional.ofNullable(peer.expectedNodeId());
    }

    /**
     * The node ids of the peers that answer now, but for those at the addresses {@code except}: the
     * peers a relay from this node reaches, which it names to the peers it relays to
     * ({@link TransactionRelay}).
     */
    synchronized Set<String> reachableNodeIds(Set<URI> except) {
        return states.values().stream()
                .filter(state -> state.callable() && state.reachable && state.nodeId != null)
                .filter(state -> !except.contains(state.peer.url()))
                .map(state -> state.nodeId).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Whether exactly one peer answers as {@code nodeId}: node ids are a network's names, unique in it.
     * A second address answering as it counts until {@link Peering} drops it.
     */
    synchronized boolean answersAsOnePeer(String nodeId) {
        return states.values().stream().filter(state -> !state.self && nodeId.equals(state.nodeId)).count() <= 1;
    }

    /** Records a peer's answer to a heartbeat that took {@code roundTrip}. */
    synchronized void answered(Peer peer, NodeSummary summary, Duration roundTrip) {
        State state = states.get(peer.url());
        if (state == null) {
            return;
        }
        if (state.roundTrip != null) {
            state.roundTrip.record(roundTrip);
        }
        if (summary.nodeId().equals(selfNodeId)) {
            state.self = true;
            log.warn("Peer {} is this node itself ({}); it will not be called again", peer.url(), selfNodeId);
            return;
        }
        if (peer.expectedNodeId() != null && !peer.expectedNodeId().equals(summary.nodeId())) {
            log.warn("Peer {} answers as node {}, not {}", peer.url(), summary.nodeId(), peer.expectedNodeId());
        }
        // One node at two addresses: an operator's address stays over a learned one, then the one held
        // longer (a stranger answering as a peer's node id must not have the peer's address dropped);
        // the other is a duplicate.
        State older = states.values().stream().filter(other -> other == state || !other.duplicate && !other.self
                && summary.nodeId().equals(other.nodeId))
                .sorted(Comparator.comparing((State other) -> !other.seed)).findFirst().orElse(state);
        state.nodeId = summary.nodeId();
        if (older != state) {
            state.duplicate = true;
            return;
        }
        states.values().stream().filter(other -> other != state && summary.nodeId().equals(other.nodeId))
                .forEach(other -> other.duplicate = true);
        state.failuresInRow = 0;
        state.readsUrl = summary.url() != null;
        if (!state.reachable) {
            log.info("Peer {} is reachable: node {} at height {}", peer.url(), summary.nodeId(), summary.height());
        }
        state.reachable = true;
        state.failure = null;
        state.nodeId = summary.nodeId();
        state.height = summary.height();
        state.lastSeen = clock.millis();
    }

    /**
     * What {@code peer} said of itself in its own heartbeat to this node (proved its by the token this
     * node gave it): its height and when it was last heard of. Whether this node can reach it is left
     * to this node's own calls.
     */
    synchronized void heard(Peer peer, NodeSummary summary) {
        State state = states.get(peer.url());
        if (state == null || state.self || state.nodeId != null && !state.nodeId.equals(summary.nodeId())) {
            return;
        }
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
        state.failuresInRow++;
        state.reachable = false;
        state.readsUrl = false; // it may be an older node now (a rollback): it gets no url until it shows it reads one
        state.failure = reason;
    }

    synchronized List<PeerView> views() {
        return states.values().stream()
                .filter(State::callable)
                .map(state -> new PeerView(state.peer.url().toString(), state.nodeId, state.reachable, state.height,
                        state.lastSeen))
                .toList();
    }

    @Override
    public synchronized int configuredPeers() {
        // Outbound peers only: readiness must not rest on whom a stranger makes an inbound peer, which
        // could make a node without other peers count itself cut off.
        return (int) states.values().stream().filter(State::countsForReadiness).count();
    }

    @Override
    public synchronized int reachablePeers() {
        return (int) states.values().stream().filter(state -> state.countsForReadiness() && state.reachable).count();
    }

    /**
     * Reachable peers in good standing: not set aside, or set aside only because their better chain
     * forks deeper than this node reorganises (no fault of theirs: the node keeps its chain and stays
     * in service, docs/operations.md). A node whose every peer misbehaved is as good as cut off.
     */
    synchronized int reachableInGoodStanding() {
        long now = clock.millis();
        return (int) states.values().stream().filter(state -> state.countsForReadiness() && state.reachable
                && (!state.setAside(now) || state.setAsideFor == Misbehaviour.DEEP_FORK)).count();
    }

    /**
     * The highest height a peer advertised whose chain this node is fetching and adopting now: its
     * last sync adopted blocks that made this node's chain better, and it is not set aside. A height
     * a peer merely claims counts for nothing: a liar's sync fails and sets it aside. Empty when no
     * peer has proved a better chain.
     */
    synchronized OptionalLong bestProvedHeight() {
        long now = clock.millis();
        return states.values().stream()
                .filter(state -> state.callable() && state.reachable && state.provedAhead && !state.setAside(now)
                        && state.height != null)
                .mapToLong(state -> state.height).max();
    }

    /**
     * Records how a sync from {@code peer} ended, short of a refusal: whether it adopted blocks of its
     * chain (and so proved the height it advertises). A fork found too deep before is gone.
     */
    synchronized void synced(Peer peer, boolean adopted) {
        State state = states.get(peer.url());
        if (state != null) {
            state.provedAhead = adopted;
            state.deepForkAt = null;
        }
    }

    /**
     * Asks this node not to sync from {@code peer} before {@code delay} has passed: its chain was
     * refused for a reason time can undo (a block ahead of this node's clock). Not a fault of the peer,
     * and not counted as one; it only keeps a peer, or a stranger posting heartbeats in its name, from
     * having this node fetch and refuse the same blocks back to back.
     */
    synchronized void holdOffSyncs(Peer peer, Duration delay) {
        State state = states.get(peer.url());
        if (state != null) {
            state.syncAgainAt = clock.millis() + delay.toMillis();
        }
    }

    /** Whether this node may sync from {@code peer} now: it is not set aside, nor held off ({@link #holdOffSyncs}). */
    synchronized boolean maySyncFrom(Peer peer) {
        State state = states.get(peer.url());
        long now = clock.millis();
        return state == null || !state.setAside(now) && now >= state.syncAgainAt;
    }

    /** Whether {@code peer} is set aside now: not to be synced from, its height not believed. */
    synchronized boolean isSetAside(Peer peer) {
        State state = states.get(peer.url());
        return state != null && state.setAside(clock.millis());
    }

    /**
     * Sets {@code peer} aside for what it did, for {@link Misbehaviour#setAsideFor} the node's
     * setting; counted in {@code meshchain_peers_misbehaviour_total{reason}}.
     */
    synchronized void setAside(Peer peer, Misbehaviour misbehaviour, String why) {
        misbehaviourCounter(misbehaviour).increment();
        State state = states.get(peer.url());
        if (state == null) {
            return;
        }
        Duration duration = misbehaviour.setAsideFor(setAside);
        state.setAsideUntil = clock.millis() + duration.toMillis();
        state.setAsideFor = misbehaviour;
        state.provedAhead = false;
        log.warn("Peer {} set aside for {} s ({}): {}", peer, duration.toSeconds(), misbehaviour.tag(), why);
    }

    /**
     * Records that {@code peer}'s better chain forks from this node's at {@code forkHeight}, deeper
     * than this node reorganises (or with a branch larger than it holds): the node keeps its chain,
     * says so in its health and metrics, and sets the peer aside so as not to fetch the same blocks
     * at every heartbeat. An operator settles it (docs/operations.md).
     */
    synchronized void deepFork(Peer peer, long forkHeight, String why) {
        State state = states.get(peer.url());
        if (state != null) {
            state.deepForkAt = forkHeight;
        }
        setAside(peer, Misbehaviour.DEEP_FORK, why);
    }

    /** The peers set aside now, by node id (never by address), each with why and for how much longer. */
    synchronized List<Map<String, Object>> setAsideDetails() {
        long now = clock.millis();
        return states.values().stream().filter(state -> state.callable() && state.setAside(now)).map(state -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("nodeId", state.nodeId == null ? "unknown" : state.nodeId);
            detail.put("reason", state.setAsideFor.tag());
            detail.put("secondsLeft", (state.setAsideUntil - now + 999) / 1000);
            if (state.deepForkAt != null) {
                detail.put("forkHeight", state.deepForkAt);
            }
            return detail;
        }).toList();
    }

    /** Peers whose better chain forks deeper than this node reorganises, as last found. */
    synchronized long deepForkCount() {
        return states.values().stream().filter(state -> state.callable() && state.deepForkAt != null).count();
    }

    private synchronized int setAsideCount() {
        long now = clock.millis();
        return (int) states.values().stream().filter(state -> state.callable() && state.setAside(now)).count();
    }

    private Counter misbehaviourCounter(Misbehaviour misbehaviour) {
        return Counter.builder("meshchain.peers.misbehaviour")
                .description("Peers set aside, by what they did")
                .tag("reason", misbehaviour.tag())
                .register(meters);
    }

    private static final class State {
        final Peer peer;
        final Direction direction;
        Gauge gauge;
        Timer roundTrip;
        boolean self;
        /** It answered as a node that another address held answers as already. */
        boolean duplicate;
        /** Exchanges with it that failed since the last that succeeded. */
        int failuresInRow;
        /** Its last answer carried a {@code url}: it reads one in the summaries it is sent. */
        boolean readsUrl;
        /** An operator's address (configured, or from DNS), not one learned from a stranger. */
        boolean seed;
        boolean reachable;
        String failure;
        String nodeId;
        Long height;
        Long lastSeen;
        long setAsideUntil;
        /** When this node may sync from it again after a refusal time can undo; 0 when it may. */
        long syncAgainAt;
        Misbehaviour setAsideFor;
        boolean provedAhead;
        Long deepForkAt;

        State(Peer peer, Direction direction) {
            this.peer = peer;
            this.direction = direction;
        }

        boolean callable() {
            return !self && !duplicate;
        }

        boolean countsForReadiness() {
            return callable() && direction == Direction.OUTBOUND;
        }

        boolean setAside(long now) {
            return setAsideFor != null && now < setAsideUntil;
        }
    }
}
