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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Whatever a client throws at any endpoint of a running node (arbitrary JSON, random bytes, huge
 * bodies, odd encodings, strange paths and parameters), the answer is 2xx or 4xx, never 5xx, and
 * the node is healthy afterwards.
 *
 * <p>Each property is a test factory: its cases are dynamic tests, drawn by {@link Fuzz} from the
 * run's seed, or every combination where there are few. A failing case prints the seed and its
 * number; {@code -Dfuzz.seed=<n>} replays the run with the same inputs. {@code @AfterEach} runs once a
 * factory's cases are all done, so the node's health is checked after each property.
 */
class EndpointFuzzIT {

    private static final int JSON_TRIES = 300;
    private static final int RANDOM_BYTES_TRIES = 200;
    private static final int STRANGE_PATH_TRIES = 200;
    /** Over a mebibyte: four times the node's limit on a request body (RequestBodyLimitFilter). */
    private static final int HUGE_BODY_BYTES = 1024 * 1024 + 17;
    /** How deep JSON values nest: objects and arrays within objects and arrays, three levels down. */
    private static final int JSON_DEPTH = 3;
    /** One JSON scalar in this many is null. */
    private static final int JSON_NULL_ODDS = 10;
    private static final int MAX_ARRAY_ELEMENTS = 5;
    private static final int MAX_OBJECT_MEMBERS = 7;
    private static final int MAX_KEY_LENGTH = 12;
    private static final int MAX_JSON_STRING_LENGTH = 80;
    private static final int MAX_WORD_LENGTH = 40;
    private static final int MAX_RANDOM_BODY_BYTES = 255;
    private static final int MAX_TEXT_LENGTH = 100;
    private static final int MAX_ANY_CHARS_LENGTH = 20;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<String> FIELDS = List.of("sender", "content", "timestamp", "index", "previousHash",
            "transactionIds", "proof", "nodeId", "height", "tipHash", "tipTimestamp", "totalWork", "pending", "peers");
    private static final List<String> BODY_PATHS = List.of("/transactions", "/proof", "/heartbeat", "/chain",
            "/chain/blocks/x", "/transactions/x", "/", "/actuator/health");
    private static final List<String> METHODS = List.of("POST", "PUT", "PATCH", "DELETE", "GET");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json;charset=UTF-8",
            "application/json;charset=nonsense", "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/octet-stream", "application/*", "*/*", "garbage/", ";;;");
    private static final List<String> CHARSETS = List.of("UTF-8", "UTF-16", "UTF-16LE", "UTF-32", "ISO-8859-1",
            "US-ASCII");
    /** What the Content-Type claims; empty for no charset parameter. */
    private static final List<String> DECLARED_CHARSETS = List.of("", "UTF-8", "UTF-16", "UTF-32", "ISO-8859-1",
            "EBCDIC", "x-unknown");
    private static final List<String> PATH_TEMPLATES = List.of("/transactions/{}", "/chain/blocks/{}",
            "/chain?from={}", "/chain?limit={}", "/chain?from=1&limit={}", "/chain?from={}&limit={}", "/proof?{}",
            "/heartbeat?x={}", "/{}", "/actuator/health/{}");
    private static final List<String> AWKWARD_VALUES = List.of("-1", "0", "9223372036854775807",
            "9223372036854775808", "1e9", "NaN", "../..", "%00");
    private static final String HEX = "0123456789abcdef";
    /** A SHA-256 hash in hex, as block and transaction ids are. */
    private static final int HASH_HEX_LENGTH = 64;
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static TestNode node;

    @BeforeAll
    static void startNode() {
        node = TestNode.reserve("fuzz").start(List.of(), "--meshchain.mining.enabled=false");
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @AfterEach
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
            // A node closes the connection on a body it refused before reading it all: the client sees it
            // closed, or reset, or its write fail, depending on how much it had sent.
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("closed") || message.contains("reset") || message.contains("broken pipe")) {
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

    @TestFactory
    Stream<DynamicTest> arbitraryJsonIsNeverA5xx() {
        return Fuzz.cases("arbitraryJsonIsNeverA5xx", JSON_TRIES, fuzz -> {
            String method = fuzz.oneOf(METHODS);
            String path = fuzz.oneOf(BODY_PATHS);
            String json = NodeClient.JSON.writeValueAsString(jsonValue(fuzz, JSON_DEPTH));
            int status = send(method, path, "application/json", HttpRequest.BodyPublishers.ofString(json));
            assertNot5xx(status, method + " " + path + " " + json);
        });
    }

    @TestFactory
    Stream<DynamicTest> randomBytesAreNeverA5xx() {
        return Fuzz.cases("randomBytesAreNeverA5xx", RANDOM_BYTES_TRIES, fuzz -> {
            String path = fuzz.oneOf(BODY_PATHS);
            String contentType = fuzz.oneOf(CONTENT_TYPES);
            byte[] body = fuzz.bytes(MAX_RANDOM_BODY_BYTES);
            int status = send("POST", path, contentType, HttpRequest.BodyPublishers.ofByteArray(body));
            assertNot5xx(status, "POST " + path + " " + contentType + " " + Arrays.toString(body));
        });
    }

    /** Every body path, with the length declared and streamed without one: sixteen cases, no need to sample. */
    @TestFactory
    Stream<DynamicTest> hugeBodiesAreRefusedNotCrashedOn() {
        byte[] huge = new byte[HUGE_BODY_BYTES];
        Arrays.fill(huge, (byte) 'a');
        huge[0] = '"';
        Stream<HugeBody> cases = BODY_PATHS.stream()
                .flatMap(path -> Stream.of(new HugeBody(path, true), new HugeBody(path, false)));
        return DynamicTest.stream(cases, HugeBody::toString, hugeBody -> {
            HttpRequest.BodyPublisher body = hugeBody.declaredLength()
                    ? HttpRequest.BodyPublishers.ofByteArray(huge)
                    : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge));
            assertNot5xx(send("POST", hugeBody.path(), "application/json", body), hugeBody.toString());
        });
    }

    private record HugeBody(String path, boolean declaredLength) {

        @Override
        public String toString() {
            return "huge body to " + path + (declaredLength ? " with its length" : " streamed");
        }
    }

    /** Every charset, declared every way, with and without a byte order mark: 84 cases, no need to sample. */
    @TestFactory
    Stream<DynamicTest> oddEncodingsAreNeverA5xx() {
        Stream<OddEncoding> cases = CHARSETS.stream().flatMap(charset -> DECLARED_CHARSETS.stream()
                .flatMap(declared -> Stream.of(new OddEncoding(charset, declared, false),
                        new OddEncoding(charset, declared, true))));
        return DynamicTest.stream(cases, OddEncoding::toString, oddEncoding -> {
            String json = "{\"sender\":\"alice\",\"content\":\"héllo wörld ✓ " + oddEncoding.charset() + "\"}";
            byte[] encoded = json.getBytes(Charset.forName(oddEncoding.charset()));
            if (oddEncoding.byteOrderMark()) {
                byte[] withMark = new byte[encoded.length + 3];
                withMark[0] = (byte) 0xEF;
                withMark[1] = (byte) 0xBB;
                withMark[2] = (byte) 0xBF;
                System.arraycopy(encoded, 0, withMark, 3, encoded.length);
                encoded = withMark;
            }
            String contentType = oddEncoding.declared().isEmpty()
                    ? "application/json" : "application/json;charset=" + oddEncoding.declared();
            assertNot5xx(send("POST", "/transactions", contentType, HttpRequest.BodyPublishers.ofByteArray(encoded)),
                    oddEncoding.toString());
        });
    }

    private record OddEncoding(String charset, String declared, boolean byteOrderMark) {

        @Override
        public String toString() {
            return charset + " declared as " + (declared.isEmpty() ? "nothing" : declared)
                    + (byteOrderMark ? " after a UTF-8 byte order mark" : "");
        }
    }

    @TestFactory
    Stream<DynamicTest> strangePathsAndParametersAreNeverA5xx() {
        return Fuzz.cases("strangePathsAndParametersAreNeverA5xx", STRANGE_PATH_TRIES, fuzz -> {
            String value = URLEncoder.encode(anyText(fuzz), StandardCharsets.UTF_8);
            String path = fuzz.oneOf(PATH_TEMPLATES).replace("{}", value);
            assertNot5xx(send("GET", path, null, HttpRequest.BodyPublishers.noBody()), "GET " + path);
        });
    }

    /** Text, any UTF-16 at all, a number, or one of the values that trip parsers up, equally often. */
    private static String anyText(Fuzz fuzz) {
        return switch (fuzz.between(0, 3)) {
            case 0 -> fuzz.text(MAX_TEXT_LENGTH);
            case 1 -> fuzz.anyChars(MAX_ANY_CHARS_LENGTH);
            case 2 -> String.valueOf(fuzz.anyLong());
            default -> fuzz.oneOf(AWKWARD_VALUES);
        };
    }

    /**
     * A JSON value: at the bottom a scalar; above it a scalar, an array or an object (3 : 1 : 4), whose
     * keys are the API's field names or any text, so that some bodies come close to valid ones.
     */
    private static Object jsonValue(Fuzz fuzz, int depth) {
        int kind = depth == 0 ? 0 : fuzz.between(0, 7);
        if (kind < 3) {
            return jsonScalar(fuzz);
        }
        if (kind == 3) {
            List<Object> array = new ArrayList<>();
            for (int i = fuzz.length(MAX_ARRAY_ELEMENTS); i > 0; i--) {
                array.add(jsonValue(fuzz, depth - 1));
            }
            return array;
        }
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = fuzz.length(MAX_OBJECT_MEMBERS); i > 0; i--) {
            String key = fuzz.nextBoolean() ? fuzz.oneOf(FIELDS) : fuzz.text(MAX_KEY_LENGTH);
            object.put(key, jsonValue(fuzz, depth - 1));
        }
        return object;
    }

    /** Null one time in ten; else any text, a word, a long, a small int, a double, a boolean, or a hash. */
    private static Object jsonScalar(Fuzz fuzz) {
        if (fuzz.oneIn(JSON_NULL_ODDS)) {
            return null;
        }
        return switch (fuzz.between(0, 6)) {
            case 0 -> fuzz.anyChars(MAX_JSON_STRING_LENGTH);
            case 1 -> fuzz.of(ALPHANUMERIC, 0, MAX_WORD_LENGTH);
            case 2 -> fuzz.anyLong();
            case 3 -> fuzz.between(-5, 5);
            case 4 -> fuzz.anyDouble();
            case 5 -> fuzz.nextBoolean();
            default -> fuzz.of(HEX, HASH_HEX_LENGTH, HASH_HEX_LENGTH);
        };
    }
}
