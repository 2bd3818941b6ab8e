package io.meshchain.api;

import io.meshchain.TestProperties;
import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.ledger.LedgerStore;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.system.MeshchainProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

class ChainEventStreamTest {

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);
    private static final List<Block> CHAIN = ChainFixture.extend(GENESIS, 600);
    private static final MeshchainProperties PROPERTIES = TestProperties.of("n1", List.of(), Path.of("peers"), 1);

    private SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ChainEventStream streams = new ChainEventStream(chain(InMemoryLedgerStore.holding(List.of(GENESIS),
            List.of())), JsonMapper.builder().build(), PROPERTIES, meters);
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    /** Writes under way that cannot go on: their client stopped reading. */
    private final AtomicInteger hungWrites = new AtomicInteger();

    @AfterEach
    void stop() {
        clients.forEach(Client::goAway); // hung writes fail, as the web server fails them after its timeout
        streams.stop();
    }

    private static ChainService chain(LedgerStore store) {
        return new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 1000),
                Clock.systemUTC(), event -> { }, store);
    }

    /** Replaces the streams under test with streams of {@code chain}, with the default limits. */
    private ChainEventStream streams(ChainService chain) {
        return streams(chain, PROPERTIES.events());
    }

    /** Replaces the streams under test with streams of {@code chain}, with these limits. */
    private ChainEventStream streams(ChainService chain, MeshchainProperties.Events events) {
        streams.stop();
        MeshchainProperties p = PROPERTIES;
        meters = new SimpleMeterRegistry();
        streams = new ChainEventStream(chain, JsonMapper.builder().build(),
                new MeshchainProperties(p.nodeId(), p.peers(), p.peersFile(), p.discovery(), p.heartbeat(), p.network(),
                        p.mining(), p.block(), p.pool(), p.storage(), p.http(), p.transactions(), events, p.sync()),
                meters);
        return streams;
    }

    /**
     * {@code GET /chain/events} served by {@code streams} as the web server would serve it, each request
     * answered to the {@link Client} it names.
     */
    private static MockMvc server(ChainEventStream streams) {
        Filter toClient = (request, response, chain) -> {
            Client client = (Client) request.getAttribute(Client.class.getName());
            chain.doFilter(request, new HttpServletResponseWrapper((HttpServletResponse) response) {
                @Override
                public ServletOutputStream getOutputStream() {
                    return client;
                }
            });
            client.handedOver();
        };
        return MockMvcBuilders.standaloneSetup(new ChainEventsController(streams))
                .setControllerAdvice(new ProblemDetailsHandler()).addFilters(toClient).build();
    }

    /** What a request for a stream from {@code address} got: the stream (200, open) or a refusal. */
    private MockHttpServletResponse open(MockMvc server, String address, Client client, OptionalLong lastEventId)
            throws Exception {
        MockHttpServletRequestBuilder request = get("/chain/events").accept(MediaType.TEXT_EVENT_STREAM).with(r -> {
            r.setRemoteAddr(address);
            r.setAttribute(Client.class.getName(), client);
            return r;
        });
        lastEventId.ifPresent(id -> request.header(ChainEventsController.LAST_EVENT_ID, id));
        return server.perform(request).andReturn().getResponse();
    }

    private MockHttpServletResponse open(MockMvc server, String address, Client client) throws Exception {
        return open(server, address, client, OptionalLong.empty());
    }

    private Client reading() {
        return client(true);
    }

    private Client notReading() {
        return client(false);
    }

    private Client client(boolean reading) {
        Client client = new Client(reading);
        clients.add(client);
        return client;
    }

    private double openStreams() {
        return meters.get("meshchain.events.streams").gauge().value();
    }

    private double refused(String limit) {
        return meters.get("meshchain.events.refused").tag("reason", limit).counter().count();
    }

    /** {@code store}, counting the blocks its readers hand out. */
    private static LedgerStore countingBlocksRead(LedgerStore store, AtomicInteger read) {
        return (LedgerStore) Proxy.newProxyInstance(LedgerStore.class.getClassLoader(),
                new Class<?>[] {LedgerStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (!(result instanceof ChainReader reader)) {
                        return result;
                    }
                    return new ChainReader() {
                        @Override
                        public ChainTip tip() {
                            return reader.tip();
                        }

                        @Override
                        public List<Block> blocks(long from, int limit) {
                            List<Block> blocks = reader.blocks(from, limit);
                            read.addAndGet(blocks.size());
                            return blocks;
                        }

                        @Override
                        public void close() {
                            reader.close();
                        }
                    };
                });
    }

    /** The ids of the {@code block} events in what a client received, in order. */
    private static List<Long> blockIds(String received) {
        List<Long> ids = new ArrayList<>();
        Matcher event = Pattern.compile("event:block\nid:(\\d+)\n").matcher(received);
        while (event.find()) {
            ids.add(Long.parseLong(event.group(1)));
        }
        return ids;
    }

    /**
     * A client's end of its connection: it reads whatever the node writes, or it stopped reading and
     * the node's writes hang, until it reads on or goes away; once gone, writes fail as they do when
     * the web server gives up on a write or finds the connection closed. What the request's own thread
     * writes goes through, as into the web server's buffer: a stream's first write may be made there.
     */
    private final class Client extends ServletOutputStream {

        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private boolean reading;
        private boolean gone;
        private boolean handedOver;

        Client(boolean reading) {
            this.reading = reading;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            if (handedOver && !reading && !gone) {
                hungWrites.incrementAndGet();
                try {
                    while (!reading && !gone) {
                        wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                } finally {
                    hungWrites.decrementAndGet();
                }
            }
            if (gone) {
                throw new IOException("Connection reset by peer");
            }
            received.write(bytes, offset, length);
        }

        /** The request's thread is done with the response: from now on the node's sender threads write. */
        synchronized void handedOver() {
            handedOver = true;
        }

        synchronized void readOn() {
            reading = true;
            notifyAll();
        }

        synchronized void goAway() {
            gone = true;
            notifyAll();
        }

        synchronized String received() {
            return received.toString(StandardCharsets.UTF_8);
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException("the node writes block streams blocking");
        }
    }

    /** Announces {@link #CHAIN} in changes of 100 blocks, as a catch-up adopts pages. */
    private void announceChain() {
        for (int from = 0; from < CHAIN.size(); from += 100) {
            announce(CHAIN.subList(from, from + 100));
        }
    }

    private void announce(List<Block> added) {
        Block tip = added.get(added.size() - 1);
        streams.chainAdvanced(new ChainAdvanced(new ChainTip(tip.index(), tip.hash(), tip.timestamp(),
                BigInteger.ONE), added, List.of(), ChainAdvanced.Cause.ADOPTED));
    }

    private double held() {
        return meters.get("meshchain.events.held").gauge().value();
    }

    @Test
    void withNoStreamOpenTheRingKeepsOnlyTheLastEventsAndTheLatestChange() {
        announceChain();

        assertThat(held()).isEqualTo(EventRing.IDLE_EVENTS + 100);
    }

    @Test
    void withNoStreamOpenLargeBlocksAreKeptWithinAboutAMebibyte() {
        Block parent = GENESIS;
        for (int i = 0; i < 40; i++) {
            parent = ChainFixture.mine(parent, ChainFixture.txs(200), parent.timestamp() + 1);
            announce(List.of(parent));
        }

        long perBlock = EventRing.estimatedBytes(parent);
        assertThat(held()).isEqualTo(EventRing.IDLE_BYTES / perBlock + 1); // and the latest
    }

    @Test
    void anOpenStreamKeepsEveryEventWithinTheRingsLimits() {
        streams.open(OptionalLong.empty(), "192.0.2.1");

        announceChain();

        assertThat(held()).isEqualTo(CHAIN.size());
    }

    @Test
    void aClientAddressGetsNoMoreStreamsThanItsLimitWhileOtherAddressesAreServed() throws Exception {
        MockMvc server = server(streams);
        int limit = MeshchainProperties.Events.DEFAULT_MAX_STREAMS_PER_ADDRESS;
        List<Client> first = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            first.add(reading());
            assertThat(open(server, "192.0.2.1", first.get(i)).getStatus()).isEqualTo(200);
        }

        Client refused = reading();
        MockHttpServletResponse answer = open(server, "192.0.2.1", refused);
        assertThat(answer.getStatus()).isEqualTo(503);
        assertThat(answer.getHeader("Retry-After")).isEqualTo(ProblemDetailsHandler.STREAMS_RETRY_AFTER_SECONDS);
        assertThat(refused.received()).contains("meshchain.events.max-streams-per-address");
        assertThat(refused("max-streams-per-address")).isEqualTo(1);
        assertThat(open(server, "192.0.2.2", reading()).getStatus()).isEqualTo(200);
        assertThat(openStreams()).isEqualTo(limit + 1);

        // A client of the first address goes away; its stream ends at its next write, the keep-alive.
        first.get(0).goAway();
        streams.keepIdleStreamsAlive(System.nanoTime() + StreamSenders.KEEP_ALIVE.toNanos());
        await().atMost(Duration.ofSeconds(10)).until(() -> openStreams() == limit);
        assertThat(open(server, "192.0.2.1", reading()).getStatus()).isEqualTo(200);
    }

    /**
     * A client that stops reading is cut off once its write has hung for {@link StreamSenders#STALL},
     * but its thread and connection stay until the web server gives up on the write: until then the
     * stream counts against both limits.
     */
    @Test
    void aStreamCutOffForStallingCountsAgainstTheLimitsUntilItsWriteEnds() throws Exception {
        MockMvc server = server(streams(chain(InMemoryLedgerStore.holding(List.of(), List.of())),
                new MeshchainProperties.Events(2, 1)));
        Client stalled = notReading();
        assertThat(open(server, "192.0.2.1", stalled).getStatus()).isEqualTo(200);
        announce(CHAIN.subList(0, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> hungWrites.get() == 1);

        streams.keepIdleStreamsAlive(System.nanoTime() + StreamSenders.STALL.toNanos());
        assertThat(meters.get("meshchain.events.cut.off").tag("reason", "stalled").counter().count()).isEqualTo(1);

        assertThat(open(server, "192.0.2.1", reading()).getStatus()).isEqualTo(503);
        assertThat(refused("max-streams-per-address")).isEqualTo(1);
        assertThat(open(server, "192.0.2.2", reading()).getStatus()).isEqualTo(200);
        assertThat(open(server, "192.0.2.3", reading()).getStatus()).isEqualTo(503);
        assertThat(refused("max-streams")).isEqualTo(1);
        assertThat(openStreams()).isEqualTo(2);

        stalled.goAway(); // the web server fails the hung write
        await().atMost(Duration.ofSeconds(10)).until(() -> openStreams() == 1);
        assertThat(hungWrites.get()).isZero();
        assertThat(open(server, "192.0.2.1", reading()).getStatus()).isEqualTo(200);
    }

    @Test
    void hungWritesHoldNoMoreSenderThreadsThanTheCap() throws Exception {
        MockMvc server = server(streams);
        int stalled = 4 * StreamSenders.MAX_SENDER_THREADS;
        for (int i = 0; i < stalled; i++) {
            assertThat(open(server, "10.0." + i / 250 + "." + i % 250, notReading()).getStatus()).isEqualTo(200);
        }
        announce(CHAIN.subList(0, 1));

        // Every check finds the hung writes a second old, and keeps a thread for each of them besides.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            streams.keepIdleStreamsAlive(System.nanoTime() + StreamSenders.HUNG.toNanos());
            return hungWrites.get() >= StreamSenders.MAX_SENDER_THREADS;
        });
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            streams.keepIdleStreamsAlive(System.nanoTime() + StreamSenders.HUNG.toNanos());
            assertThat(hungWrites.get()).isEqualTo(StreamSenders.MAX_SENDER_THREADS);
        });
    }

    /**
     * A stream that resumes reads the blocks it missed from the ledger one at a time: while a write
     * to a client that stopped reading hangs, the stream holds the block it writes, not a page of the
     * ones after it.
     */
    @Test
    void aResumingStreamHoldsOnlyTheBlockItWritesWhileTheWriteHangs() throws Exception {
        AtomicInteger read = new AtomicInteger();
        LedgerStore store = countingBlocksRead(InMemoryLedgerStore.holding(CHAIN, List.of()), read);
        MockMvc server = server(streams(chain(store)));
        Client client = notReading();
        assertThat(open(server, "192.0.2.1", client, OptionalLong.of(0)).getStatus()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> hungWrites.get() == 1);

        assertThat(read.get()).isEqualTo(blockIds(client.received()).size() + 1);

        client.readOn();
        await().atMost(Duration.ofSeconds(10)).until(() -> blockIds(client.received()).size() == CHAIN.size());
        assertThat(blockIds(client.received())).isEqualTo(CHAIN.stream().map(Block::index).toList());
        assertThat(read.get()).isEqualTo(CHAIN.size());
    }
}
