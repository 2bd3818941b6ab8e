package io.meshchain.network;

import io.meshchain.system.ConfigurationException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which learned addresses a node may call: never link-local or metadata ones, and only allowed ones. */
class AddressPolicyTest {

    /** Names resolve as a DNS server a stranger controls might answer. */
    private static final Map<String, String> DNS = Map.of(
            "node-3.example.org", "10.0.0.3",
            "rebound.example.org", "169.254.169.254",
            "mapped.example.org", "::ffff:169.254.1.1",
            "evil.org", "203.0.113.9");

    private static AddressPolicy policy(String... allowed) {
        return policy(true, allowed);
    }

    private static AddressPolicy policy(boolean loopbackNetwork, String... allowed) {
        return new AddressPolicy(List.of(allowed), loopbackNetwork, host -> {
            String address = DNS.getOrDefault(host, host);
            if (!address.contains(":") && !address.matches("[0-9.]+")) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(address)};
        });
    }

    private static String refusal(AddressPolicy policy, String url) {
        return policy.refusal(URI.create(url)).orElse(null);
    }

    @Test
    void linkLocalAndMetadataAddressesAreNeverCalledWhatEverIsAllowed() {
        for (AddressPolicy policy : List.of(policy(), policy("0.0.0.0/0", "::/0", ".example.org"))) {
            assertThat(refusal(policy, "http://169.254.169.254")).isEqualTo("a link-local address");
            assertThat(refusal(policy, "http://169.254.1.1:8080")).isEqualTo("a link-local address");
            assertThat(refusal(policy, "http://[fe80::1]:8080")).isEqualTo("a link-local address");
            assertThat(refusal(policy, "http://[fd00:ec2::254]")).isEqualTo("a metadata service's address");
            assertThat(refusal(policy, "http://100.100.100.200")).isEqualTo("a metadata service's address");
            assertThat(refusal(policy, "http://metadata.google.internal")).isEqualTo("a metadata service's name");
            assertThat(refusal(policy, "http://rebound.example.org:8080")).as("a name resolving to one")
                    .isEqualTo("a link-local address");
            assertThat(refusal(policy, "http://mapped.example.org:8080")).as("IPv4-mapped")
                    .isEqualTo("a link-local address");
            assertThat(refusal(policy, "http://224.0.0.1:8080")).isEqualTo("a multicast address");
            assertThat(refusal(policy, "http://0.0.0.0:8080")).isEqualTo("the unspecified address");
            assertThat(refusal(policy, "http://[::169.254.169.254]")).as("IPv4-compatible")
                    .isEqualTo("a link-local address");
            assertThat(refusal(policy, "http://[64:ff9b::169.254.169.254]")).as("NAT64").isEqualTo("a link-local address");
            assertThat(refusal(policy, "http://[fd00:ec2::254%25eth0]")).as("with a zone")
                    .isIn("a metadata service's address", "not a node's base URL", "does not resolve");
        }
    }

    @Test
    void aLoopbackAddressIsCalledOnlyByANodeWhoseOwnAddressIsOne() {
        assertThat(refusal(policy(true), "http://127.0.0.1:8081")).isNull();
        assertThat(refusal(policy(false), "http://127.0.0.1:8081")).isEqualTo("a loopback address, and this node's is not");
        assertThat(refusal(policy(false), "http://[::1]:8081")).isEqualTo("a loopback address, and this node's is not");
        assertThat(refusal(policy(false), "http://10.0.0.3:8080")).isNull();
    }

    @Test
    void onlyDottedDecimalAddressesAreReadWithoutAskingDns() {
        assertThat(AddressPolicy.isLiteral("10.0.0.3")).isTrue();
        assertThat(AddressPolicy.isLiteral("[fd00::1]")).isTrue();
        assertThat(AddressPolicy.isLiteral("00000169.254.169.254")).isFalse();
        assertThat(AddressPolicy.isLiteral("2852039166")).isFalse();
        assertThat(AddressPolicy.isLiteral("node-3.example.org")).isFalse();
    }

    @Test
    void anAddressIsWrittenOneWay() {
        assertThat(AddressPolicy.normalize("http://fd00::5:8080")).hasValue(URI.create("http://[fd00:0:0:0:0:0:0:5]:8080"));
        assertThat(AddressPolicy.normalize("http://[fd00::5]:8080/")).hasValue(URI.create("http://[fd00:0:0:0:0:0:0:5]:8080"));
        assertThat(AddressPolicy.normalize("http://10.0.0.3:8080/")).hasValue(URI.create("http://10.0.0.3:8080"));
        assertThat(AddressPolicy.normalize("not a url")).isEmpty();
    }

    @Test
    void onlyBaseUrlsOfNodesAreCalled() {
        AddressPolicy policy = policy();
        assertThat(refusal(policy, "http://10.0.0.3:8080")).isNull();
        assertThat(refusal(policy, "http://10.0.0.3:8080/")).isNull();
        assertThat(refusal(policy, "ftp://10.0.0.3")).isEqualTo("not a node's base URL");
        assertThat(refusal(policy, "http://10.0.0.3:8080/admin")).isEqualTo("not a node's base URL");
        assertThat(refusal(policy, "http://user@10.0.0.3:8080")).isEqualTo("not a node's base URL");
        assertThat(refusal(policy, "http://10.0.0.3:8080?x=1")).isEqualTo("not a node's base URL");
        assertThat(refusal(policy, "http://nowhere.invalid:8080")).isEqualTo("does not resolve");
    }

    @Test
    void withoutAllowedEntriesAnyOtherAddressMayBeCalled() {
        AddressPolicy policy = policy();
        assertThat(policy.restricted()).isFalse();
        assertThat(refusal(policy, "http://127.0.0.1:8081")).isNull();
        assertThat(refusal(policy, "http://203.0.113.9:8080")).isNull();
        assertThat(refusal(policy, "http://node-3.example.org:8080")).isNull();
    }

    @Test
    void allowedNetworksHostsAndDomainsAreTheOnlyOnesCalled() {
        AddressPolicy policy = policy("10.0.0.0/8", "fd00::/8", "node-9.example.net", ".example.org");
        assertThat(refusal(policy, "http://10.1.2.3:8080")).isNull();
        assertThat(refusal(policy, "http://[fd00::7]:8080")).isNull();
        assertThat(refusal(policy, "http://node-3.example.org:8080")).as("in the domain").isNull();
        assertThat(refusal(policy, "http://192.168.1.1:8080")).isEqualTo("not in meshchain.peers.allowed");
        assertThat(refusal(policy, "http://127.0.0.1:8080")).isEqualTo("not in meshchain.peers.allowed");
        assertThat(refusal(policy, "http://evil.org:8080")).isEqualTo("not in meshchain.peers.allowed");
        assertThat(refusal(policy, "http://example.org.evil.org:8080")).isEqualTo("not in meshchain.peers.allowed");
    }

    @Test
    void anAllowedNetworkThatIsNotOneStopsTheNode() {
        assertThatThrownBy(() -> policy("10.0.0.0/33")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("meshchain.peers.allowed");
        assertThatThrownBy(() -> policy("example.org/8")).isInstanceOf(ConfigurationException.class);
    }
}
