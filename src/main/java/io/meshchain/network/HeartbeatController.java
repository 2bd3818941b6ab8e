package io.meshchain.network;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.http.HttpStatus;

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
    ResponseEntity<NodeSummary> exchange(@RequestBody NodeSummary caller) {
        if (!caller.isWellFormed()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "a heartbeat needs nodeId, height, a 64-hex tipHash and a positive totalWork");
        }
        return ResponseEntity.ok(heartbeats.receive(caller));
    }
}
