package io.meshchain.network;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DnsDiscoveryTest {

    private static final String SERVICE = "meshchain-peers";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PeerDirectory directory = new PeerDirectory(TestProperties.of("meshchain-0", List.of(), null, 1),
            new MutableClock(ChainFixture.NOW), meters);
    private final List<InetAddress> answer = new ArrayList<>();
    private boolean failing;
    private final Peering peering = TestPeering.of(directory, new MutableClock(ChainFixture.NOW));
    private final DnsDiscovery discovery = new DnsDiscovery(SERVICE, 8080, peering, name -> {
        assertThat(name).isEqualTo(SERVICE);
        if (failing) {
            throw new UnknownHostException(name + ": no such host");
        }
        return List.copyOf(answer);
    }, () -> Set.of(address("10.0.0.1")));

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<String> peerUrls() {
        return directory.peers().stream().map(peer -> peer.url().toString()).toList();
    }

    @Test
    void everyAddressButThisNodesOwnIsAPeerOnTheNodesPort() {
        answer.addAll(List.of(address("10.0.0.1"), address("10.0.0.2"), address("10.0.0.3")));
        discovery.refresh();
        assertThat(peerUrls()).containsExactlyInAnyOrder("http://10.0.0.2:8080", "http://10.0.0.3:8080");
    }

    @Test
    void followsScalingUpAndDown() {
        answer.addAll(List.of(address("10.0.0.1"), address("10.0.0.2")));
        discovery.refresh();
        answer.addAll(List.of(address("10.0.0.3"), address("10.0.0.4")));
        discovery.refresh();
        assertThat(peerUrls()).containsExactlyInAnyOrder("http://10.0.0.2:8080", "http://10.0.0.3:8080",
                "http://10.0.0.4:8080");

        answer.remove(address("10.0.0.3"));
        answer.remove(address("10.0.0.4"));
        discovery.refresh();
        assertThat(peerUrls()).containsExactly("http://10.0.0.2:8080");
        assertThat(meters.find("meshchain.peer.reachable").gauges()).hasSize(1);
        assertThat(meters.find("meshchain.heartbeat.round.trip").timers()).hasSize(1);
    }

    @Test
    void keepsTheLastKnownPeersWhenTheNameDoesNotResolve() {
        answer.add(address("10.0.0.2"));
        discovery.refresh();
        failing = true;
        discovery.refresh();
        assertThat(peerUrls()).containsExactly("http://10.0.0.2:8080");
    }

    @Test
    void ipv6AddressesAreBracketed() {
        answer.add(address("fd00::2"));
        discovery.refresh();
        assertThat(peerUrls()).containsExactly("http://[fd00:0:0:0:0:0:0:2]:8080");
    }

    @Test
    void ofManyAddressesTheTargetArePeersAndTheRestSeeds() {
        for (int i = 2; i <= 50; i++) {
            answer.add(address("10.0.0." + i));
        }
        discovery.refresh();
        assertThat(peerUrls()).hasSize(8);
        assertThat(peering.addressesKnown()).isEqualTo(49);
    }

    @Test
    void withoutANameNothingIsResolved() {
        DnsDiscovery off = new DnsDiscovery("", 8080, peering, name -> {
            throw new AssertionError("must not resolve");
        }, Set::of);
        off.refresh();
        assertThat(directory.peers()).isEmpty();
    }
}
