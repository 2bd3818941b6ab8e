package io.meshchain.network;

import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The seed's {@code hb}: {@code GET /heartbeat} shows this node's summary, {@code POST} exchanges summaries. */
@RestController
@RequestMapping("/heartbeat")
class HeartbeatController {

    private final HeartbeatService heartbeats;

    HeartbeatController(HeartbeatService heartbeats) {
        this.heartbeats = heartbeats;
    }

    @GetMapping
    NodeSummary summary() {
        return heartbeats.summary();
    }

    @PostMapping
    NodeSummary exchange(@Valid @RequestBody NodeSummary caller) {
        return heartbeats.receive(caller);
    }
}
