package io.meshchain.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.OptionalLong;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /chain/events}: the chain as it grows, as Server-Sent Events ({@link ChainEventStream}). */
@RestController
@Tag(name = "Chain")
class ChainEventsController {

    static final String LAST_EVENT_ID = "Last-Event-ID";

    private final ChainEventStream stream;

    ChainEventsController(ChainEventStream stream) {
        this.stream = stream;
    }

    @Operation(summary = "The chain as it grows, as Server-Sent Events",
            description = "An event 'block' per block that joins the chain (id: its index, data: the block); an "
                    + "event 'reorg' (id: forkIndex, data: {forkIndex, removed: [hashes]}) before the blocks of a "
                    + "switch to another branch; a comment line at least every 15 s. With Last-Event-ID: n the "
                    + "blocks after index n come first. A client too far behind is cut off and may resume.",
            responses = {
                @ApiResponse(responseCode = "200", description = "The stream (text/event-stream)"),
                @ApiResponse(responseCode = "400", description = "Last-Event-ID is not a block index"),
                @ApiResponse(responseCode = "503", description = "The node serves as many streams as it allows, "
                        + "in all or to the client's address; Retry-After says when to try again")})
    @GetMapping(path = "/chain/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@Parameter(description = "Index of the last block the client has; the stream resumes after it")
                      @RequestHeader(name = LAST_EVENT_ID, required = false) String lastEventId,
                      HttpServletRequest request) {
        return stream.open(parse(lastEventId), request.getRemoteAddr());
    }

    private static OptionalLong parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            long index = Long.parseLong(lastEventId.strip());
            if (index >= 0) {
                return OptionalLong.of(index);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequestException(LAST_EVENT_ID, "must be the index of a block, 0 or more");
    }
}
