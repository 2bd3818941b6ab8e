package io.meshchain.network;

import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ChainTip;
import io.meshchain.ledger.ForkChoice;
import io.meshchain.system.MeshchainProperties;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Service;

/**
 * The seed's heartbeat, over HTTP: this node sends its summary to every peer in parallel, learns
 * theirs from the answers, and syncs from any peer whose chain is better. A new tip is announced at
 * once; the scheduled heartbeat is the safety net.
 */
@Service
class HeartbeatService {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatService.class);

    private final MeshchainProperties properties;
    private final ChainService chain;
    private final PeerDirectory directory;
    private final PeerClient client;
    private final ChainSync sync;
    private final ThreadPoolTaskExecutor peerCalls;
    private final Duration roundTimeout;

    HeartbeatService(MeshchainProperties properties, ChainService chain, PeerDirectory directory, PeerClient client,
                     ChainSync sync, @Qualifier("peerCalls") ThreadPoolTaskExecutor peerCalls) {
        this.properties = properties;
        this.chain = chain;
        this.directory = directory;
        this.client = client;
        this.sync = sync;
        this.peerCalls = peerCalls;
        this.roundTimeout = properties.network().connectTimeout().plus(properties.network().readTimeout()).multipliedBy(2);
    }

    /** This node's summary, as {@code GET /heartbeat} shows it and as it is sent to peers. */
    NodeSummary summary() {
        ChainTip tip = chain.tip();
        return new NodeSummary(properties.nodeId(), tip.height(), tip.hash(), tip.timestamp(), tip.totalWork(),
                chain.pendingCount(), directory.views());
    }

    /** One heartbeat round: all peers in parallel; returns when all answered or the round timed out. */
    void beat() {
        NodeSummary mine = summary();
        List<CompletableFuture<Void>> calls = directory.peers().stream()
                .map(peer -> submit(() -> exchange(peer, mine)))
                .toList();
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(roundTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.debug("Heartbeat round ended before every peer answered: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells every peer about a new tip at once, without waiting for the answers. */
    @EventListener
    void announce(ChainAdvanced event) {
        NodeSummary mine = summary();
        directory.peers().forEach(peer -> submit(() -> exchange(peer, mine)));
    }

    /**
     * Answers a peer's heartbeat. When the caller's chain is better, syncs from the configured peer
     * with the caller's node id, in the background; the caller's address is never taken from the request.
     */
    NodeSummary receive(NodeSummary caller) {
        if (ForkChoice.isBetter(caller.tip(), chain.tip())) {
            directory.byNodeId(caller.nodeId()).ifPresent(peer -> submit(() -> sync.syncFrom(peer, caller)));
        }
        return summary();
    }

    private void exchange(Peer peer, NodeSummary mine) {
        NodeSummary theirs;
        try {
            theirs = client.heartbeat(peer, mine);
        } catch (RuntimeException e) {
            directory.failed(peer, ChainSync.describe(e));
            return;
        }
        directory.answered(peer, theirs);
        if (!theirs.nodeId().equals(properties.nodeId()) && ForkChoice.isBetter(theirs.tip(), chain.tip())) {
            sync.syncFrom(peer, theirs);
        }
    }

    private CompletableFuture<Void> submit(Runnable task) {
        try {
            return CompletableFuture.runAsync(task, peerCalls);
        } catch (TaskRejectedException e) {
            log.warn("Peer calls are backed up; skipped one: {}", e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
    }
}
