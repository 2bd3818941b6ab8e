package io.meshchain.network;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.MeshchainProperties;
import io.meshchain.wire.RelayHeader;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every call this node makes to a peer. Calls have connect and read timeouts, and answers are read
 * with a size limit, so a slow, dead or hostile peer costs at most a bounded wait and buffer.
 */
@Component
class PeerClient {

    /** Largest heartbeat answer accepted: a summary is a few hundred bytes, plus the peer list. */
    static final int MAX_SUMMARY_BYTES = 64 * 1024;
    /**
     * Largest chain page accepted: a few of the largest blocks the rules allow (1,000 transactions of
     * about 600 bytes of JSON each), and sixteen times the bytes sync asks a page to hold
     * ({@link PeerPages#PAGE_BYTES}). A larger answer is asked for again with fewer blocks.
     */
    static final int MAX_PAGE_BYTES = 4 * 1024 * 1024;
    /** Bytes read from a peer at a time. */
    static final int READ_CHUNK_BYTES = 16 * 1024;

    /** Longest an answer may take to arrive in full, in read timeouts: a trickle is cut off. */
    static final int RESPONSE_DEADLINE_READ_TIMEOUTS = 5;

    private final RestClient rest;
    private final JsonMapper json;
    private final Validator validator;
    private final long responseDeadlineNanos;

    /**
     * Why a call to a node's base URL must not be made, checked before every call: no node is ever
     * called at a forbidden address, and an address learned from a stranger is judged again by the
     * whole {@link AddressPolicy} (its name may resolve elsewhere since it was learned).
     */
    @FunctionalInterface
    interface CallGuard {
        Optional<String> refusal(URI baseUrl);
    }

    PeerClient(RestClient.Builder builder, JsonMapper json, Validator validator, MeshchainProperties properties,
               CallGuard guard) {
        // A redirect is never followed: it would take a call to an address no check has seen.
        SimpleClientHttpRequestFactory requestFactory = new SimpleClientHttpRequestFactory() {
            @Override
            protected void prepareConnection(HttpURLConnection connection, String httpMethod) throws IOException {
                super.prepareConnection(connection, httpMethod);
                connection.setInstanceFollowRedirects(false);
            }
        };
        requestFactory.setConnectTimeout(properties.network().connectTimeout());
        requestFactory.setReadTimeout(properties.network().readTimeout());
        this.rest = builder.clone().requestFactory(requestFactory).requestInterceptor((request, body, execution) -> {
            URI url = request.getURI();
            URI base = URI.create(url.getScheme() + "://" + url.getRawAuthority());
            Optional<String> refusal = guard.refusal(base);
            if (refusal.isPresent()) {
                throw new PeerException(base + " is " + refusal.get() + ": never called");
            }
            return execution.execute(request, body);
        }).build();
        this.json = json;
        this.validator = validator;
        this.responseDeadlineNanos = properties.network().readTimeout().multipliedBy(RESPONSE_DEADLINE_READ_TIMEOUTS)
                .toNanos();
    }

    /**
     * {@code POST /heartbeat}: sends this node's summary, the token the peer is to relay to it with, and
     * the token the peer gave this node when it has given one, which shows the peer the heartbeat is
     * this node's ({@link RelayTokens}); returns the peer's summary.
     */
    NodeSummary heartbeat(Peer peer, NodeSummary mine, String relayToken, Optional<String> peerToken) {
        NodeSummary answer = rest.post().uri(peer.url() + "/heartbeat")
                .contentType(MediaType.APPLICATION_JSON)
                .header(RelayHeader.TOKEN, relayToken)
                .header(RelayHeader.SUMMARY_VERSION, RelayHeader.SUMMARY_VERSION_READ)
                .headers(headers -> peerToken.ifPresent(token -> headers.set(RelayHeader.PEER_TOKEN, token)))
                .body(mine)
                .exchange((request, response) -> read(response, NodeSummary.class, MAX_SUMMARY_BYTES));
        Set<ConstraintViolation<NodeSummary>> violations = validator.validate(answer);
        if (!violations.isEmpty()) {
            ConstraintViolation<NodeSummary> first = violations.iterator().next();
            throw new PeerException(PeerException.MALFORMED, "answered a heartbeat summary whose "
                    + first.getPropertyPath() + " " + first.getMessage());
        }
        return answer;
    }

    /** {@code GET /chain?from=&limit=}: a page of the peer's chain, and how many bytes it took. */
    FetchedPage blocks(Peer peer, long from, int limit) {
        FetchedPage fetched = rest.get().uri(peer.url() + "/chain?from={from}&limit={limit}", from, limit)
                .exchange((request, response) -> {
                    try (LimitedBody body = body(response, MAX_PAGE_BYTES)) {
                        return new FetchedPage(parse(body, ChainPage.class), body.bytesRead());
                    }
                });
        if (fetched.page().totalWork() == null) {
            throw new PeerException(PeerException.MALFORMED, "answered a chain page without totalWork");
        }
        return fetched;
    }

    /**
     * A page of a peer's chain as it arrived.
     *
     * @param page  the page
     * @param bytes the size of the answer's body: what holding these blocks costs, roughly
     */
    record FetchedPage(ChainPage page, int bytes) {
    }

    /**
     * {@code POST /transactions} with the relay headers ({@link RelayHeaders}).
     */
    void relay(Peer peer, TransactionAccepted transaction, RelayHeaders headers) {
        post(peer, "/transactions", RelayedTransaction.of(transaction), headers, "a relayed transaction");
    }

    /**
     * {@code POST /transactions/batch} with the relay headers: many transactions in one call, made
     * durable at the peer with one flush. What the peer refused in it is its own business.
     */
    void relayBatch(Peer peer, List<TransactionAccepted> transactions, RelayHeaders headers) {
        post(peer, "/transactions/batch", transactions.stream().map(RelayedTransaction::of).toList(), headers,
                "a batch of " + transactions.size() + " relayed transactions");
    }

    /**
     * What a relay says besides its transactions.
     *
     * @param selfNodeId this node's id ({@link RelayHeader#NAME})
     * @param token      the token the peer gave this node ({@link RelayHeader#TOKEN}); absent until the
     *                   peer's first heartbeat here, and the relay then counts as a client's submission
     * @param alsoSentTo the node ids this node relays the same transactions to ({@link RelayHeader#RELAYED_TO})
     */
    record RelayHeaders(String selfNodeId, Optional<String> token, Set<String> alsoSentTo) {
    }

    private void post(Peer peer, String path, Object body, RelayHeaders relay, String what) {
        rest.post().uri(peer.url() + path)
                .contentType(MediaType.APPLICATION_JSON)
                .header(RelayHeader.NAME, relay.selfNodeId())
                .headers(headers -> {
                    relay.token().ifPresent(value -> headers.set(RelayHeader.TOKEN, value));
                    if (!relay.alsoSentTo().isEmpty()) {
                        headers.set(RelayHeader.RELAYED_TO, String.join(",", relay.alsoSentTo()));
                    }
                })
                .body(body)
                .exchange((request, response) -> {
                    if (!response.getStatusCode().is2xxSuccessful()) {
                        throw new PeerException("refused " + what + " with HTTP " + response.getStatusCode().value());
                    }
                    return null;
                });
    }

    /** Reads at most {@code maxBytes}, within the response deadline, as one JSON value of {@code type}. */
    private <T> T read(ClientHttpResponse response, Class<T> type, int maxBytes) throws IOException {
        try (LimitedBody body = body(response, maxBytes)) {
            return parse(body, type);
        }
    }

    /** The body of a successful answer, to be parsed as it arrives: at most {@code maxBytes}, within the deadline. */
    private LimitedBody body(ClientHttpResponse response, int maxBytes) throws IOException {
        if (!response.getStatusCode().is2xxSuccessful()) {
            throw new PeerException("answered HTTP " + response.getStatusCode().value());
        }
        return new LimitedBody(response.getBody(), maxBytes, System.nanoTime() + responseDeadlineNanos);
    }

    /**
     * A peer's answer read through a limit: it fails once more than {@code maxBytes} arrived, or when
     * the answer is still arriving at the deadline. The parser reads it in its own small buffers, so
     * no copy of a large answer is made.
     */
    private static final class LimitedBody extends FilterInputStream {

        private final int maxBytes;
        private final long deadline;
        private int bytesRead;

        LimitedBody(InputStream in, int maxBytes, long deadline) {
            super(in);
            this.maxBytes = maxBytes;
            this.deadline = deadline;
        }

        int bytesRead() {
            return bytesRead;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, Math.min(length, READ_CHUNK_BYTES));
            if (n > 0) {
                bytesRead += n;
            }
            if (bytesRead > maxBytes) {
                throw new PeerException(PeerException.TOO_LARGE, "answered more than " + maxBytes + " bytes");
            }
            if (System.nanoTime() > deadline) {
                throw new PeerException(PeerException.TOO_SLOW, "took longer than " + RESPONSE_DEADLINE_READ_TIMEOUTS
                        + " read timeouts to answer");
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return read(new byte[(int) Math.min(n, READ_CHUNK_BYTES)]);
        }
    }

    private <T> T parse(InputStream body, Class<T> type) {
        T value;
        try {
            value = json.readValue(body, type);
        } catch (JacksonException e) {
            if (e.getCause() instanceof PeerException limit) {
                throw limit; // the answer broke a limit while it was parsed: too large or too slow
            }
            throw new PeerException(PeerException.MALFORMED, "answered what is not a valid "
                    + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
        if (value == null) {
            throw new PeerException(PeerException.MALFORMED, "answered JSON null");
        }
        return value;
    }

    /**
     * The submission fields of a transaction, its key and signature when signed (left out when not, as
     * a node without signed transactions expects), and from which block cutoff this node lets a block
     * take it, so that every node holds the same; the receiver recomputes the id and verifies.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RelayedTransaction(String sender, String content, long timestamp, String publicKey, String signature,
                              long eligibleFrom) {

        static RelayedTransaction of(TransactionAccepted accepted) {
            Transaction transaction = accepted.transaction();
            return new RelayedTransaction(transaction.sender(), transaction.content(), transaction.timestamp(),
                    transaction.publicKey(), transaction.signature(), accepted.eligibleFrom());
        }
    }
}
