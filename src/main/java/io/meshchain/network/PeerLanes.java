package io.meshchain.network;

import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Threads for calls to peers, kept apart per peer, so a slow or dead peer backs up only its own
 * work. Each peer has a control lane (heartbeats and syncs, one at a time) and a relay lane (the
 * sender of {@link TransactionRelay}'s outbox for that peer).
 */
@Component
class PeerLanes implements DisposableBean {

    /** Threads relaying to one peer: one sender, each call carrying what waited meanwhile. */
    static final int RELAY_THREADS = 1;
    /** Relay senders waiting for one peer's lane: there is at most one. */
    static final int RELAY_TASKS = 4;
    /** Control tasks waiting for one peer: heartbeats are coalesced, so few ever wait. */
    static final int CONTROL_QUEUE = 16;
    /** Seconds an idle lane keeps its threads. */
    static final int IDLE_SECONDS = 60;

    private final Map<URI, Lanes> lanes = new ConcurrentHashMap<>();

    private record Lanes(ThreadPoolExecutor control, ThreadPoolExecutor relay) {
    }

    private Lanes lanes(Peer peer) {
        return lanes.computeIfAbsent(peer.url(), url -> {
            String name = "peer-" + url.getHost() + ":" + url.getPort();
            return new Lanes(executor(name + "-control", 1, CONTROL_QUEUE),
                    executor(name + "-relay", RELAY_THREADS, RELAY_TASKS));
        });
    }

    private static ThreadPoolExecutor executor(String name, int threads, int queue) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), runnable -> {
                    Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        // A peer that went away (scaled down, new address) leaves no threads behind.
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Runs a heartbeat or sync for {@code peer}; false when its control lane is full. */
    boolean control(Peer peer, Runnable task) {
        try {
            lanes(peer).control().execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Runs a relay sender for {@code peer} in the background; false when its relay lane refuses it
     * (shut down, or full). {@link TransactionRelay} keeps at most one sender per peer.
     */
    boolean relay(Peer peer, Runnable task) {
        try {
            lanes(peer).relay().execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Shuts the lanes of every peer not in {@code current}: a peer that went away (scaled down, or
     * back at a new address) leaves no lane behind. Work already queued for it still runs.
     */
    void retainOnly(Collection<Peer> current) {
        Set<URI> urls = current.stream().map(Peer::url).collect(Collectors.toSet());
        lanes.entrySet().removeIf(entry -> {
            if (urls.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().control().shutdown();
            entry.getValue().relay().shutdown();
            return true;
        });
    }

    /** Peers that have lanes now. */
    Set<URI> peersWithLanes() {
        return Set.copyOf(lanes.keySet());
    }

    @Override
    public void destroy() {
        lanes.values().forEach(peerLanes -> {
            peerLanes.control().shutdownNow();
            peerLanes.relay().shutdownNow();
        });
    }
}
