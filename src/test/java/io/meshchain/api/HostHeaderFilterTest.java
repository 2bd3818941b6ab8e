package io.meshchain.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.TestProperties;
import io.meshchain.system.MeshchainProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A request that names another server in its Host header, as DNS rebinding makes it, is refused 421 before the node sees it. */
class HostHeaderFilterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static MeshchainProperties allowing(String... hosts) {
        MeshchainProperties p = TestProperties.of("n1", List.of(), null, 1);
        return new MeshchainProperties(p.nodeId(), p.peers(), p.peersFile(), p.discovery(), p.heartbeat(), p.network(),
                p.mining(), p.block(), p.pool(), p.storage(), new MeshchainProperties.Http(List.of(hosts)), null, null, null);
    }

    private static MockHttpServletResponse send(MeshchainProperties properties, String host) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/heartbeat");
        request.setRequestURI("/heartbeat");
        request.removeHeader("Host");
        if (host != null) {
            request.addHeader("Host", host);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        new HostHeaderFilter(AllowedHosts.of(properties, "node-machine"), JSON)
                .doFilter(request, response, (req, res) -> ((MockHttpServletResponse) res).setStatus(200));
        return response;
    }

    @Test
    void aSpoofedHostIsRefusedWithAProblem() throws Exception {
        MockHttpServletResponse response = send(allowing(), "evil.example:8080");

        assertThat(response.getStatus()).isEqualTo(421);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(response.getContentAsString());
        assertThat(problem.get("type").asString()).isEqualTo("urn:meshchain:problem:misdirected-request");
        assertThat(problem.get("status").asInt()).isEqualTo(421);
        assertThat(problem.get("detail").asString()).contains("'evil.example'").contains("meshchain.http.allowed-hosts");
        assertThat(problem.get("instance").asString()).isEqualTo("/heartbeat");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:8080", "localhost", "LocalHost.:8080", "127.0.0.1:8080", "10.1.2.3", "[::1]:8080",
            "[fe80::1]", "node-machine:8080"})
    void theNodesOwnNamesAndAddressesPass(String host) throws Exception {
        assertThat(send(allowing(), host).getStatus()).isEqualTo(200);
    }

    @Test
    void aRequestWithoutHostPasses() throws Exception {
        assertThat(send(allowing(), null).getStatus()).as("HTTP/1.0").isEqualTo(200);
    }

    @Test
    void aConfiguredNamePassesAndStarPassesAll() throws Exception {
        assertThat(send(allowing("chain.example.org"), "chain.example.org:443").getStatus()).isEqualTo(200);
        assertThat(send(allowing("chain.example.org"), "evil.example").getStatus()).isEqualTo(421);
        assertThat(send(allowing("*"), "evil.example").getStatus()).isEqualTo(200);
    }

    @Test
    void aHostThatIsNotAHostIsRefusedWithoutRepeatingIt() throws Exception {
        MockHttpServletResponse response = send(allowing(), "a:b:c");
        assertThat(response.getStatus()).isEqualTo(421);
        assertThat(response.getContentAsString()).contains("the name in its Host header").doesNotContain("a:b:c");
    }
}
