package io.meshchain.network;

import io.meshchain.network.PeerDirectory.Direction;
import io.meshchain.network.PeerDirectory.DropKind;
import io.meshchain.system.PeerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * How this node holds its share of the network: a bounded number of peers, found from one member's
 * address. It keeps {@code meshchain.peers.target} peers it picks (outbound) from its
 * {@link AddressBook}: the seeds an operator gave (configured peers, DNS) first, then addresses its
 * peers told it of in their heartbeat answers (peer exchange), at random among equals so that nodes
 * do not all pick the same few. A node that calls this one giving its own address
 * ({@link NodeSummary#url()}) becomes a peer in turn (inbound), up to
 * {@code meshchain.peers.max-inbound}, so that links run both ways and a node that joined by one
 * member's address is soon known to the others. At every heartbeat ({@link #maintain()}) a peer
 * whose exchanges keep failing makes way for another address, and this node itself, or a second
 * address of a node held at another for longer, is dropped.
 * <p>
 * The work a node does per transaction or block follows its number of peers, not the network's
 * size: relays and announcements go to its peers, which pass on what is new to them. With
 * {@code meshchain.peers.exchange=false}, a node keeps to its seeds: a fixed topology.
 */
@Component
class Peering implements PeerClient.CallGuard {

    private static final Logger log = LoggerFactory.getLogger(Peering.class);

    /** Exchanges in a row that fail before an outbound peer makes way for another address. */
    static final int OUTBOUND_FAILURES = 3;
    /** Exchanges in a row that fail before an inbound peer is dropped (one, if it never answered). */
    static final int INBOUND_FAILURES = 3;
    /** Addresses remembered as not to call: the oldest is let go beyond this many. */
    static final int MAX_NEVER = 10_000;
    /** How long a second address of a node, or this node's own, is not called again. */
    static final Duration NEVER_FOR = Duration.ofHours(1);
    /** Callers that gave their address by name, waiting to be judged. */
    static final int MAX_NAMED_CALLERS = 64;

    private final PeerDirectory directory;
    private final AddressPolicy policy;
    private final AddressBook book;
    private final PeerSettings settings;
    private final Clock clock;
    private final URI advertised;
    private final Random random;
    /** Addresses not to call, until when: this node's own, and second addresses of a node. */
    private final Map<URI, Long> never = new LinkedHashMap<>();
    private final Set<URI> dnsSeeds = new HashSet<>();
    /** Callers that gave their address by name, waiting to be judged, in order. */
    private final Map<URI, String> namedCallers = new LinkedHashMap<>();
    private final Executor names;
    private long neverExpiredAt;
    private final Counter learned;
    private final Counter refused;

    @Autowired
    Peering(PeerDirectory directory, PeerSettings settings, Environment environment, Clock clock,
            MeterRegistry meters) {
        this(directory, settings, OwnAddress.of(settings, environment), clock, meters, new Random());
    }

    private Peering(PeerDirectory directory, PeerSettings settings, URI advertised, Clock clock, MeterRegistry meters,
                    Random random) {
        this(directory, settings, advertised, new AddressPolicy(settings.allowed(), OwnAddress.isLoopback(advertised)), clock,
                meters, random, Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "peer-names");
                    thread.setDaemon(true);
                    return thread;
                }));
    }

    Peering(PeerDirectory directory, PeerSettings settings, URI advertised, AddressPolicy policy, Clock clock,
            MeterRegistry meters, Random random, Executor names) {
        this.directory = directory;
        this.settings = settings;
        this.clock = clock;
        this.advertised = advertised;
        this.random = random;
        this.policy = policy;
        this.names = names;
        this.book = new AddressBook(clock, policy, settings.maxAddresses());
        for (Peer peer : directory.peers()) {
            book.addSeed(peer.url());
        }
        List<Peer> configured = new ArrayList<>(directory.peers());
        if (configured.size() > settings.target()) {
            Collections.shuffle(configured, random);
            configured.subList(settings.target(), configured.size())
                    .forEach(peer -> directory.deactivate(peer.url(), "more seeds than meshchain.peers.target"));
        }
        for (Direction direction : Direction.values()) {
            Gauge.builder("meshchain.peers", directory, d -> d.count(direction))
                    .description("Peers this node exchanges with, by who picked them: outbound (this node), inbound")
                    .tag("direction", direction.tag())
                    .register(meters);
        }
        Gauge.builder("meshchain.peers.addresses", book, AddressBook::size)
                .description("Addresses of other nodes known: seeds and those learned from peers")
                .register(meters);
        learned = Counter.builder("meshchain.peers.addresses.learned")
                .description("Addresses learned from peers and taken into the address book")
                .register(meters);
        refused = Counter.builder("meshchain.peers.addresses.refused")
                .description("Addresses peers told of that were not taken: over the peer's allowance, "
                        + "forbidden or not allowed, or the book full of better ones")
                .register(meters);
    }

    /**
     * Before every call: a seed (an operator's address) is refused only at a forbidden address; any
     * other address, learned from a stranger, is judged by the whole policy again, its name resolved
     * anew (it may point elsewhere since it was learned: a loopback address, say).
     */
    @Override
    public Optional<String> refusal(URI baseUrl) {
        if (book.isSeed(baseUrl)) {
            return AddressPolicy.forbiddenWhereverItResolves(baseUrl.getHost());
        }
        return policy.refusal(baseUrl);
    }

    /** The address this node gives its peers for itself, if it has one. */
    Optional<URI> advertised() {
        return Optional.ofNullable(advertised);
    }

    /**
     * Seeds from DNS: the addresses it gives now replace those it gave before. A peer taken from an
     * address DNS no longer gives (its pod is gone) is dropped; new ones are picked up at once while
     * this node has fewer peers than its target.
     */
    synchronized void replaceDnsSeeds(List<Peer> found) {
        Set<URI> urls = new HashSet<>();
        found.forEach(peer -> urls.add(peer.url()));
        for (URI gone : dnsSeeds) {
            if (!urls.contains(gone)) {
                directory.deactivate(gone, "no longer in DNS");
                book.forget(gone);
            }
        }
        dnsSeeds.clear();
        dnsSeeds.addAll(urls);
        urls.forEach(book::addSeed);
        fillOutbound();
    }

    /**
     * Once a heartbeat: drops this node itself, second addresses of a node, outbound peers that keep
     * failing (when another address may take their place) and inbound ones that do; then picks
     * outbound peers up to the target. Callers that gave their address by name are judged apart
     * ({@link #judgeNamedCallers}), so a stranger's slow DNS never holds up the heartbeat.
     */
    synchronized void maintain() {
        boolean candidatesWait = !book.candidates(excluded(), 1).isEmpty();
        dropAll(directory.toDrop(Direction.OUTBOUND, OUTBOUND_FAILURES), candidatesWait);
        dropAll(directory.toDrop(Direction.INBOUND, INBOUND_FAILURES), true);
        fillOutbound();
    }

    private void dropAll(Map<URI, PeerDirectory.Drop> drops, boolean evenIfFailing) {
        drops.forEach((url, drop) -> {
            if (drop.kind() == DropKind.FAILING && !evenIfFailing) {
                return;
            }
            directory.deactivate(url, drop.why());
            if (drop.kind() == DropKind.SELF || drop.kind() == DropKind.DUPLICATE && !book.isSeed(url)) {
                never(url);
            } else if (drop.kind() == DropKind.DUPLICATE) {
                book.failed(url); // an operator's address is kept, and tried again later
            }
        });
    }

    private void fillOutbound() {
        int wanted = settings.target() - directory.count(Direction.OUTBOUND);
        if (wanted <= 0) {
            return;
        }
        List<URI> candidates = book.candidates(excluded(), wanted * 4);
        // Among addresses alike, any: otherwise every node would pick the same first few seeds.
        List<URI> ordered = new ArrayList<>(candidates.stream().filter(book::isSeed).toList());
        List<URI> others = new ArrayList<>(candidates.stream().filter(url -> !book.isSeed(url)).toList());
        Collections.shuffle(ordered, random);
        Collections.shuffle(others, random);
        ordered.addAll(others);
        for (URI url : ordered.subList(0, Math.min(wanted, ordered.size()))) {
            directory.activate(new Peer(url, null), Direction.OUTBOUND, book.isSeed(url));
        }
    }

    /** Addresses not to pick: the peers held, this node's own, and those not to call for now. */
    private Set<URI> excluded() {
        Set<URI> exclude = new HashSet<>(directory.urls());
        if (advertised != null) {
            exclude.add(advertised);
        }
        synchronized (never) {
            expireNever();
            exclude.addAll(never.keySet());
        }
        return exclude;
    }

    private boolean isExcluded(URI url) {
        if (url.equals(advertised) || directory.urls().contains(url)) {
            return true;
        }
        synchronized (never) {
            expireNever();
            return never.containsKey(url);
        }
    }

    /** Lets go of addresses whose time is up; at most once a second, since it walks them all. */
    private void expireNever() {
        long now = clock.millis();
        if (now - neverExpiredAt < 1_000 && now >= neverExpiredAt) {
            return;
        }
        neverExpiredAt = now;
        never.values().removeIf(until -> until <= now);
    }

    /** Does not call {@code url} for {@link #NEVER_FOR} (the set is bounded: the oldest goes beyond {@link #MAX_NEVER}). */
    private void never(URI url) {
        book.forget(url);
        synchronized (never) {
            never.remove(url);
            never.put(url, clock.millis() + NEVER_FOR.toMillis());
            if (never.size() > MAX_NEVER) {
                never.remove(never.keySet().iterator().next());
            }
        }
    }

    /** A heartbeat to {@code peer} was answered with {@code summary}: the addresses it lists are learned. */
    void answered(Peer peer, NodeSummary summary) {
        book.answered(peer.url());
        if (!settings.exchange()) {
            return;
        }
        List<URI> told = new ArrayList<>();
        for (PeerView view : summary.peers()) {
            if (view.reachable()) {
                AddressPolicy.normalize(view.url()).ifPresent(told::add);
            }
        }
        AddressPolicy.normalize(summary.url()).ifPresent(told::add);
        learn("peer " + AddressBook.netgroup(peer.url().getHost()), told);
    }

    /** A heartbeat to {@code peer} failed. */
    void failed(Peer peer) {
        book.failed(peer.url());
    }

    /**
     * A node called this one, giving its address: it becomes a peer, called from the next heartbeat
     * on, when this node has room for another inbound peer, does not hold that node already, and may
     * call the address (nor is waiting to try it again after a failure). Its node id is not taken
     * from the call: it is the one the address answers as. New addresses are counted against the
     * allowance of the network the call came from ({@link #netgroup}), not of the node id it claims (a
     * stranger can claim any). An address given by name is judged at the next heartbeat, not on the
     * caller's request: resolving a stranger's name may take seconds.
     */
    void calledBy(NodeSummary caller, String remoteAddress) {
        if (!settings.exchange()) {
            return;
        }
        Optional<URI> url = AddressPolicy.normalize(caller.url());
        if (url.isEmpty() || isExcluded(url.get()) || directory.holds(caller.nodeId())) {
            return;
        }
        String source = "caller " + AddressBook.netgroup(remoteAddress);
        if (AddressPolicy.isLiteral(url.get().getHost())) {
            takeInbound(url.get(), source);
            return;
        }
        boolean first;
        synchronized (namedCallers) {
            if (namedCallers.size() >= MAX_NAMED_CALLERS || namedCallers.containsKey(url.get())) {
                return;
            }
            first = namedCallers.isEmpty();
            namedCallers.put(url.get(), source);
        }
        if (first) {
            names.execute(this::judgeNamedCallers);
        }
    }

    /**
     * Judges the callers that gave their address by name, one at a time, on a thread of their own:
     * resolving a stranger's name may take seconds, and must hold up neither a request nor the
     * heartbeat. At most {@link #MAX_NAMED_CALLERS} wait; more are not judged.
     */
    void judgeNamedCallers() {
        while (true) {
            Map.Entry<URI, String> next;
            synchronized (namedCallers) {
                if (namedCallers.isEmpty()) {
                    return;
                }
                next = namedCallers.entrySet().iterator().next();
            }
            try {
                takeInbound(next.getKey(), next.getValue());
            } finally {
                synchronized (namedCallers) {
                    namedCallers.remove(next.getKey());
                }
            }
        }
    }

    private void takeInbound(URI url, String source) {
        if (directory.count(Direction.INBOUND) >= settings.maxInbound()
                || !book.contains(url) && learn(source, List.of(url)) == 0 || !book.mayTry(url)) {
            return;
        }
        synchronized (this) {
            if (directory.count(Direction.INBOUND) < settings.maxInbound() && !isExcluded(url)
                    && directory.activate(new Peer(url, null), Direction.INBOUND, false)) {
                log.info("Node at {} called this one: a peer now, inbound", url);
            }
        }
    }

    private int learn(String source, List<URI> told) {
        List<URI> fresh = told.stream().filter(url -> !isExcluded(url) && !book.contains(url)).distinct().toList();
        if (fresh.isEmpty()) {
            return 0;
        }
        int taken = book.learn(source, fresh);
        learned.increment(taken);
        refused.increment(fresh.size() - taken);
        return taken;
    }

    /** Addresses known: seeds and learned ones. */
    int addressesKnown() {
        return book.size();
    }
}
