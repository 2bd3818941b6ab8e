package io.meshchain.api;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.SenderBinding;
import io.meshchain.ledger.rules.RuleViolation;
import io.meshchain.ledger.rules.TransactionRules;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who a sender name belongs to: the key of its first confirmed signed transaction, if any. */
@RestController
@RequestMapping(path = "/senders", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Senders")
class SenderController {

    private final ChainService chain;

    SenderController(ChainService chain) {
        this.chain = chain;
    }

    /**
     * A name's binding. A name never signed for is open: anyone may send as it, unsigned or signed, until
     * a signed transaction for it is confirmed.
     */
    @Operation(summary = "The key a sender name belongs to", description = """
            {"name", "publicKey", "boundAt"}: the key of the first confirmed signed transaction for the \
            name (base64url) and the height of its block; both null while the name is open.""",
            responses = {
                @ApiResponse(responseCode = "200", description = "The name's binding, or nulls"),
                @ApiResponse(responseCode = "400", description = "Not a sender name (1 to 32 letters or digits)")})
    @GetMapping("/{name}")
    SenderView sender(@PathVariable String name) {
        List<RuleViolation> violations = TransactionRules.checkSender(name);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException("name", violations.get(0).message());
        }
        Optional<SenderBinding> binding = chain.binding(name);
        return new SenderView(name, binding.map(SenderBinding::publicKey).orElse(null),
                binding.map(SenderBinding::height).orElse(null));
    }

    /** The answer of {@code GET /senders/{name}}; nulls are written, as docs/api.md lists them. */
    record SenderView(String name, String publicKey, Long boundAt) {
    }
}
