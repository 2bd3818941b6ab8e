package io.meshchain.network;

import io.meshchain.system.ConfigurationException;
import io.meshchain.system.PeerSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import org.springframework.core.env.Environment;

/** The address this node gives its peers for itself, and what kind of network that says it is in. */
final class OwnAddress {

    private OwnAddress() {
    }

    /**
     * The address this node gives for itself: the setting, or {@code http://server.address:port}
     * unless that address is a wildcard (a node listening everywhere cannot tell which address its
     * peers reach it at); null then. An IPv6 address is written in brackets and in full.
     */
    static URI of(PeerSettings settings, Environment environment) {
        if (settings.advertisedUrl() != null) {
            Optional<URI> url = AddressPolicy.normalize(settings.advertisedUrl().toString());
            if (url.isEmpty() || !("http".equals(url.get().getScheme()) || "https".equals(url.get().getScheme()))) {
                throw new ConfigurationException("meshchain.peers.advertised-url",
                        "'" + settings.advertisedUrl() + "' is not a base URL such as http://10.0.0.7:8080");
            }
            return url.get();
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

    /** Whether {@code url} is a loopback address: a network on one machine, whose peers are on loopback too. */
    static boolean isLoopback(URI url) {
        if (url == null || url.getHost() == null || !AddressPolicy.isLiteral(url.getHost())) {
            return url != null && "localhost".equalsIgnoreCase(url.getHost());
        }
        try {
            return InetAddress.getByName(url.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
