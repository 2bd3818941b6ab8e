package io.meshchain.api;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.ChainService;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The seed's {@code pb}: the chain, whole or a page at a time, and single blocks by hash. */
@RestController
@RequestMapping("/chain")
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
    @GetMapping
    ChainPage chain(@RequestParam(required = false) Long from, @RequestParam(required = false) Integer limit) {
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

    @GetMapping("/blocks/{hash}")
    Block block(@PathVariable String hash) {
        return chain.block(hash)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no block " + hash + " in this node's chain"));
    }
}
