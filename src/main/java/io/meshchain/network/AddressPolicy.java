package io.meshchain.network;

import io.meshchain.system.ConfigurationException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which addresses this node may call when it merely learned them, from a peer's list of its peers
 * or from a heartbeat naming its sender's address: input from strangers, who could otherwise point
 * every node of a network at a service of their choosing. Configured peers and the addresses DNS
 * discovery finds are the operator's, and are not judged here.
 * <p>
 * A learned address is never called when it is, or its name resolves to, a link-local address
 * (169.254.0.0/16, fe80::/10: where clouds serve instance metadata and credentials), a known
 * metadata address, a multicast or broadcast address, or the unspecified address; nor a loopback
 * address, unless this node's own is one (a network on one machine: a demo, a test). Beyond that,
 * {@code meshchain.peers.allowed} restricts learned addresses to the hosts and networks it lists:
 * {@code 10.0.0.0/8} (a network), {@code node-3.example.org} (a host), {@code .example.org} (a
 * domain and every name under it). Empty, the default, allows any other address, so that a node
 * started with one member's address can reach every node that member knows, wherever the network
 * lives; an operator who knows where it lives says so (the Kubernetes manifests allow the
 * private networks a cluster's pods use).
 */
final class AddressPolicy {

    /** Metadata services at addresses that are not link-local: AWS's IPv6 one and Alibaba Cloud's. */
    private static final List<byte[]> METADATA_ADDRESSES = List.of(bytes("fd00:ec2::254"), bytes("100.100.100.200"));
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
    private final boolean loopbackNetwork;

    /**
     * @param loopbackNetwork whether this node's own address is a loopback one: a network on one
     *                        machine, whose learned addresses may be loopback ones too
     */
    AddressPolicy(List<String> allowed, boolean loopbackNetwork) {
        this(allowed, loopbackNetwork, InetAddress::getAllByName);
    }

    AddressPolicy(List<String> allowed, boolean loopbackNetwork, Resolver resolver) {
        this.resolver = resolver;
        this.loopbackNetwork = loopbackNetwork;
        for (String entry : allowed) {
            String value = entry.strip().toLowerCase(Locale.ROOT);
            if (value.contains("/")) {
                networks.add(Network.parse(value));
            } else if (value.startsWith(".") && value.length() > 1) {
                domains.add(value);
            } else if (!value.isEmpty()) {
                String host = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
                if (host.contains(":") && IPV6_WITHOUT_BRACKETS.matcher(host).matches()) {
                    try {
                        host = InetAddress.getByName(host).getHostAddress(); // as learned addresses are written
                    } catch (UnknownHostException e) {
                        throw new ConfigurationException("meshchain.peers.allowed", "'" + entry + "' is not an address");
                    }
                }
                hosts.add(host);
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
            if (unwrap(address).isLoopbackAddress() && !loopbackNetwork) {
                return Optional.of("a loopback address, and this node's is not");
            }
            if (restricted() && literal && networks.stream().noneMatch(network -> network.contains(address))
                    && !hosts.contains(host)) {
                return Optional.of("not in meshchain.peers.allowed");
            }
        }
        return Optional.empty();
    }

    /**
     * Why no node may ever be called at {@code address}, or empty: a link-local, metadata, multicast,
     * broadcast or unspecified address, written as such or wrapped in an IPv6 one (IPv4-mapped,
     * IPv4-compatible, NAT64's 64:ff9b::/96). Compared by bytes, whatever zone an IPv6 address names.
     */
    static Optional<String> forbidden(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            Optional<InetAddress> wrapped = embeddedIpv4(bytes);
            if (wrapped.isPresent()) {
                return forbidden(wrapped.get());
            }
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (Arrays.equals(bytes, new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255})) {
            return Optional.of("the broadcast address");
        }
        if (METADATA_ADDRESSES.stream().anyMatch(metadata -> Arrays.equals(metadata, bytes))) {
            return Optional.of("a metadata service's address");
        }
        return Optional.empty();
    }

    /**
     * Why no node may be called at {@code host}, an operator's: whether it is, or resolves to, a
     * forbidden address ({@link #forbidden}); empty when it resolves to none (or not at all: the call
     * then fails and says so).
     */
    static Optional<String> forbiddenWhereverItResolves(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                Optional<String> forbidden = forbidden(address);
                if (forbidden.isPresent()) {
                    return forbidden;
                }
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** {@code address}, or the IPv4 address it wraps. */
    private static InetAddress unwrap(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 ? embeddedIpv4(bytes).orElse(address) : address;
    }

    /** The IPv4 address an IPv6 one wraps: ::a.b.c.d, ::ffff:a.b.c.d, 64:ff9b::a.b.c.d. */
    private static Optional<InetAddress> embeddedIpv4(byte[] bytes) {
        boolean zeroes = true;
        for (int i = 0; i < 10; i++) {
            zeroes &= bytes[i] == 0;
        }
        boolean compatible = zeroes && bytes[10] == 0 && bytes[11] == 0
                && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && (bytes[15] == 0 || bytes[15] == 1));
        boolean mapped = zeroes && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        boolean nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = bytes[i] == 0;
        }
        if (!compatible && !mapped && !nat64) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16)));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
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

    /** What an IPv6 address written out without brackets may hold: hex digits, colons, an IPv4 tail. */
    private static final Pattern IPV6_WITHOUT_BRACKETS = Pattern.compile(
            "[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

    /** An IPv4 address as four decimal numbers, none with a leading zero: what resolves without DNS. */
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /**
     * Whether {@code host} is an IP address written out (an IPv6 one, bracketed or not, or a dotted
     * IPv4 one), which resolving never sends to DNS; anything else is a name.
     */
    static boolean isLiteral(String host) {
        return host.contains(":") || IPV4.matcher(host).matches();
    }

    /**
     * {@code url} as one address is always written, so that a node is known by one form: an IPv6
     * host in brackets and in full ({@code [fd00:0:0:0:0:0:0:5]}, as DNS discovery writes it), no
     * trailing slash. An IPv6 address left without brackets ({@code http://fd00::5:8080}) is read as
     * host and port. Empty when it is not a base URL with a host.
     */
    static Optional<URI> normalize(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            URI url = URI.create(text.strip().replaceAll("/+$", ""));
            String host = url.getHost();
            int port = url.getPort();
            String authority = url.getRawAuthority();
            if (host == null && authority != null && authority.chars().filter(c -> c == ':').count() > 1) {
                // Only an IPv6 address written out may be read this way: anything else would go to DNS.
                int colon = authority.lastIndexOf(':');
                if (!IPV6_WITHOUT_BRACKETS.matcher(authority.substring(0, colon)).matches()) {
                    return Optional.empty();
                }
                host = authority.substring(0, colon);
                port = Integer.parseInt(authority.substring(colon + 1));
            }
            if (host == null || url.getScheme() == null) {
                return Optional.empty();
            }
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (bare.contains(":")) {
                int zone = bare.indexOf('%');
                host = "[" + InetAddress.getByName(zone < 0 ? bare : bare.substring(0, zone)).getHostAddress() + "]";
            }
            return Optional.of(new URI(url.getScheme().toLowerCase(Locale.ROOT), url.getRawUserInfo(), host, port,
                    url.getRawPath(), url.getRawQuery(), url.getRawFragment()));
        } catch (IllegalArgumentException | java.net.URISyntaxException | UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The bytes of an address written out. */
    private static byte[] bytes(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
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
