package io.meshchain.network;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Every {@code meshchain.heartbeat.interval} (5 s by default), a heartbeat round with all peers. */
@Component
class Heartbeat {

    private final HeartbeatService heartbeats;

    Heartbeat(HeartbeatService heartbeats) {
        this.heartbeats = heartbeats;
    }

    @Scheduled(fixedDelayString = "${meshchain.heartbeat.interval}")
    void beat() {
        heartbeats.beat();
    }
}
