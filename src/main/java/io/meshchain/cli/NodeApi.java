package io.meshchain.cli;

import java.io.IOException;
import java.io.InputStream;
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

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
