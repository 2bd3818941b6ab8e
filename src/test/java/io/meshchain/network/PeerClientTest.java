package io.meshchain.network;

import com.sun.net.httpserver.HttpServer;
import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.validation.Validation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a peer's answer cannot make this node do: follow a redirect, or call a forbidden address. */
class PeerClientTest {

    private final PeerDirectory directory = new PeerDirectory(TestProperties.of("n1", List.of(), null, 1),
            new MutableClock(ChainFixture.NOW), new SimpleMeterRegistry());
    private final PeerClient client = new PeerClient(RestClient.builder(), JsonMapper.builder().build(),
            Validation.buildDefaultValidatorFactory().getValidator(), TestProperties.of("n1", List.of(), null, 1),
            TestPeering.of(directory, new MutableClock(ChainFixture.NOW)));
    private final AtomicInteger reached = new AtomicInteger();
    private HttpServer target;
    private HttpServer redirecting;

    private static HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (target != null) {
            target.stop(0);
        }
        if (redirecting != null) {
            redirecting.stop(0);
        }
    }

    @Test
    void aRedirectIsNotFollowed() throws IOException {
        target = server();
        target.createContext("/", exchange -> {
            reached.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        redirecting = server();
        redirecting.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Location",
                    "http://127.0.0.1:" + target.getAddress().getPort() + "/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        Peer peer = new Peer(URI.create("http://127.0.0.1:" + redirecting.getAddress().getPort()), null);

        assertThatThrownBy(() -> client.blocks(peer, 1, 10)).isInstanceOf(PeerException.class)
                .hasMessageContaining("302");
        assertThat(reached).hasValue(0);
    }

    @Test
    void aLearnedNameThatNowResolvesToLoopbackIsNotCalledByANodeOffLoopback() {
        Peering offLoopback = new Peering(directory, io.meshchain.system.PeerSettings.defaults(),
                URI.create("http://10.0.0.1:8080"), new AddressPolicy(List.of(), false), new MutableClock(ChainFixture.NOW),
                new SimpleMeterRegistry(), new java.util.Random(1), Runnable::run);
        assertThat(offLoopback.refusal(URI.create("http://localhost:8081")))
                .hasValue("a loopback address, and this node's is not");
    }

    @Test
    void aLinkLocalAddressIsNeverCalled() {
        Peer metadata = new Peer(URI.create("http://169.254.169.254"), null);
        assertThatThrownBy(() -> client.blocks(metadata, 1, 10)).isInstanceOf(PeerException.class)
                .hasMessageContaining("link-local");
    }
}
