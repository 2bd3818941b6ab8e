package io.meshchain.api;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.ChainService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The seed's {@code pb}: the chain, whole or a page at a time, and single blocks by hash. */
@RestController
@RequestMapping(path = "/chain", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Chain")
class ChainController {

    /** Page size when only {@code from} is given. */
    static final int DEFAULT_LIMIT = 500;
    /** Largest page served; a larger {@code limit} is capped to it. */
    static final int MAX_LIMIT = 1000;

    private final ChainService chain;

    ChainController(ChainService chain) {
        this.chain = chain;
    }

    /** Without parameters the whole chain, as {@code pb} printed it; otherwise blocks {@code from <= index < from+limit}. */
    @Operation(summary = "The blockchain (the seed's pb), whole or a page",
            description = "{height, totalWork, blocks}: height is the tip's index; blocks are those with "
                    + "from <= index < from+limit, in order. Without parameters, the whole chain.",
            responses = {
                @ApiResponse(responseCode = "200", description = "The requested blocks"),
                @ApiResponse(responseCode = "400", description = "from below 0, limit below 1, or not numbers")})
    @GetMapping
    ChainPage chain(@Parameter(description = "First index, default 0") @RequestParam(required = false) Long from,
                    @Parameter(description = "Number of blocks, default 500, capped at 1000")
                    @RequestParam(required = false) Integer limit) {
        if (from == null && limit == null) {
            return chain.page(0, Integer.MAX_VALUE);
        }
        long start = from == null ? 0 : from;
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (start < 0) {
            throw new InvalidRequestException("from", "must be 0 or more");
        }
        if (size < 1) {
            throw new InvalidRequestException("limit", "must be 1 or more");
        }
        return chain.page(start, Math.min(size, MAX_LIMIT));
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
