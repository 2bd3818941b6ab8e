package io.meshchain.network;

import io.meshchain.system.MeshchainProperties;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Seeds from DNS: with {@code meshchain.discovery.dns} set to a headless Service's name, every
 * address it resolves to, except this node's own, is a seed on this node's port, from which
 * {@link Peering} picks peers up to its target. It is resolved again at every heartbeat, so the
 * seeds follow the StatefulSet as it scales up and down.
 * When the name cannot be resolved (the first pod starts before its record exists), the last
 * known peers are kept and the next heartbeat tries again.
 */
@Component
class DnsDiscovery {

    private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);

    /** Resolves a name to its addresses; tests give a fixed answer. */
    @FunctionalInterface
    interface Resolver {
        List<InetAddress> resolve(String name) throws UnknownHostException;
    }

    /** This machine's own addresses, which are never peers. */
    @FunctionalInterface
    interface LocalAddresses {
        Set<InetAddress> get();
    }

    private final String name;
    private final int port;
    private final Peering peering;
    private final Resolver resolver;
    private final LocalAddresses localAddresses;
    private String lastFailure;

    @Autowired
    DnsDiscovery(MeshchainProperties properties, Environment environment, Peering peering) {
        this(properties.discovery().dns(), environment.getProperty("server.port", Integer.class, 8080), peering,
                name -> List.of(InetAddress.getAllByName(name)), DnsDiscovery::interfaceAddresses);
    }

    DnsDiscovery(String name, int port, Peering peering, Resolver resolver, LocalAddresses localAddresses) {
        this.name = name == null || name.isBlank() ? null : name.strip();
        this.port = port;
        this.peering = peering;
        this.resolver = resolver;
        this.localAddresses = localAddresses;
    }

    /** Resolves the name once more and updates the peer list; does nothing when discovery is off. */
    synchronized void refresh() {
        if (name == null) {
            return;
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            String failure = String.valueOf(e.getMessage());
            if (!failure.equals(lastFailure)) {
                log.warn("Cannot resolve peers from DNS name {}: {}; keeping the last known peers", name, failure);
                lastFailure = failure;
            }
            return;
        }
        lastFailure = null;
        Set<InetAddress> own = localAddresses.get();
        peering.replaceDnsSeeds(addresses.stream()
                .filter(address -> !own.contains(address))
                .distinct()
                .map(address -> new Peer(url(address), null))
                .toList());
    }

    private URI url(InetAddress address) {
        String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return URI.create("http://" + host + ":" + port);
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                addresses.addAll(Collections.list(networkInterface.getInetAddresses()));
            }
        } catch (SocketException e) {
            log.warn("Cannot list this machine's addresses: {}", e.getMessage());
        }
        return addresses;
    }
}
