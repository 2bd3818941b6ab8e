package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a client throws at any endpoint of a running node (arbitrary JSON, random bytes, huge
 * bodies, odd encodings, strange paths and parameters), the answer is 2xx or 4xx, never 5xx, and
 * the node is healthy afterwards.
 */
class EndpointFuzzIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<String> FIELDS = List.of("sender", "content", "timestamp", "index", "previousHash",
            "transactionIds", "proof", "nodeId", "height", "tipHash", "tipTimestamp", "totalWork", "pending", "peers");
    private static final List<String> BODY_PATHS = List.of("/transactions", "/proof", "/heartbeat", "/chain",
            "/chain/blocks/x", "/transactions/x", "/", "/actuator/health");
    private static final List<String> METHODS = List.of("POST", "PUT", "PATCH", "DELETE", "GET");

    private static TestNode node;

    @BeforeContainer
    static void startNode() {
        node = TestNode.reserve("fuzz").start(List.of(), "--meshchain.mining.enabled=false");
    }

    @AfterContainer
    static void stopNode() {
        node.close();
    }

    @AfterProperty
    void nodeIsStillHealthy() {
        NodeClient.Response health = node.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
    }

    private static int send(String method, String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            // A node may close the connection on a body it refused before reading it all.
            if (e.getMessage() != null && e.getMessage().contains("closed")) {
                return 413;
            }
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertNot5xx(int status, String what) {
        assertThat(status).as(what).isBetween(200, 499);
    }

    @Property(tries = 300)
    void arbitraryJsonIsNeverA5xx(@ForAll("methods") String method, @ForAll("bodyPaths") String path,
                                  @ForAll("json") String json) {
        int status = send(method, path, "application/json", HttpRequest.BodyPublishers.ofString(json));
        assertNot5xx(status, method + " " + path + " " + json);
    }

    @Property(tries = 200)
    void randomBytesAreNeverA5xx(@ForAll("bodyPaths") String path, @ForAll("contentTypes") String contentType,
                                 @ForAll byte[] body) {
        int status = send("POST", path, contentType, HttpRequest.BodyPublishers.ofByteArray(body));
        assertNot5xx(status, "POST " + path + " " + contentType + " " + body.length + " bytes");
    }

    @Property(tries = 12)
    void hugeBodiesAreRefusedNotCrashedOn(@ForAll("bodyPaths") String path, @ForAll boolean declaredLength) {
        byte[] huge = new byte[1024 * 1024 + 17];
        Arrays.fill(huge, (byte) 'a');
        huge[0] = '"';
        HttpRequest.BodyPublisher body = declaredLength
                ? HttpRequest.BodyPublishers.ofByteArray(huge)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge));
        assertNot5xx(send("POST", path, "application/json", body), "huge body to " + path);
    }

    @Property(tries = 100)
    void oddEncodingsAreNeverA5xx(@ForAll("charsets") String charset, @ForAll("declaredCharsets") String declared,
                                  @ForAll boolean byteOrderMark) {
        String json = "{\"sender\":\"alice\",\"content\":\"héllo wörld ✓ " + charset + "\"}";
        byte[] encoded = json.getBytes(Charset.forName(charset));
        if (byteOrderMark) {
            byte[] withMark = new byte[encoded.length + 3];
            withMark[0] = (byte) 0xEF;
            withMark[1] = (byte) 0xBB;
            withMark[2] = (byte) 0xBF;
            System.arraycopy(encoded, 0, withMark, 3, encoded.length);
            encoded = withMark;
        }
        String contentType = declared.isEmpty() ? "application/json" : "application/json;charset=" + declared;
        assertNot5xx(send("POST", "/transactions", contentType, HttpRequest.BodyPublishers.ofByteArray(encoded)),
                charset + " declared as " + declared);
    }

    @Property(tries = 200)
    void strangePathsAndParametersAreNeverA5xx(@ForAll("pathTemplates") String template, @ForAll("anyText") String value) {
        String path = template.replace("{}", URLEncoder.encode(value, StandardCharsets.UTF_8));
        assertNot5xx(send("GET", path, null, HttpRequest.BodyPublishers.noBody()), "GET " + path);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of(METHODS);
    }

    @Provide
    Arbitrary<String> bodyPaths() {
        return Arbitraries.of(BODY_PATHS);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "application/json;charset=UTF-8", "application/json;charset=nonsense",
                "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/octet-stream", "application/*", "*/*", "garbage/", ";;;");
    }

    @Provide
    Arbitrary<String> charsets() {
        return Arbitraries.of("UTF-8", "UTF-16", "UTF-16LE", "UTF-32", "ISO-8859-1", "US-ASCII");
    }

    @Provide
    Arbitrary<String> declaredCharsets() {
        return Arbitraries.of("", "UTF-8", "UTF-16", "UTF-32", "ISO-8859-1", "EBCDIC", "x-unknown");
    }

    @Provide
    Arbitrary<String> pathTemplates() {
        return Arbitraries.of("/transactions/{}", "/chain/blocks/{}", "/chain?from={}", "/chain?limit={}",
                "/chain?from=1&limit={}", "/chain?from={}&limit={}", "/proof?{}", "/heartbeat?x={}", "/{}",
                "/actuator/metrics/{}");
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(100),
                Arbitraries.strings().all().ofMaxLength(20),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("-1", "0", "9223372036854775807", "9223372036854775808", "1e9", "NaN", "../..", "%00"));
    }

    @Provide
    Arbitrary<String> json() {
        return jsonValue(3).map(value -> NodeClient.JSON.writeValueAsString(value));
    }

    private Arbitrary<Object> jsonValue(int depth) {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(80).map(Object.class::cast),
                Arbitraries.strings().alpha().numeric().ofMaxLength(40).map(Object.class::cast),
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.integers().between(-5, 5).map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.of(true, false).map(Object.class::cast),
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(Object.class::cast))
                .injectNull(0.1);
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(12));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, scalars),
                net.jqwik.api.Tuple.of(1, jsonValue(depth - 1).list().ofMaxSize(5).map(Object.class::cast)),
                net.jqwik.api.Tuple.of(4, Arbitraries.maps(keys, jsonValue(depth - 1)).ofMaxSize(7).map(Object.class::cast)));
    }
}
