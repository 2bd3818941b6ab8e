package io.meshchain.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A node as a client sees it: its HTTP API only, the way users and peers reach it. */
public class NodeClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String nodeId;
    private final String url;

    NodeClient(String nodeId, String url) {
        this.nodeId = nodeId;
        this.url = url;
    }

    public String nodeId() {
        return nodeId;
    }

    public String url() {
        return url;
    }

    /** Submits a transaction and returns its id; fails unless the node answers 201. */
    public String submit(String sender, String content) {
        Response response = post("/transactions", "{\"sender\":\"" + sender + "\",\"content\":\"" + content + "\"}");
        if (response.status() != 201) {
            throw new AssertionError("expected 201 from " + nodeId + ", got " + response);
        }
        return response.json().get("id").asString();
    }

    public JsonNode summary() {
        return get("/heartbeat").json();
    }

    public String tipHash() {
        return summary().get("tipHash").asString();
    }

    public long height() {
        return summary().get("height").asLong();
    }

    /** The transaction's status on this node: pending, confirmed, or unknown when the node answers 404. */
    public String status(String transactionId) {
        Response response = get("/transactions/" + transactionId);
        return response.status() == 404 ? "unknown" : response.json().get("status").asString();
    }

    /** The whole chain, as {@code GET /chain} serves it. */
    public JsonNode chain() {
        return get("/chain").json();
    }

    /** Every transaction id in this node's chain, in chain order. */
    public List<String> chainTransactionIds() {
        List<String> ids = new ArrayList<>();
        for (JsonNode block : chain().get("blocks")) {
            for (JsonNode tx : block.get("transactions")) {
                ids.add(tx.get("id").asString());
            }
        }
        return ids;
    }

    /**
     * Value of a counter ({@code meshchain.blocks.rejected}) as {@code /actuator/prometheus} shows it, summed over
     * its series that carry {@code tag} ({@code rule:proof-of-work}) when one is given; 0 when there is no such
     * series (yet).
     */
    public double counter(String name, String tag) {
        String series = name.replace('.', '_') + "_total";
        String[] nameAndValue = tag == null ? null : tag.split(":", 2);
        Pattern label = tag == null ? null
                : Pattern.compile("[{,]" + Pattern.quote(nameAndValue[0] + "=\"" + nameAndValue[1] + "\"") + "[,}]");
        double sum = 0;
        for (String line : get("/actuator/prometheus").body().split("\n")) {
            boolean ofSeries = line.startsWith(series + "{") || line.startsWith(series + " ");
            if (ofSeries && (label == null || label.matcher(line).find())) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET(), DEFAULT_TIMEOUT);
    }

    public Response post(String path, String json) {
        return post(path, json, DEFAULT_TIMEOUT);
    }

    public Response post(String path, String json, Duration timeout) {
        return send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), timeout);
    }

    /** A POST with one more header, as a client may write any. */
    public Response post(String path, String json, String header, String value) {
        return send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(json)), DEFAULT_TIMEOUT);
    }

    private static Response send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP answer. */
    public record Response(int status, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }
}
