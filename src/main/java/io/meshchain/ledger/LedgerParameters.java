package io.meshchain.ledger;

import io.meshchain.system.MeshchainProperties;
import io.meshchain.system.StoredChainCheck;
import java.time.Duration;
import java.util.Objects;

/**
 * The network rules the ledger enforces and the local limits it keeps.
 *
 * @param difficulty      leading zero bits every block must carry (a network setting)
 * @param maxTransactions most transactions per block (a network setting)
 * @param maxWait         how long the oldest pending transaction may wait before a block is due
 * @param poolCapacity    most pending transactions this node holds before it refuses more
 * @param startupCheck    how much of the stored chain is checked at start
 * @param senderLimit     most pending transactions from one sender
 * @param targetWait      how long an acknowledged transaction should wait to be confirmed: new ones are
 *                        refused while the backlog would take longer ({@link Backlog}); zero for no limit
 * @param signaturesRequired whether every transaction must be signed (a network setting)
 * @param maxReorgDepth   deepest reorganisation this node makes: a better chain that forks further
 *                        below its tip is not followed
 * @param blockInterval   least time between a block's timestamp and its parent's (a network setting):
 *                        blocks come at that pace and hold what arrived meanwhile ({@link BlockSchedule});
 *                        zero for the seed's rule, a block as soon as a full one is pending
 */
public record LedgerParameters(int difficulty, int maxTransactions, Duration maxWait, int poolCapacity,
                               StoredChainCheck startupCheck, int senderLimit, Duration targetWait,
                               boolean signaturesRequired, int maxReorgDepth, Duration blockInterval) {

    public LedgerParameters {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(startupCheck, "startupCheck");
        Objects.requireNonNull(targetWait, "targetWait");
        Objects.requireNonNull(blockInterval, "blockInterval");
        if (blockInterval.isNegative()) {
            throw new IllegalArgumentException("blockInterval must not be negative, not " + blockInterval);
        }
        if (maxReorgDepth < 1) {
            throw new IllegalArgumentException("maxReorgDepth must be 1 or more, not " + maxReorgDepth);
        }
    }

    /**
     * Parameters with the default deepest reorganisation ({@link MeshchainProperties.Sync#DEFAULT_MAX_REORG_DEPTH}),
     * and the seed's block rule (no interval).
     */
    public LedgerParameters(int difficulty, int maxTransactions, Duration maxWait, int poolCapacity,
                            StoredChainCheck startupCheck, int senderLimit, Duration targetWait,
                            boolean signaturesRequired) {
        this(difficulty, maxTransactions, maxWait, poolCapacity, startupCheck, senderLimit, targetWait,
                signaturesRequired, MeshchainProperties.Sync.DEFAULT_MAX_REORG_DEPTH, Duration.ZERO);
    }

    /** The same parameters with another deepest reorganisation. */
    public LedgerParameters withMaxReorgDepth(int depth) {
        return new LedgerParameters(difficulty, maxTransactions, maxWait, poolCapacity, startupCheck, senderLimit,
                targetWait, signaturesRequired, depth, blockInterval);
    }

    /** The same parameters with another block interval. */
    public LedgerParameters withBlockInterval(Duration interval) {
        return new LedgerParameters(difficulty, maxTransactions, maxWait, poolCapacity, startupCheck, senderLimit,
                targetWait, signaturesRequired, maxReorgDepth, interval);
    }

    /** Parameters of a network that takes unsigned transactions too. */
    public LedgerParameters(int difficulty, int maxTransactions, Duration maxWait, int poolCapacity,
                            StoredChainCheck startupCheck, int senderLimit, Duration targetWait) {
        this(difficulty, maxTransactions, maxWait, poolCapacity, startupCheck, senderLimit, targetWait, false);
    }

    /** Parameters with a start-up check of the given depth, and a pool limited by its capacity alone. */
    public LedgerParameters(int difficulty, int maxTransactions, Duration maxWait, int poolCapacity,
                            StoredChainCheck startupCheck) {
        this(difficulty, maxTransactions, maxWait, poolCapacity, startupCheck, poolCapacity, Duration.ZERO);
    }

    /** Parameters that check only the tail of the stored chain at start, with a pool limited by its capacity alone. */
    public LedgerParameters(int difficulty, int maxTransactions, Duration maxWait, int poolCapacity) {
        this(difficulty, maxTransactions, maxWait, poolCapacity, StoredChainCheck.TAIL);
    }
}
