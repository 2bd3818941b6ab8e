package io.meshchain.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The ledger's metrics, as Prometheus sees them: {@code meshchain_chain_height},
 * {@code meshchain_total_work}, {@code meshchain_pending_transactions}, {@code meshchain_reorgs_total},
 * {@code meshchain_blocks_orphaned_total}, {@code meshchain_transactions_accepted_total}, {@code meshchain_transactions_duplicates_total},
 * {@code meshchain_transactions_refused_total{rule}} and {@code meshchain_confirmation_rate}. The miner, the sync and the peer directory
 * register their own (hashes, blocks mined, blocks rejected, peer reachability, heartbeat round trips).
 */
@Component
class LedgerMetrics {

    private final Counter reorgs;
    private final Counter orphaned;
    private final DistributionSummary reorgDepth;
    private final Counter acceptedFromClients;
    private final Counter acceptedFromPeers;
    private final Counter relaysAlreadyHeld;
    private final Map<String, Counter> refused = new HashMap<>();

    LedgerMetrics(ChainService chain, MeterRegistry meters) {
        Gauge.builder("meshchain.chain.height", chain, c -> c.tip().height())
                .description("Index of the tip of this node's chain").register(meters);
        Gauge.builder("meshchain.total.work", chain, c -> c.tip().totalWork().doubleValue())
                .description("Total work of this node's chain: the sum of 2^difficulty over its blocks").register(meters);
        Gauge.builder("meshchain.pending.transactions", chain, ChainService::pendingCount)
                .description("Transactions in the pending pool").register(meters);
        reorgs = Counter.builder("meshchain.reorgs")
                .description("Times this node replaced blocks of its chain with a better chain's").register(meters);
        orphaned = Counter.builder("meshchain.blocks.orphaned")
                .description("Blocks that left this node's chain in reorganisations: the losers of races for a height")
                .register(meters);
        reorgDepth = DistributionSummary.builder("meshchain.reorg.depth")
                .description("Blocks each reorganisation removed from this node's chain")
                .baseUnit("blocks")
                .serviceLevelObjectives(1, 2, 3, 5, 10, 100, 1000)
                .register(meters);
        acceptedFromClients = acceptedCounter(meters, "client");
        acceptedFromPeers = acceptedCounter(meters, "peer");
        relaysAlreadyHeld = Counter.builder("meshchain.transactions.duplicates")
                .description("Transactions peers relayed that this node held already: what gossip costs in copies")
                .register(meters);
        for (String rule : List.of(Pushback.POOL_FULL, Pushback.BACKLOG, Pushback.SENDER_LIMIT, Pushback.BUSY)) {
            refused.put(rule, Counter.builder("meshchain.transactions.refused").tag("rule", rule)
                    .description("New transactions pushed back: pool-full, backlog and busy (503), sender-limit (429)")
                    .register(meters));
        }
        Gauge.builder("meshchain.confirmation.rate", chain, c -> c.confirmationRate().orElse(0))
                .description("Transactions per second this node's chain confirmed over the last 10 s: what admission "
                        + "control projects the backlog with").register(meters);
        Gauge.builder("meshchain.block.settle", chain, c -> c.settleMillis() / 1000.0)
                .description("How long after a block's cutoff this node waits before it mines the block: the slowest "
                        + "recent relay to it, and a tenth of a second more")
                .baseUnit("seconds").register(meters);
    }

    @EventListener
    void transactionsRefused(TransactionsRefused event) {
        refused.get(event.rule()).increment(event.count());
    }

    @EventListener
    void chainAdvanced(ChainAdvanced event) {
        if (!event.removed().isEmpty()) {
            reorgs.increment();
            orphaned.increment(event.removed().size());
            reorgDepth.record(event.removed().size());
        }
    }

    /**
     * Transactions new to this node accepted into the pool, by who brought them: a client, or a peer's
     * relay recognised by its relay token.
     */
    private static Counter acceptedCounter(MeterRegistry meters, String source) {
        return Counter.builder("meshchain.transactions.accepted").tag("source", source)
                .description("Transactions new to this node accepted into the pool, by who brought them").register(meters);
    }

    @EventListener
    void relaysAlreadyHeld(RelaysAlreadyHeld event) {
        relaysAlreadyHeld.increment(event.count());
    }

    @EventListener
    void transactionAccepted(TransactionAccepted event) {
        (event.relayedBy() == null ? acceptedFromClients : acceptedFromPeers).increment();
    }
}
