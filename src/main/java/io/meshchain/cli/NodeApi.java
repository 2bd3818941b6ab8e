package io.meshchain.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;

/**
 * The few calls the client makes to a node, over its HTTP API. It uses {@link HttpURLConnection},
 * which is ready at once, where the newer HTTP client takes a noticeable part of a second to start.
 */
final class NodeApi {

    /** Longest wait for a node to accept a connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Longest wait for a node's answer. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** Longest silence on a block stream before it counts as broken: the node comments every 15 s at most. */
    static final Duration STREAM_READ_TIMEOUT = Duration.ofSeconds(45);

    /** The node could not be reached, or answered what is not JSON. */
    static final class NodeException extends Exception {
        NodeException(String message) {
            super(message);
        }
    }

    /**
     * A node's answer.
     *
     * @param status the HTTP status
     * @param body   the JSON body
     */
    record Answer(int status, Json body) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem detail's {@code detail}, or the status when there is none. */
        String problem() {
            String detail = body.get("detail").text();
            return detail != null ? detail : "HTTP " + status;
        }
    }

    private final URI node;

    NodeApi(URI node) {
        this.node = node;
    }

    URI node() {
        return node;
    }

    Answer submit(String sender, String content) throws NodeException {
        Map<String, Object> transaction = new LinkedHashMap<>();
        transaction.put("sender", sender);
        transaction.put("content", content);
        return send("POST", "/transactions", Json.object(transaction));
    }

    /** Submits a signed transaction: its fields, its timestamp, its key and signature (base64url). */
    Answer submitSigned(String sender, String content, long timestamp, String publicKey, String signature)
            throws NodeException {
        Map<String, Object> transaction = new LinkedHashMap<>();
        transaction.put("sender", sender);
        transaction.put("content", content);
        transaction.put("timestamp", timestamp);
        transaction.put("publicKey", publicKey);
        transaction.put("signature", signature);
        return send("POST", "/transactions", Json.object(transaction));
    }

    Answer transaction(String id) throws NodeException {
        return get("/transactions/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    Answer get(String path) throws NodeException {
        return send("GET", path, null);
    }

    private Answer send(String method, String path, String body) throws NodeException {
        URI uri = URI.create(node.toString().replaceAll("/+$", "") + path);
        String text;
        int status;
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
            connection.setRequestMethod(method);
            connection.setRequestProperty("Accept", "application/json, application/problem+json");
            if (body != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                }
            }
            status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            throw new NodeException("cannot reach the node at " + node + " (" + describe(e) + ")");
        }
        try {
            return new Answer(status, Json.parse(text));
        } catch (JacksonException | IllegalArgumentException e) {
            throw new NodeException(node + " answered HTTP " + status + " with something that is not JSON;"
                    + " is it a meshchain node?");
        }
    }

    /** An event of {@code GET /chain/events}: its name ({@code block}, {@code reorg}), id and data. */
    record Event(String name, long id, Json data) {
    }

    /** Receives the events of a stream as they come; true to go on reading, false to stop. */
    @FunctionalInterface
    interface EventHandler {
        boolean handle(Event event);
    }

    /**
     * Reads {@code GET /chain/events} until the stream ends, the node goes quiet for longer than
     * {@link #STREAM_READ_TIMEOUT} (it writes a comment at least every 15 s), or {@code handler} says
     * to stop. With {@code lastEventId} 0 or more, the blocks after that index come first.
     *
     * @return how the stream ended
     * @throws NodeException when the node answers with an error other than {@code 503}: retrying will not help
     */
    StreamEnd events(long lastEventId, EventHandler handler) throws NodeException {
        HttpURLConnection connection;
        int status;
        try {
            connection = (HttpURLConnection) URI.create(node.toString().replaceAll("/+$", "") + "/chain/events")
                    .toURL().openConnection();
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) STREAM_READ_TIMEOUT.toMillis());
            connection.setRequestProperty("Accept", "text/event-stream, application/problem+json");
            if (lastEventId >= 0) {
                connection.setRequestProperty("Last-Event-ID", Long.toString(lastEventId));
            }
            status = connection.getResponseCode();
        } catch (IOException | IllegalArgumentException e) {
            return StreamEnd.UNREACHABLE;
        }
        if (status == 503) {
            connection.disconnect();
            return StreamEnd.REFUSED;
        }
        if (status != 200) {
            InputStream error = connection.getErrorStream();
            String problem;
            try {
                problem = error == null ? "" : new String(error.readAllBytes(), StandardCharsets.UTF_8);
                problem = new Answer(status, Json.parse(problem)).problem();
            } catch (IOException | JacksonException | IllegalArgumentException e) {
                problem = "HTTP " + status;
            }
            throw new NodeException("the node refused the block stream: " + problem);
        }
        boolean heard = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.UTF_8))) {
            String name = null;
            long id = -1;
            StringBuilder data = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                heard = true;
                if (line.isEmpty()) {
                    if (data.length() > 0 && !handler.handle(new Event(name, id, Json.parse(data.toString())))) {
                        return StreamEnd.STOPPED;
                    }
                    name = null;
                    id = -1;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).strip());
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).replaceFirst("^ ", ""));
                }
                // a line starting with ':' is a comment that keeps the stream alive
            }
        } catch (IOException | JacksonException | IllegalArgumentException e) {
            return heard ? StreamEnd.BROKE : StreamEnd.UNREACHABLE;
        } finally {
            connection.disconnect();
        }
        return heard ? StreamEnd.BROKE : StreamEnd.UNREACHABLE;
    }

    /** How a block stream ended. */
    enum StreamEnd {
        /** The handler had what it wanted. */
        STOPPED,
        /** The stream was open and the node wrote to it, then it ended or went quiet: the node stopped, or cut this client off. */
        BROKE,
        /** The node serves as many streams as it allows ({@code 503}). */
        REFUSED,
        /** No stream could be opened, or it ended before the node wrote anything: the node is not there. */
        UNREACHABLE
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
