package io.meshchain.mining;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.rules.BlockRejectedException;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mining from outside the node: {@code GET /proof} hands out the template (the seed's {@code gp}),
 * {@code POST /proof} takes a proof for it (the seed's {@code up}). The node's own miner uses the
 * same ledger operations in-process.
 */
@RestController
@RequestMapping("/proof")
class ProofController {

    private final ChainService chain;

    ProofController(ChainService chain) {
        this.chain = chain;
    }

    @GetMapping
    ProofTemplate template() {
        return ProofTemplate.of(chain.template());
    }

    /**
     * 201 with the block when the proof seals exactly the described block; 409 when the template is
     * stale; 422 when the proof does not meet the difficulty or the block breaks another rule.
     */
    @PostMapping
    ResponseEntity<Block> submit(@Valid @RequestBody ProofRequest request) throws BlockRejectedException {
        Block block = chain.submitProof(request.toSubmission());
        return ResponseEntity.created(URI.create("/chain/blocks/" + block.hash())).body(block);
    }
}
