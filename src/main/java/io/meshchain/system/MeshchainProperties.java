package io.meshchain.system;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of a node, under {@code meshchain.*}. The defaults live in {@code application.yml}.
 * Values are checked at start-up: a bad one stops the node with a message naming the property.
 *
 * @param nodeId    this node's name, unique in its network; peers match heartbeats to it
 * @param peers     base URLs of the other nodes, e.g. {@code http://127.0.0.1:8081}
 * @param peersFile the seed system's config file: a count, then one {@code <peer-id> <port>} line per peer
 * @param discovery peers found by DNS, e.g. a Kubernetes headless Service
 * @param heartbeat the heartbeat schedule
 * @param network   timeouts of every call to a peer
 * @param mining    the miner
 * @param block     what goes into a block
 * @param pool      the pending pool
 * @param storage   where and how the ledger is kept on disk
 * @param http      what the node's HTTP server answers
 * @param transactions what transactions the network takes
 * @param events    the block stream, {@code GET /chain/events}
 * @param sync      how this node follows its peers' chains
 */
@ConfigurationProperties("meshchain")
@Validated
public record MeshchainProperties(
        @NotNull @Pattern(regexp = NODE_ID_PATTERN, message = "must be 1 to 64 letters, digits, '.', '_' or '-'")
        String nodeId,
        List<@NotNull URI> peers,
        Path peersFile,
        @Valid Discovery discovery,
        @NotNull @Valid Heartbeat heartbeat,
        @NotNull @Valid Network network,
        @NotNull @Valid Mining mining,
        @NotNull @Valid Block block,
        @NotNull @Valid Pool pool,
        @NotNull @Valid Storage storage,
        @Valid Http http,
        @Valid Transactions transactions,
        @Valid Events events,
        @Valid Sync sync) {

    /** What a node id may look like: it appears in headers, logs and metric labels. */
    public static final String NODE_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

    /**
     * An entry of {@code meshchain.http.allowed-hosts}: a host name; a name with a leading dot, for
     * that domain and every name under it; or {@code *}, for any name.
     */
    private static final String ALLOWED_HOST_PATTERN = "\\*|\\.?" + LABEL + "(?:\\." + LABEL + ")*";

    public MeshchainProperties {
        peers = peers == null ? List.of() : List.copyOf(peers);
        discovery = discovery == null ? new Discovery(null) : discovery;
        http = http == null ? new Http(List.of()) : http;
        transactions = transactions == null || transactions.signatures() == null
                ? new Transactions(SignaturePolicy.OPTIONAL) : transactions;
        events = events == null
                ? new Events(Events.DEFAULT_MAX_STREAMS, Events.DEFAULT_MAX_STREAMS_PER_ADDRESS) : events;
        sync = sync == null ? new Sync(Sync.DEFAULT_MAX_REORG_DEPTH, Sync.DEFAULT_SET_ASIDE) : sync;
    }

    /** Whether a network takes unsigned transactions. */
    public enum SignaturePolicy {
        /** Signed and unsigned alike; a name a signed transaction bound takes only its key's (the default). */
        OPTIONAL,
        /** Signed transactions only. */
        REQUIRED
    }

    /**
     * @param signatures whether every transaction must be signed; a network setting, the same on every
     *                   node, since a block with an unsigned transaction is invalid where they must be
     */
    public record Transactions(SignaturePolicy signatures) {
    }

    /**
     * @param maxStreams           block streams open at once; beyond them a new one gets 503 with Retry-After
     * @param maxStreamsPerAddress block streams open at once from one client address; beyond them a new
     *                             one from that address gets 503 with Retry-After, so one client cannot
     *                             take every stream. Clients behind one proxy or NAT share an address.
     */
    public record Events(@Min(1) @Max(100_000) int maxStreams, @Min(1) @Max(100_000) int maxStreamsPerAddress) {

        /** What the node holds within the image's heap, measured (BENCHMARKS.md). */
        public static final int DEFAULT_MAX_STREAMS = 1000;
        /**
         * A machine running a few explorer pages and the CLI's {@code watch} needs a handful; 16 leaves
         * room for that. One address then holds at most 16 of the 1,000 streams, and its clients, if
         * they stop reading, at most 16 of the 64 sender threads.
         */
        public static final int DEFAULT_MAX_STREAMS_PER_ADDRESS = 16;
    }

    /**
     * @param maxReorgDepth deepest reorganisation this node makes: a better chain that forks further below
     *                      its tip is not followed, and the node says so (health, metrics) for an operator
     *                      to settle
     * @param setAside      how long a peer that served invalid blocks, lied about its chain or answered
     *                      what is not the protocol is not synced from, nor its height believed
     */
    public record Sync(@Min(1) @Max(10_000_000) int maxReorgDepth,
                       @NotNull @DurationMin(seconds = 1) Duration setAside) {

        /**
         * The default deepest reorganisation. It bounds what a switch reads, writes and returns to the
         * pool (10,000 blocks of 5 transactions: 50,000 transactions), and what a peer can make this node
         * fetch to find out.
         */
        public static final int DEFAULT_MAX_REORG_DEPTH = 10_000;
        /** How long a misbehaving peer is set aside unless the settings say otherwise. */
        public static final Duration DEFAULT_SET_ASIDE = Duration.ofMinutes(10);
    }

    /**
     * @param dns a name whose addresses are the peers, resolved again at every heartbeat (a
     *            Kubernetes headless Service); empty for none
     */
    public record Discovery(String dns) {
    }

    /** @param interval time between two heartbeats to all peers (the seed's 5 s) */
    public record Heartbeat(@NotNull @DurationMin(millis = 10) Duration interval) {
    }

    /**
     * @param connectTimeout longest wait to open a connection to a peer
     * @param readTimeout    longest wait for a peer's answer, between any two reads
     */
    public record Network(@NotNull @DurationMin(millis = 1) Duration connectTimeout,
                          @NotNull @DurationMin(millis = 1) Duration readTimeout) {
    }

    /**
     * @param enabled    whether this node mines at all
     * @param interval   time between two checks for a due block (the seed's 1 s)
     * @param difficulty leading zero bits of a block hash; a network setting, 8 is the seed's "00"
     * @param threads    threads that search proofs, splitting the proof space
     */
    public record Mining(boolean enabled,
                         @NotNull @DurationMin(millis = 1) Duration interval,
                         @Min(MIN_DIFFICULTY) @Max(MAX_DIFFICULTY) int difficulty,
                         @Min(1) @Max(64) int threads) {

        /** Lowest difficulty a network may use. */
        public static final int MIN_DIFFICULTY = 1;
        /** Highest difficulty a network may use; work per block must stay far below 2^256. */
        public static final int MAX_DIFFICULTY = 64;
    }

    /**
     * @param maxTransactions most transactions per block; a network setting (the seed sealed after 5). At
     *                        most {@value #MOST_TRANSACTIONS}: an external miner's {@code POST /proof}
     *                        names every one of them, within the 256 KiB a request body may hold
     * @param maxWait         with no interval, how long the oldest pending transaction waits before a
     *                        smaller block is sealed
     * @param interval        least time between a block's timestamp and its parent's; a network setting.
     *                        Blocks come at this pace and hold what arrived meanwhile; zero is the seed's
     *                        rule, a block as soon as {@code max-transactions} are pending
     */
    public record Block(@Min(1) @Max(MOST_TRANSACTIONS) int maxTransactions,
                        @NotNull @DurationMin(millis = 0) Duration maxWait,
                        @NotNull @DurationMin(millis = 0) Duration interval) {

        /** 3,500 ids of 64 hex characters, quoted and separated, are 234,500 bytes of a proof's body. */
        public static final int MOST_TRANSACTIONS = 3500;
    }

    /**
     * @param capacity    most pending transactions; beyond it submissions get 503 until blocks are mined
     * @param senderLimit most pending transactions from one sender; beyond it that sender gets 429
     * @param targetWait  how long an acknowledged transaction should wait to be confirmed: while the
     *                    network confirms too slowly for what is pending, new ones get 503; 0 turns this off
     * @param maxInFlight client submissions the node works on at once; beyond them it answers 503 at once
     */
    public record Pool(@Min(1) @Max(10_000_000) int capacity,
                       @Min(1) @Max(10_000_000) int senderLimit,
                       @NotNull @DurationMin(millis = 0) Duration targetWait,
                       @Min(1) @Max(100_000) int maxInFlight) {
    }

    /**
     * @param path   the data directory, created at start; one per node
     * @param fsync  force every acknowledged write to disk; off, a crash of the machine (not of the
     *               node alone) can lose the last acknowledged transactions and blocks
     * @param verify how much of the stored chain start-up checks: {@code tail} (the blocks at the tip;
     *               start-up does not grow with the chain) or {@code full} (every block from genesis,
     *               and the index against them: an operator's check)
     */
    public record Storage(@NotNull Path path, boolean fsync, @NotNull StoredChainCheck verify) {
    }

    /**
     * @param allowedHosts names a request's Host header may carry besides the node's own (localhost,
     *                     any IP address, this machine's name, the names of its peers and of its
     *                     discovery Service): the public name of an Ingress, say. {@code .example.org}
     *                     is that domain and every name under it; {@code *} is any name, which turns
     *                     the check off
     */
    public record Http(List<@NotNull @Pattern(regexp = ALLOWED_HOST_PATTERN,
            message = "must be a host name, a domain with a leading '.', or '*'") String> allowedHosts) {

        public Http {
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        }
    }
}
