package io.meshchain.network;

import io.meshchain.network.PeerDirectory.Direction;
import io.meshchain.system.ConfigurationException;
import io.meshchain.system.PeerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * How this node holds its share of the network: a bounded number of peers, found from one member's
 * address. It keeps {@code meshchain.peers.target} peers it picks (outbound) from its
 * {@link AddressBook}: the seeds an operator gave (configured peers, DNS) first, then addresses its
 * peers told it of in their heartbeat answers (peer exchange). A node that calls this one giving its
 * own address ({@link NodeSummary#url()}) becomes a peer in turn (inbound), up to
 * {@code meshchain.peers.max-inbound}, so that links run both ways and a node that joined by one
 * member's address is soon known to the others. At every heartbeat ({@link #maintain()}) a peer
 * whose exchanges keep failing makes way for another address, and this node itself, or a second
 * address of a peer, is dropped for good.
 * <p>
 * The work a node does per transaction or block follows its number of peers, not the network's
 * size: relays and announcements go to its peers, which pass on what is new to them. With
 * {@code meshchain.peers.exchange=false}, a node keeps to its seeds: a fixed topology.
 */
@Component
class Peering {

    private static final Logger log = LoggerFactory.getLogger(Peering.class);

    /** Exchanges in a row that fail before an outbound peer makes way for another address. */
    static final int OUTBOUND_FAILURES = 3;
    /** Exchanges in a row that fail before an inbound peer is dropped; it comes back by calling again. */
    static final int INBOUND_FAILURES = 3;
    /** Addresses remembered as never to call again. */
    static final int MAX_NEVER = 10_000;
    /** Callers that gave their address by name, waiting for the next heartbeat to be judged. */
    static final int MAX_NAMED_CALLERS = 64;

    private final PeerDirectory directory;
    private final AddressBook book;
    private final PeerSettings settings;
    private final URI advertised;
    private final Random random;
    /** Addresses never to call again: this node's own, and second addresses of a peer. */
    private final Set<URI> never = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Set<URI> dnsSeeds = new HashSet<>();
    private final Map<URI, String> namedCallers = new LinkedHashMap<>();
    private final Counter learned;
    private final Counter refused;

    @Autowired
    Peering(PeerDirectory directory, PeerSettings settings, Environment environment, Clock clock,
            MeterRegistry meters) {
        this(directory, settings, advertisedUrl(settings, environment), new AddressPolicy(settings.allowed()), clock,
                meters, new Random());
    }

    Peering(PeerDirectory directory, PeerSettings settings, URI advertised, AddressPolicy policy, Clock clock,
            MeterRegistry meters, Random random) {
        this.directory = directory;
        this.settings = settings;
        this.advertised = advertised;
        this.random = random;
        this.book = new AddressBook(clock, policy, settings.maxAddresses());
        if (advertised != null) {
            never(advertised);
        }
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
     * The address this node gives for itself: the setting, or {@code http://server.address:port}
     * unless that address is a wildcard (a node listening everywhere cannot tell which address its
     * peers reach it at); null then.
     */
    static URI advertisedUrl(PeerSettings settings, Environment environment) {
        if (settings.advertisedUrl() != null) {
            URI url = settings.advertisedUrl();
            if (url.getHost() == null || !("http".equalsIgnoreCase(url.getScheme())
                    || "https".equalsIgnoreCase(url.getScheme()))) {
                throw new ConfigurationException("meshchain.peers.advertised-url",
                        "'" + url + "' is not a base URL such as http://10.0.0.7:8080");
            }
            return URI.create(url.toString().replaceAll("/+$", ""));
        }
        String address = environment.getProperty("server.address");
        int port = environment.getProperty("server.port", Integer.class, 8080);
        if (address == null || address.isBlank() || port == 0) {
            return null;
        }
        try {
            InetAddress inet = InetAddress.getByName(address.strip());
            if (inet.isAnyLocalAddress()) {
                return null;
            }
            String host = inet.getHostAddress().contains(":") ? "[" + inet.getHostAddress() + "]" : inet.getHostAddress();
            return URI.create("http://" + host + ":" + port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The address this node gives its peers for itself, if it has one. */
    Optional<URI> advertised() {
        return Optional.ofNullable(advertised);
    }

    /**
     * Seeds from DNS: the addresses it gives now replace those it gave before. A peer taken from an
     * address DNS no longer gives (its pod is gone) is dropped; new ones are picked up at the next
     * {@link #maintain()}, and at once while this node has fewer peers than its target.
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
     * Once a heartbeat: drops this node itself, second addresses of a peer, outbound peers that keep
     * failing (when another address may take their place) and inbound ones that do; then picks
     * outbound peers up to the target.
     */
    synchronized void maintain() {
        Map<URI, String> named;
        synchronized (namedCallers) {
            named = new LinkedHashMap<>(namedCallers);
            namedCallers.clear();
        }
        named.forEach(this::takeInbound);
        boolean candidatesWait = !book.candidates(excluded(), 1).isEmpty();
        for (Map.Entry<URI, PeerDirectory.Drop> drop : directory.toDrop(Direction.OUTBOUND, OUTBOUND_FAILURES)
                .entrySet()) {
            if (drop.getValue().forGood() || candidatesWait) {
                directory.deactivate(drop.getKey(), drop.getValue().why());
                if (drop.getValue().forGood()) {
                    never(drop.getKey());
                }
            }
        }
        directory.toDrop(Direction.INBOUND, INBOUND_FAILURES).forEach((url, drop) -> {
            directory.deactivate(url, drop.why());
            if (drop.forGood()) {
                never(url);
            }
        });
        fillOutbound();
    }

    private void fillOutbound() {
        int wanted = settings.target() - directory.count(Direction.OUTBOUND);
        if (wanted <= 0) {
            return;
        }
        List<URI> candidates = new ArrayList<>(book.candidates(excluded(), wanted * 4));
        // Among addresses alike, any: otherwise every node would pick the same first few seeds.
        List<URI> seeds = candidates.stream().filter(book::isSeed).toList();
        List<URI> others = new ArrayList<>(candidates.stream().filter(url -> !book.isSeed(url)).toList());
        List<URI> ordered = new ArrayList<>(seeds);
        Collections.shuffle(ordered, random);
        Collections.shuffle(others, random);
        ordered.addAll(others);
        for (URI url : ordered.subList(0, Math.min(wanted, ordered.size()))) {
            directory.activate(new Peer(url, null), Direction.OUTBOUND);
        }
    }

    /** Addresses not to pick: the peers held, and those never to call. */
    private Set<URI> excluded() {
        Set<URI> exclude = new HashSet<>(directory.urls());
        synchronized (never) {
            exclude.addAll(never);
        }
        return exclude;
    }

    /** Never calls {@code url} again (the set is bounded: the oldest is let go beyond {@link #MAX_NEVER}). */
    private void never(URI url) {
        book.forget(url);
        synchronized (never) {
            never.add(url);
            if (never.size() > MAX_NEVER) {
                never.remove(never.iterator().next());
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
                parse(view.url()).ifPresent(told::add);
            }
        }
        parse(summary.url()).ifPresent(told::add);
        learn("peer " + peer.url(), told);
    }

    /** A heartbeat to {@code peer} failed. */
    void failed(Peer peer) {
        book.failed(peer.url());
    }

    /**
     * A node called this one, giving its address: it becomes a peer, called from the next heartbeat
     * on, when this node has room for another inbound peer, does not hold that node already, and may
     * call the address. Its node id is not taken from the call: it is the one the address answers as.
     * New addresses are counted against the allowance of the address the call came from, not of the
     * node id it claims (a stranger can claim any). An address given by name is judged at the next
     * heartbeat, not on the caller's request: resolving a stranger's name may take seconds.
     */
    void calledBy(NodeSummary caller, String remoteAddress) {
        if (!settings.exchange()) {
            return;
        }
        Optional<URI> url = parse(caller.url());
        if (url.isEmpty() || excluded().contains(url.get()) || directory.holds(caller.nodeId())) {
            return;
        }
        String source = "caller " + remoteAddress;
        if (AddressPolicy.isLiteral(url.get().getHost())) {
            takeInbound(url.get(), source);
        } else {
            synchronized (namedCallers) {
                if (namedCallers.size() < MAX_NAMED_CALLERS) {
                    namedCallers.put(url.get(), source);
                }
            }
        }
    }

    private synchronized void takeInbound(URI url, String source) {
        if (directory.count(Direction.INBOUND) >= settings.maxInbound() || directory.urls().contains(url)) {
            return;
        }
        if (!book.contains(url) && learn(source, List.of(url)) == 0) {
            return;
        }
        if (directory.activate(new Peer(url, null), Direction.INBOUND)) {
            log.info("Node at {} called this one: a peer now, inbound", url);
        }
    }

    private int learn(String source, List<URI> told) {
        Set<URI> exclude = excluded();
        List<URI> fresh = told.stream().filter(url -> !exclude.contains(url) && !book.contains(url)).distinct()
                .toList();
        if (fresh.isEmpty()) {
            return 0;
        }
        int taken = book.learn(source, fresh);
        learned.increment(taken);
        refused.increment(fresh.size() - taken);
        return taken;
    }

    /** {@code text} as a node's base URL, or empty when it is not one. */
    private static Optional<URI> parse(String text) {
        if (text == null || text.isBlank() || text.length() > NodeSummary.MAX_URL_LENGTH) {
            return Optional.empty();
        }
        try {
            URI url = URI.create(text.strip().replaceAll("/+$", ""));
            return url.getHost() == null ? Optional.empty() : Optional.of(url);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Addresses known: seeds and learned ones. */
    int addressesKnown() {
        return book.size();
    }
}
