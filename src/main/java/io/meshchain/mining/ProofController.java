package io.meshchain.mining;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.primitives.Block;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.MediaType;
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
@RequestMapping(path = "/proof", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Proof of work")
class ProofController {

    private final ChainService chain;

    ProofController(ChainService chain) {
        this.chain = chain;
    }

    @Operation(summary = "The mining template (the seed's gp)",
            description = "Everything needed to mine the next block outside the node: index, previousHash, "
                    + "lastProof, difficulty (leading zero bits), timestamp and the transactions, oldest first.")
    @GetMapping
    ProofTemplate template() {
        return ProofTemplate.of(chain.template());
    }

    /**
     * 201 with the block when the proof seals exactly the described block; 409 when the template is
     * stale; 422 when the proof does not meet the difficulty or the block breaks another rule.
     */
    @Operation(summary = "Submit a proof for a template (the seed's up)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
                    @ExampleObject(value = """
                            {"index": 1, "previousHash": "e18b9b0d31947862c817e838364cc6c33c4b44ba143d8b870ab507126c2966d8",
                             "timestamp": 1764000000000,
                             "transactionIds": ["9f5ff5149563e777ad20ea86bb96821f5a16de90f955d954b3b8e22b618143ac"],
                             "proof": 498}"""))),
            responses = {
                @ApiResponse(responseCode = "201", description = "The new block; Location: /chain/blocks/{hash}"),
                @ApiResponse(responseCode = "400", description = "Malformed"),
                @ApiResponse(responseCode = "409", description = "Stale: the tip moved, or a transaction is no longer pending"),
                @ApiResponse(responseCode = "422", description = "The proof does not meet the difficulty (or another rule "
                        + "fails); the problem names the rule")})
    @PostMapping
    ResponseEntity<Block> submit(@Valid @RequestBody ProofRequest request) throws BlockRejectedException {
        Block block = chain.submitProof(request.toSubmission());
        return ResponseEntity.created(URI.create("/chain/blocks/" + block.hash())).body(block);
    }
}
