package io.meshchain.mining;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every {@code meshchain.mining.interval} (1 s by default), the miner looks for due blocks and mines
 * them back to back until none is due.
 */
@Component
class MiningSchedule {

    private final Miner miner;

    MiningSchedule(Miner miner) {
        this.miner = miner;
    }

    @Scheduled(fixedDelayString = "${meshchain.mining.interval}")
    void mine() {
        miner.mineDueBlocks();
    }
}
