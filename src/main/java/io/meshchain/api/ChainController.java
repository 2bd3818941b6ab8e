package io.meshchain.api;

import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.ChainReader;
import io.meshchain.ledger.ChainService;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.wire.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/** The seed's {@code pb}: the chain, whole or a page at a time, and single blocks by hash. */
@RestController
@RequestMapping(path = "/chain", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Chain")
class ChainController {

    /** Page size when only {@code from} is given. */
    static final int DEFAULT_LIMIT = 500;

    private final ChainService chain;
    private final JsonMapper json;

    ChainController(ChainService chain, JsonMapper json) {
        this.chain = chain;
        this.json = json;
    }

    /**
     * The whole chain, as {@code pb} printed it. It is written a page at a time from a snapshot of the
     * chain, so a chain of any length is sent without being held in memory, and blocks mined or
     * replaced meanwhile do not show through.
     */
    @Operation(summary = "The whole blockchain (the seed's pb)",
            description = "{height, totalWork, blocks}: every block from genesis to the tip, in order.",
            responses = @ApiResponse(responseCode = "200", description = "The whole chain",
                    content = @Content(schema = @Schema(implementation = ChainPage.class))))
    @GetMapping(params = {"!from", "!limit"})
    void wholeChain(HttpServletResponse response) throws IOException {
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        try (ChainReader reader = chain.reader();
             JsonGenerator out = json.createGenerator(response.getOutputStream())) {
            ChainTip tip = reader.tip();
            out.writeStartObject();
            out.writeName("height");
            out.writeNumber(tip.height());
            out.writeName("totalWork");
            out.writeNumber(tip.totalWork());
            out.writeName("blocks");
            out.writeStartArray();
            for (long from = 0; from <= tip.height(); from += Paging.MAX_ITEMS) {
                for (Block block : reader.blocks(from, Paging.MAX_ITEMS)) {
                    out.writePOJO(block);
                }
            }
            out.writeEndArray();
            out.writeEndObject();
        }
    }

    /** Blocks {@code from <= index < from+limit}. */
    @Operation(summary = "A page of the blockchain",
            description = "{height, totalWork, blocks}: height is the tip's index; blocks are those with "
                    + "from <= index < from+limit, in order.",
            responses = {
                @ApiResponse(responseCode = "200", description = "The requested blocks"),
                @ApiResponse(responseCode = "400", description = "from below 0, limit below 1, or not numbers")})
    @GetMapping
    ChainPage chain(@Parameter(description = "First index, default 0") @RequestParam(required = false) Long from,
                    @Parameter(description = "Number of blocks, default 500, capped at 1000")
                    @RequestParam(required = false) Integer limit) {
        long start = from == null ? 0 : from;
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (start < 0) {
            throw new InvalidRequestException("from", "must be 0 or more");
        }
        if (size < 1) {
            throw new InvalidRequestException("limit", "must be 1 or more");
        }
        return chain.page(start, Math.min(size, Paging.MAX_ITEMS));
    }

    @Operation(summary = "One block of this node's chain, by hash", responses = {
        @ApiResponse(responseCode = "200", description = "The block"),
        @ApiResponse(responseCode = "404", description = "Not in this node's chain")})
    @GetMapping("/blocks/{hash}")
    Block block(@PathVariable String hash) {
        return chain.block(hash)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no block " + hash + " in this node's chain"));
    }
}
