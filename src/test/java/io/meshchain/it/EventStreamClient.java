package io.meshchain.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * A client of {@code GET /chain/events}, as a browser's EventSource is: it reads events as they come,
 * and when asked to, reconnects after the stream ends with {@code Last-Event-ID} set to the last id it
 * received. It keeps the chain the events describe ({@link #hashes()}): a block must follow the one
 * before it, and a reorg drops the blocks above its fork; anything else is recorded as a
 * {@link #violations() violation}. It keeps the events too ({@link #events()}), unless it was opened
 * with a listener, which is then handed each event as it comes instead.
 */
final class EventStreamClient implements AutoCloseable {

    record Event(String name, long id, JsonNode data, long receivedNanos) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String nodeUrl;
    private final boolean reconnect;
    /** Takes each event on the reader thread; null to keep the events instead. */
    private final Consumer<Event> listener;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread reader;
    /** The chain as the events describe it: hashes by height, from the first block received. */
    private final List<String> hashes = new ArrayList<>();
    private long firstHeight = -1;
    private volatile long lastId;
    private volatile InputStream body;
    private volatile boolean closed;
    private volatile boolean ended;

    private EventStreamClient(String nodeUrl, long lastEventId, boolean reconnect, Consumer<Event> listener) {
        this.nodeUrl = nodeUrl;
        this.lastId = lastEventId;
        this.reconnect = reconnect;
        this.listener = listener;
        this.reader = new Thread(this::readWhileOpen, "event-stream-client");
        this.reader.setDaemon(true);
    }

    /** Opens a stream; {@code lastEventId} below 0 sends no Last-Event-ID. */
    static EventStreamClient open(String nodeUrl, long lastEventId, boolean reconnect) {
        return open(nodeUrl, lastEventId, reconnect, null);
    }

    /**
     * Opens a stream whose events go to {@code listener} (on the client's one reader thread, in order)
     * rather than being kept; null keeps them.
     */
    static EventStreamClient open(String nodeUrl, long lastEventId, boolean reconnect, Consumer<Event> listener) {
        EventStreamClient client = new EventStreamClient(nodeUrl, lastEventId, reconnect, listener);
        client.reader.start();
        return client;
    }

    private void readWhileOpen() {
        do {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(nodeUrl + "/chain/events"))
                        .header("Accept", "text/event-stream");
                if (lastId >= 0) {
                    request.header("Last-Event-ID", Long.toString(lastId));
                }
                HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                body = response.body();
                if (response.statusCode() == 200) {
                    connections.incrementAndGet();
                    read(body);
                } else {
                    body.close();
                }
            } catch (IOException e) {
                // the stream ended or could not be opened; reconnect below, as EventSource does
            } catch (InterruptedException e) {
                return;
            }
            if (reconnect && !closed) {
                try {
                    Thread.sleep(100); // EventSource's retry delay, shortened
                } catch (InterruptedException e) {
                    return;
                }
            }
        } while (reconnect && !closed);
        ended = true;
    }

    private void read(InputStream in) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String name = "message";
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    dispatch(name, id, data.toString());
                }
                name = "message";
                id = null;
                data.setLength(0);
            } else if (line.startsWith(":")) {
                comments.incrementAndGet();
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).replaceFirst("^ ", ""));
            }
        }
    }

    private void dispatch(String name, String id, String data) {
        JsonNode json = NodeClient.JSON.readTree(data);
        long eventId = Long.parseLong(id);
        Event event = new Event(name, eventId, json, System.nanoTime());
        if (listener != null) {
            listener.accept(event);
        } else {
            events.add(event);
        }
        lastId = eventId;
        synchronized (hashes) {
            if (name.equals("block")) {
                long index = json.get("index").asLong();
                if (firstHeight < 0) {
                    firstHeight = index;
                } else if (index != firstHeight + hashes.size()) {
                    violations.add("block " + index + " after block " + (firstHeight + hashes.size() - 1));
                } else if (!json.get("previousHash").asString().equals(hashes.get(hashes.size() - 1))) {
                    violations.add("block " + index + " does not link to the block before it");
                }
                if (index != eventId) {
                    violations.add("block " + index + " has id " + eventId);
                }
                hashes.add(json.get("hash").asString());
            } else if (name.equals("reorg")) {
                long fork = json.get("forkIndex").asLong();
                if (fork != eventId) {
                    violations.add("reorg at " + fork + " has id " + eventId);
                }
                int keep = (int) Math.max(0, Math.min(hashes.size(), fork - firstHeight + 1));
                List<String> dropped = new ArrayList<>(hashes.subList(keep, hashes.size()));
                List<String> removed = new ArrayList<>();
                json.get("removed").forEach(hash -> removed.add(hash.asString()));
                if (!removed.isEmpty() && !removed.equals(dropped)) {
                    violations.add("reorg at " + fork + " removes " + removed + " but the client had " + dropped);
                }
                hashes.subList(keep, hashes.size()).clear();
                if (hashes.isEmpty()) {
                    firstHeight = -1; // the next block starts the chain the client knows again
                }
            }
        }
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** Indexes of the block events received, in order. */
    List<Long> blockIndexes() {
        return events.stream().filter(e -> e.name().equals("block")).map(e -> e.data().get("index").asLong()).toList();
    }

    /** The chain the events describe, by height from {@link #firstHeight()}. */
    List<String> hashes() {
        synchronized (hashes) {
            return List.copyOf(hashes);
        }
    }

    long firstHeight() {
        synchronized (hashes) {
            return firstHeight;
        }
    }

    /** The height of the last block the events describe; -1 before any. */
    long height() {
        synchronized (hashes) {
            return firstHeight < 0 ? -1 : firstHeight + hashes.size() - 1;
        }
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    int comments() {
        return comments.get();
    }

    int connections() {
        return connections.get();
    }

    /** True once the client stopped reading: its stream ended and it does not reconnect, or it was closed. */
    boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        reader.interrupt();
    }
}
