package io.meshchain.network;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.SettleMargin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The settle margin sized from what this node measures of its peers: twice the typical heartbeat
 * round trip of the slowest peer ({@link PeerDirectory#typicalRoundTripMillis()}), between
 * {@link ChainService#MIN_SETTLE_MILLIS} and {@link #MAX_SETTLE_MILLIS}. A relay is one call to a peer, as a heartbeat is, so a transaction
 * stamped before a block's cutoff has reached every peer within a round trip of its stamp when the
 * network is as it was; twice that leaves room for a queue. On a local network round trips take
 * milliseconds and the floor holds; peers that answer slowly (a loaded node, a distant one) make this
 * node wait longer before it mines, rather than seal a block its peers' differs from.
 */
@Component
class MeasuredSettleMargin implements SettleMargin {

    /** The longest a node lets transactions settle: beyond, confirmations would wait on one slow peer. */
    static final long MAX_SETTLE_MILLIS = 500;
    /** Round trips of the slowest peer a transaction is given to reach every peer. */
    static final int ROUND_TRIPS = 2;

    private final PeerDirectory directory;

    MeasuredSettleMargin(PeerDirectory directory, MeterRegistry meters) {
        this.directory = directory;
        Gauge.builder("meshchain.block.settle", this, margin -> Math.max(ChainService.MIN_SETTLE_MILLIS,
                        margin.millis()) / 1000.0)
                .description("How long a transaction's timestamp must be past before this node's blocks take it: "
                        + "sized from its peers' round trips")
                .baseUnit("seconds").register(meters);
    }

    @Override
    public long millis() {
        return Math.min(MAX_SETTLE_MILLIS, ROUND_TRIPS * directory.typicalRoundTripMillis());
    }
}
