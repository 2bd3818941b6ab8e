package io.meshchain.network;

import io.meshchain.wire.RelayHeader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The seed's {@code hb}: {@code GET /heartbeat} shows this node's summary, {@code POST} exchanges summaries. */
@RestController
@RequestMapping(path = "/heartbeat", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Heartbeat")
class HeartbeatController {

    private final HeartbeatService heartbeats;

    HeartbeatController(HeartbeatService heartbeats) {
        this.heartbeats = heartbeats;
    }

    @Operation(summary = "This node's summary and what it knows of its peers",
            description = "{nodeId, height, tipHash, tipTimestamp, totalWork, pending, "
                    + "peers: [{url, nodeId, reachable, height, lastSeen}], url}: url is the address the node gives "
                    + "for itself (absent when it has none)")
    @GetMapping
    NodeSummary summary() {
        return heartbeats.summary();
    }

    @Operation(summary = "Exchange summaries (a peer's heartbeat)",
            description = "Answers this node's summary. When the caller's chain is better, this node fetches the "
                    + "missing blocks from the peer it holds with the caller's node id, validates them and "
                    + "switches, in the background; never from an address the request gives. The caller's url "
                    + "may make it a peer of this node (an inbound one), under the rules for learned addresses "
                    + "(meshchain.peers.allowed; never a link-local or metadata address). The caller's "
                    + "X-Meshchain-Relay-Token is the token this node sends with its relays to the caller; its "
                    + "X-Meshchain-Peer-Token, the token this node gave it, shows the heartbeat is that peer's, and "
                    + "this node then fetches the better chain at once, without asking for the caller's summary first. "
                    + "A caller that sends X-Meshchain-Summary-Version: 2 reads the url field, and gets it.",
            responses = {
                @ApiResponse(responseCode = "200", description = "This node's summary"),
                @ApiResponse(responseCode = "400", description = "A malformed summary")})
    @PostMapping
    NodeSummary exchange(@Valid @RequestBody NodeSummary caller,
                         @RequestHeader(name = RelayHeader.TOKEN, required = false) String relayToken,
                         @RequestHeader(name = RelayHeader.PEER_TOKEN, required = false) String peerToken,
                         @RequestHeader(name = RelayHeader.SUMMARY_VERSION, required = false) String summaryVersion,
                         HttpServletRequest request) {
        return heartbeats.receive(caller, relayToken, peerToken, request.getRemoteAddr(),
                RelayHeader.SUMMARY_VERSION_READ.equals(summaryVersion));
    }
}
