package io.meshchain.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.TestProperties;
import io.meshchain.system.MeshchainProperties;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The names a node answers to: its own, its peers' and discovery's, and those configured; never a look-alike. */
class AllowedHostsTest {

    private static MeshchainProperties settings(List<URI> peers, String dns, String... allowed) {
        MeshchainProperties p = TestProperties.of("n1", peers, null, 1);
        return new MeshchainProperties(p.nodeId(), p.peers(), p.peersFile(), new MeshchainProperties.Discovery(dns),
                p.heartbeat(), p.network(), p.mining(), p.block(), p.pool(), p.storage(),
                new MeshchainProperties.Http(List.of(allowed)), null, null, null);
    }

    @Test
    void addressesAndLocalhostAreAllowedButNamesThatMerelyLookLikeThemAreNot() {
        AllowedHosts hosts = AllowedHosts.of(settings(List.of(), null), null);

        assertThat(hosts.allows("127.0.0.1:8080")).isTrue();
        assertThat(hosts.allows("255.255.255.255")).isTrue();
        assertThat(hosts.allows("[::ffff:127.0.0.1]:80")).isTrue();
        assertThat(hosts.allows("localhost")).isTrue();
        assertThat(hosts.allows("127.0.0.1.evil.example")).as("a name that starts like an address").isFalse();
        assertThat(hosts.allows("256.0.0.1")).isFalse();
        assertThat(hosts.allows("localhost.evil.example")).isFalse();
        assertThat(hosts.allows("evillocalhost")).isFalse();
        assertThat(hosts.allows("[::1")).isFalse();
        assertThat(hosts.allows("[::1]x")).isFalse();
        assertThat(hosts.allows("::1")).as("an IPv6 address without brackets").isFalse();
        assertThat(hosts.allows("localhost:80:80")).isFalse();
    }

    @Test
    void peersAndTheDiscoveryServiceAreReachedByTheirNames() {
        AllowedHosts hosts = AllowedHosts.of(settings(List.of(URI.create("http://node-b.example.org:8080"),
                URI.create("http://10.0.0.7:8080")), "meshchain-peers"), "meshchain-0");

        assertThat(hosts.allows("meshchain-0:8080")).as("this machine").isTrue();
        assertThat(hosts.allows("node-b.example.org:8080")).as("a peer, when nodes share one list").isTrue();
        assertThat(hosts.allows("meshchain-peers:8080")).isTrue();
        assertThat(hosts.allows("meshchain-0.meshchain-peers:8080")).as("the pod's name under discovery").isTrue();
        assertThat(hosts.allows("meshchain-1.meshchain-peers")).as("another pod's name").isFalse();
        assertThat(hosts.allows("example.org")).isFalse();
    }

    @Test
    void aDomainEntryAllowsTheDomainAndNamesUnderIt() {
        AllowedHosts hosts = AllowedHosts.of(settings(List.of(), null, "meshchain", ".ledger.svc.cluster.local"), null);

        assertThat(hosts.allows("meshchain")).isTrue();
        assertThat(hosts.allows("MeshChain.:80")).isTrue();
        assertThat(hosts.allows("meshchain.ledger.svc.cluster.local")).isTrue();
        assertThat(hosts.allows("meshchain-0.meshchain-peers.ledger.svc.cluster.local:8080")).isTrue();
        assertThat(hosts.allows("ledger.svc.cluster.local")).isTrue();
        assertThat(hosts.allows("evilledger.svc.cluster.local")).isFalse();
        assertThat(hosts.allows("meshchain.evil.example")).isFalse();
        assertThat(hosts.allows("meshchainx")).isFalse();
    }
}
