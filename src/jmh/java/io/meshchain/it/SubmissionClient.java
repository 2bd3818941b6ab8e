package io.meshchain.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * A load client for {@code POST /transactions} that holds a pool of connections to each node, as an
 * application server's client would: at most {@code connections} submissions under way per node,
 * each a blocking request on one of the pool's threads over a kept-alive connection. A submission
 * that finds every connection to its node taken waits for one.
 * <p>
 * The load shares the machine with the nodes it measures, so what it costs matters: blocking
 * requests over {@link HttpURLConnection} took about 110 µs of CPU per submission in one session,
 * where the asynchronous {@code java.net.http} client the benchmark used before took about 250 µs,
 * two fifths of it in the kernel (BENCHMARKS.md, "Network throughput").
 */
final class SubmissionClient implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final List<URL> endpoints;
    private final ExecutorService[] pools;
    private final Semaphore[] free;

    SubmissionClient(List<String> nodeUrls, int connections) {
        // HttpURLConnection keeps this many idle connections to one address (5 unless set): the pool.
        System.setProperty("http.maxConnections", Integer.toString(connections));
        this.endpoints = nodeUrls.stream().map(url -> {
            try {
                return URI.create(url + "/transactions").toURL();
            } catch (IOException e) {
                throw new IllegalArgumentException(url, e);
            }
        }).toList();
        this.pools = new ExecutorService[nodeUrls.size()];
        this.free = new Semaphore[nodeUrls.size()];
        for (int i = 0; i < pools.length; i++) {
            CustomizableThreadFactory threads = new CustomizableThreadFactory("submit-n" + (i + 1) + "-");
            threads.setDaemon(true);
            pools[i] = Executors.newFixedThreadPool(connections, threads);
            free[i] = new Semaphore(connections);
        }
    }

    /**
     * Posts the transaction (JSON) to node {@code node} once one of its connections is free, waiting
     * until then. The answer's status completes the future; a failure to connect or read, its error.
     */
    CompletableFuture<Integer> submit(int node, String json) {
        free[node].acquireUninterruptibly();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        pools[node].execute(() -> {
            try {
                int answer = post(endpoints.get(node), json.getBytes(StandardCharsets.UTF_8));
                free[node].release();
                status.complete(answer);
            } catch (IOException | RuntimeException e) {
                free[node].release();
                status.completeExceptionally(e);
            }
        });
        return status;
    }

    private static int post(URL endpoint, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) endpoint.openConnection();
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
        connection.setRequestMethod("POST");
        connection.setRequestProperty("Content-Type", "application/json");
        // Without it, HttpURLConnection asks for "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2".
        connection.setRequestProperty("Accept", "application/json");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        // Reading the answer to its end is what returns the connection to the pool.
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        return status;
    }

    @Override
    public void close() {
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
    }
}
