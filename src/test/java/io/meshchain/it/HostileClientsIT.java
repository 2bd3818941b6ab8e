package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that mean harm, against real nodes on loopback: bodies sent half-way or a byte at a time,
 * and a client that writes the relay header. A submission's place is taken once its body is in, a
 * trickling body is refused, the probes on the management port answer whatever the clients hold of
 * the main port, and a relay is recognised only by the token a peer was given.
 */
class HostileClientsIT {

    private final List<Socket> sockets = new ArrayList<>();

    /**
     * Hangs up the hostile connections, before a node stops: a graceful shutdown would otherwise wait
     * for their requests.
     */
    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** Opens a connection and sends the headers of a submission and the start of its body, then nothing. */
    private Socket halfABody(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        sockets.add(socket);
        String body = "{\"sender\": \"gzan3055\", \"content\": \"never finished\"}";
        OutputStream out = socket.getOutputStream();
        out.write(("POST /transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static int status(String url) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1; // no answer in time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void halfSentBodiesTakeNoPlaceThatWholeSubmissionsNeed() throws IOException {
        try (TestNode node = TestNode.reserve("hostile-half")) {
            node.start(List.of(), "--meshchain.mining.enabled=false", "--meshchain.pool.max-in-flight=2");
            int port = URI.create(node.url()).getPort();
            for (int i = 0; i < 5; i++) {
                halfABody(port);
            }

            NodeClient.Response answer = node.post("/transactions", "{\"sender\": \"alice\", \"content\": \"whole\"}");

            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            closeSockets();
        }
    }

    /** Sends a whole submission from {@code from} and returns the answer's status line. */
    private static String submitFrom(String from, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.setSoTimeout(5_000);
            String body = "{\"sender\": \"alice\", \"content\": \"from another address\"}";
            socket.getOutputStream().write(("POST /transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().findFirst()
                    .orElse("");
        }
    }

    /**
     * One client opening many connections with half a body each holds a few threads at most: beyond
     * its number of bodies on their way, its requests are refused before their bodies are read, and
     * clients from other addresses are served at once.
     */
    @Test
    void aClientSendingManyHalfBodiesHoldsOnlyItsShareOfTheThreads() throws IOException {
        try (TestNode node = TestNode.reserve("hostile-many")) {
            node.start(List.of(), "--meshchain.mining.enabled=false", "--server.tomcat.threads.max=16");
            int port = URI.create(node.url()).getPort();
            List<Socket> attacker = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                attacker.add(halfABody(port));
            }

            assertThat(submitFrom("127.0.0.2", port)).as("another address").startsWith("HTTP/1.1 201");
            int refused = 0;
            for (Socket socket : attacker) {
                socket.setSoTimeout(2_000);
                try {
                    byte[] answer = socket.getInputStream().readNBytes(12);
                    refused += new String(answer, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 429") ? 1 : 0;
                } catch (SocketTimeoutException e) {
                    // still holding a thread, within its share
                }
            }
            assertThat(refused).as("refused before their bodies were read")
                    .isGreaterThanOrEqualTo(40 - 8);
            closeSockets();
        }
    }

    @Test
    void aBodyStillTricklingInAfterItsDeadlineIsRefused() throws IOException {
        try (TestNode node = TestNode.reserve("hostile-trickle")) {
            node.start(List.of(), "--meshchain.mining.enabled=false");
            Socket socket = halfABody(URI.create(node.url()).getPort());
            socket.setSoTimeout(250);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
                out.write(' '); // one more byte of the body, every half second
                out.flush();
                try {
                    byte[] buffer = new byte[4096];
                    int n = in.read(buffer);
                    if (n > 0) {
                        answer.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                }
                return answer.indexOf("\r\n\r\n") > 0;
            });

            assertThat(answer.toString()).startsWith("HTTP/1.1 408").contains("body-timeout");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Test
    void probesOnTheManagementPortAnswerWhileClientsHoldEveryThreadOfTheMainPort() throws IOException {
        int management = TestNode.freePort();
        try (TestNode node = TestNode.reserve("hostile-probes")) {
            node.start(List.of(), "--meshchain.mining.enabled=false", "--server.tomcat.threads.max=4",
                    "--management.server.port=" + management, "--management.server.address=127.0.0.1");
            int port = URI.create(node.url()).getPort();
            for (int i = 0; i < 8; i++) {
                halfABody(port);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> status(node.url() + "/livez") == -1);
            assertThat(status("http://127.0.0.1:" + management + "/actuator/health/liveness")).isEqualTo(200);
            assertThat(status("http://127.0.0.1:" + management + "/actuator/health/readiness")).isEqualTo(200);
            closeSockets();
        }
    }

    @Test
    void aClientWritingTheRelayHeaderIsAClientAndItsTransactionStillReachesThePeerItNamed() {
        try (TestNode first = TestNode.reserve("hostile-a"); TestNode second = TestNode.reserve("hostile-b")) {
            first.start(List.of(second.url()), "--meshchain.mining.enabled=false");
            second.start(List.of(first.url()), "--meshchain.mining.enabled=false");
            // Relays are recognised once the nodes have exchanged heartbeats, which carry the tokens.
            int[] sent = {0};
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).until(() -> {
                first.post("/transactions", "{\"sender\": \"alice\", \"content\": \"relayed " + sent[0]++ + "\"}");
                return second.counter("meshchain.transactions.accepted", "source:peer") > 0;
            });
            // Every transaction posted in the loop reaches the second node before the count is taken:
            // a relay still on its way would otherwise be counted as the one under test.
            await().atMost(Duration.ofSeconds(10)).until(() -> second.counter("meshchain.transactions.accepted",
                    "source:peer") + second.counter("meshchain.transactions.accepted", "source:client") == sent[0]);
            double fromPeers = second.counter("meshchain.transactions.accepted", "source:peer");

            String id = first.post("/transactions", "{\"sender\": \"alice\", \"content\": \"as if relayed\"}",
                    "X-Meshchain-Relayed-By", second.nodeId()).json().get("id").asString();

            await().atMost(Duration.ofSeconds(10)).until(() -> second.get("/transactions/" + id).status() == 200);
            assertThat(first.counter("meshchain.transactions.accepted", "source:client")).isEqualTo(sent[0] + 1);
            assertThat(first.counter("meshchain.transactions.accepted", "source:peer")).isZero();
            assertThat(second.counter("meshchain.transactions.accepted", "source:peer"))
                    .as("the relay, recognised by its token").isEqualTo(fromPeers + 1);
        }
    }
}
