package io.meshchain.network;

import io.meshchain.system.ConfigurationException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which addresses this node may call when it merely learned them, from a peer's list of its peers
 * or from a heartbeat naming its sender's address: input from strangers, who could otherwise point
 * every node of a network at a service of their choosing. Configured peers and the addresses DNS
 * discovery finds are the operator's, and are not judged here.
 * <p>
 * A learned address is never called when it is, or its name resolves to, a link-local address
 * (169.254.0.0/16, fe80::/10: where clouds serve instance metadata and credentials), a known
 * metadata address, a multicast or broadcast address, or the unspecified address. Beyond that,
 * {@code meshchain.peers.allowed} restricts learned addresses to the hosts and networks it lists:
 * {@code 10.0.0.0/8} (a network), {@code node-3.example.org} (a host), {@code .example.org} (a
 * domain and every name under it). Empty, the default, allows any other address, so that a node
 * started with one member's address can reach every node that member knows, wherever the network
 * lives; an operator who knows where it lives says so (the Kubernetes manifests allow the
 * private networks a cluster's pods use).
 */
final class AddressPolicy {

    /** Metadata services at addresses that are not link-local: AWS's IPv6 one and Alibaba Cloud's. */
    private static final List<String> METADATA_ADDRESSES = List.of("fd00:ec2:0:0:0:0:0:254", "100.100.100.200");
    /** Names of metadata services, refused whatever they resolve to. */
    private static final List<String> METADATA_NAMES = List.of("metadata.google.internal", "metadata.goog",
            "metadata");

    /** Resolves a host name; tests give fixed answers. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<Network> networks = new ArrayList<>();
    private final List<String> hosts = new ArrayList<>();
    private final List<String> domains = new ArrayList<>();
    private final Resolver resolver;

    AddressPolicy(List<String> allowed) {
        this(allowed, InetAddress::getAllByName);
    }

    AddressPolicy(List<String> allowed, Resolver resolver) {
        this.resolver = resolver;
        for (String entry : allowed) {
            String value = entry.strip().toLowerCase(Locale.ROOT);
            if (value.contains("/")) {
                networks.add(Network.parse(value));
            } else if (value.startsWith(".") && value.length() > 1) {
                domains.add(value);
            } else if (!value.isEmpty()) {
                hosts.add(value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value);
            }
        }
    }

    /** Whether {@code meshchain.peers.allowed} lists anything: then only what it lists is called. */
    boolean restricted() {
        return !networks.isEmpty() || !hosts.isEmpty() || !domains.isEmpty();
    }

    /**
     * Why a learned address may not be called, or empty when it may: the URL is not a node's base URL,
     * its host is forbidden, not allowed, or does not resolve, or a name resolves to a forbidden address.
     */
    Optional<String> refusal(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || url.getHost() == null || url.getRawUserInfo() != null || url.getRawQuery() != null
                || url.getRawFragment() != null || url.getRawPath() != null && !url.getRawPath().isEmpty()
                && !url.getRawPath().equals("/")) {
            return Optional.of("not a node's base URL");
        }
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (METADATA_NAMES.contains(host)) {
            return Optional.of("a metadata service's name");
        }
        boolean literal = isLiteral(host);
        if (restricted() && !allowsName(host, literal)) {
            return Optional.of("not in meshchain.peers.allowed");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Optional.of("does not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> forbidden = forbidden(address);
            if (forbidden.isPresent()) {
                return forbidden;
            }
            if (restricted() && literal && networks.stream().noneMatch(network -> network.contains(address))
                    && !hosts.contains(host)) {
                return Optional.of("not in meshchain.peers.allowed");
            }
        }
        return Optional.empty();
    }

    /** Why no learned address may be {@code address}, or empty. */
    static Optional<String> forbidden(InetAddress address) {
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (address instanceof Inet4Address && address.getHostAddress().equals("255.255.255.255")) {
            return Optional.of("the broadcast address");
        }
        if (METADATA_ADDRESSES.contains(address.getHostAddress())) {
            return Optional.of("a metadata service's address");
        }
        if (address instanceof Inet6Address v6 && v6.getAddress()[0] == 0 && isMappedLinkLocal(v6.getAddress())) {
            return Optional.of("a link-local address");
        }
        return Optional.empty();
    }

    /** An IPv4-mapped IPv6 address (::ffff:169.254.x.y) of a link-local IPv4 address. */
    private static boolean isMappedLinkLocal(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff && (bytes[12] & 0xff) == 169
                && (bytes[13] & 0xff) == 254;
    }

    private boolean allowsName(String host, boolean literal) {
        if (hosts.contains(host)) {
            return true;
        }
        if (literal) {
            return !networks.isEmpty(); // judged against the networks once parsed
        }
        return domains.stream().anyMatch(domain -> host.endsWith(domain) || host.equals(domain.substring(1)));
    }

    /** Whether {@code host} is an IP address written out, not a name. */
    static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** A network in CIDR notation. */
    private record Network(byte[] prefix, int bits) {

        static Network parse(String cidr) {
            int slash = cidr.indexOf('/');
            String address = cidr.substring(0, slash);
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                int bits = Integer.parseInt(cidr.substring(slash + 1));
                if (!isLiteral(address) || bits < 0 || bits > bytes.length * 8) {
                    throw new NumberFormatException();
                }
                return new Network(bytes, bits);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new ConfigurationException("meshchain.peers.allowed",
                        "'" + cidr + "' is not a network such as 10.0.0.0/8 or fd00::/8");
            }
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != prefix.length) {
                return false;
            }
            BigInteger mask = bits == 0 ? BigInteger.ZERO
                    : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftLeft(bytes.length * 8 - bits);
            return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, prefix).and(mask));
        }
    }
}
