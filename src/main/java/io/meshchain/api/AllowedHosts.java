package io.meshchain.api;

import io.meshchain.system.MeshchainProperties;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names this node answers to, as a request's {@code Host} header carries them. A page in a
 * browser can reach a node on the browser's own machine or network by DNS rebinding: it is served
 * from a name of the attacker's, whose address the attacker then switches to the node's, and the
 * browser, seeing the same origin, lets the page read the node's answers. Such a request carries
 * the attacker's name as its Host; checking the name defeats the attack.
 *
 * <p>So a Host is allowed when it is an IP address (a page reached by address has that address as
 * its origin, so the browser keeps it from reading anything but that very node; peers, probes and
 * Prometheus call nodes by address), {@code localhost}, this machine's name, the name of a
 * configured peer or of the discovery Service (and this node's own name under it,
 * {@code meshchain-0.meshchain-peers}), or one of {@code meshchain.http.allowed-hosts}: an entry
 * {@code .example.org} allows that domain and every name under it, and {@code *} allows any name. A
 * request without a Host (HTTP/1.0) is allowed: a browser always sends one. Names are compared
 * without case, port and trailing dot.
 */
final class AllowedHosts {

    static final String ANY = "*";
    static final String LOCALHOST = "localhost";

    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|\\d{1,2})\\.){3}"
            + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|\\d{1,2})");
    /** An IPv6 literal as a Host carries it, in brackets; the syntax is Tomcat's to check, the brackets are ours. */
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]*:[0-9a-f:.]*]");
    private static final Pattern PORT = Pattern.compile(":\\d*");

    private final boolean any;
    private final Set<String> names;
    private final List<String> domains;

    private AllowedHosts(boolean any, Set<String> names, List<String> domains) {
        this.any = any;
        this.names = Set.copyOf(names);
        this.domains = List.copyOf(domains);
    }

    /** The node's names from its settings, with {@code machineName} (null when unknown). */
    static AllowedHosts of(MeshchainProperties properties, String machineName) {
        Set<String> names = new LinkedHashSet<>();
        List<String> domains = new ArrayList<>();
        boolean any = false;
        names.add(LOCALHOST);
        String machine = machineName == null || machineName.isBlank() ? null : normalized(machineName);
        if (machine != null) {
            names.add(machine);
        }
        for (URI peer : properties.peers()) {
            if (peer.getHost() != null) {
                names.add(normalized(peer.getHost()));
            }
        }
        String discovery = properties.discovery().dns();
        if (discovery != null && !discovery.isBlank()) {
            names.add(normalized(discovery.strip()));
            if (machine != null) {
                names.add(machine + "." + normalized(discovery.strip()));
            }
        }
        for (String entry : properties.http().allowedHosts()) {
            if (entry.equals(ANY)) {
                any = true;
            } else if (entry.startsWith(".")) {
                domains.add(normalized(entry.substring(1)));
            } else {
                names.add(normalized(entry));
            }
        }
        return new AllowedHosts(any, names, domains);
    }

    /** This machine's host name, as the operating system knows it; null when it cannot be told. */
    static String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // The name does not resolve: a container's name is still in its environment.
            return System.getenv("HOSTNAME");
        }
    }

    /** Whether a request whose Host header is {@code header} (null when it has none) is for this node. */
    boolean allows(String header) {
        if (any || header == null || header.isBlank()) {
            return true;
        }
        String host = hostOf(header);
        if (host == null) {
            return false;
        }
        if (IPV4.matcher(host).matches() || IPV6.matcher(host).matches() || names.contains(host)) {
            return true;
        }
        return domains.stream().anyMatch(domain -> host.equals(domain) || host.endsWith("." + domain));
    }

    /**
     * The host of a Host header, normalised: {@code "Example.ORG.:8080"} gives {@code "example.org"},
     * {@code "[::1]:8080"} gives {@code "[::1]"}; null when the header is not a host and port.
     */
    static String hostOf(String header) {
        String value = header.strip().toLowerCase(Locale.ROOT);
        int hostEnd = value.startsWith("[") ? value.indexOf(']') + 1 : value.indexOf(':');
        if (value.startsWith("[") && hostEnd == 0) {
            return null;
        }
        if (hostEnd < 0) {
            hostEnd = value.length();
        }
        String host = value.substring(0, hostEnd);
        String rest = value.substring(hostEnd);
        if (host.isEmpty() || !(rest.isEmpty() || PORT.matcher(rest).matches())) {
            return null;
        }
        return host.startsWith("[") ? host : normalized(host);
    }

    private static String normalized(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
