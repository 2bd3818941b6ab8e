package io.meshchain.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * What a client that keeps a copy of every node's chain sees, by following each node's block stream
 * ({@code GET /chain/events}): for each transaction, the block that holds it on each node and when
 * that node got it. A {@code reorg} event forgets the sightings in the blocks it removes, until a
 * block of the new branch carries them again. A transaction is confirmed once every node holds it in
 * the same block; the moment it is so is when the last of them got that block. Counts the reorgs the
 * nodes announce, the deepest, and every block any node had.
 */
final class ChainWatch implements AutoCloseable {

    /** Where one node holds a transaction, and since when. */
    private record Sighting(String blockHash, long nanos) {
    }

    /** One node's chain as its stream describes it. */
    private static final class NodeChain {
        final Map<String, Sighting> sightings = new HashMap<>();
        final Map<String, List<String>> transactionsByBlock = new HashMap<>();
    }

    /** When one block came to each node: the first and the last of them, and the block's own timestamp. */
    record Arrival(String blockHash, long blockTimestampMillis, long firstNanos, long lastNanos) {
    }

    private final List<NodeChain> chains = new ArrayList<>();
    private final Map<String, Long> blockTimestamps = new ConcurrentHashMap<>();
    private final List<EventStreamClient> streams = new ArrayList<>();
    private final Set<String> blocksSeen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger reorgs = new AtomicInteger();
    private final AtomicInteger deepestReorg = new AtomicInteger();

    /** Follows every node from the block after {@code fromHeight} on. */
    ChainWatch(List<String> nodeUrls, long fromHeight) {
        for (String url : nodeUrls) {
            NodeChain chain = new NodeChain();
            chains.add(chain);
            streams.add(EventStreamClient.open(url, fromHeight, true, event -> take(chain, event)));
        }
    }

    private void take(NodeChain chain, EventStreamClient.Event event) {
        synchronized (chain) {
            if (event.name().equals("block")) {
                String hash = event.data().get("hash").asString();
                blocksSeen.add(hash);
                blockTimestamps.put(hash, event.data().get("timestamp").asLong());
                List<String> ids = new ArrayList<>();
                for (JsonNode transaction : event.data().get("transactions")) {
                    String id = transaction.get("id").asString();
                    ids.add(id);
                    chain.sightings.put(id, new Sighting(hash, event.receivedNanos()));
                }
                chain.transactionsByBlock.put(hash, ids);
            } else if (event.name().equals("reorg")) {
                JsonNode removed = event.data().get("removed");
                reorgs.incrementAndGet();
                deepestReorg.accumulateAndGet(removed.size(), Math::max);
                for (JsonNode block : removed) {
                    String hash = block.asString();
                    for (String id : chain.transactionsByBlock.getOrDefault(hash, List.of())) {
                        chain.sightings.computeIfPresent(id, (key, seen) -> seen.blockHash().equals(hash) ? null : seen);
                    }
                    chain.transactionsByBlock.remove(hash);
                }
            }
        }
    }

    /**
     * When {@code transactionId} came to be in one and the same block on every node ({@link System#nanoTime}
     * of the last node's event); empty while it is not.
     */
    OptionalLong confirmedEverywhere(String transactionId) {
        Arrival arrival = arrival(transactionId);
        return arrival == null ? OptionalLong.empty() : OptionalLong.of(arrival.lastNanos());
    }

    /**
     * The block that holds {@code transactionId} on every node alike, and when the first and the last
     * of them got it; null while no block does.
     */
    Arrival arrival(String transactionId) {
        String hash = null;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (NodeChain chain : chains) {
            Sighting seen;
            synchronized (chain) {
                seen = chain.sightings.get(transactionId);
            }
            if (seen == null || hash != null && !hash.equals(seen.blockHash())) {
                return null;
            }
            hash = seen.blockHash();
            first = Math.min(first, seen.nanos());
            last = Math.max(last, seen.nanos());
        }
        return hash == null ? null : new Arrival(hash, blockTimestamps.get(hash), first, last);
    }

    /** The block that holds {@code transactionId} on every node alike; null while there is none. */
    String blockEverywhere(String transactionId) {
        Arrival arrival = arrival(transactionId);
        return arrival == null ? null : arrival.blockHash();
    }

    /** Reorgs the nodes announced, all together. */
    int reorgs() {
        return reorgs.get();
    }

    /** Blocks the deepest announced reorg removed; 0 when none was. */
    int deepestReorg() {
        return deepestReorg.get();
    }

    /** Every block any node had while it was followed, abandoned ones included. */
    Set<String> blocksSeen() {
        return Set.copyOf(blocksSeen);
    }

    /** What any stream found wrong with the events it received (a block that does not follow, say). */
    List<String> violations() {
        List<String> all = new ArrayList<>();
        streams.forEach(stream -> all.addAll(stream.violations()));
        return all;
    }

    @Override
    public void close() {
        streams.forEach(EventStreamClient::close);
    }
}
