package io.meshchain.api;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Submission;
import io.meshchain.ledger.Transaction;
import io.meshchain.network.RelayHeader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The seed's {@code tx}: submit transactions, list the pending pool, look one up. */
@RestController
@RequestMapping(path = "/transactions", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Transactions")
class TransactionController {

    static final String TRANSACTION_EXAMPLE = """
            {"id": "9f5ff5149563e777ad20ea86bb96821f5a16de90f955d954b3b8e22b618143ac", "sender": "gzan3055",
             "content": "hello meshchain", "timestamp": 1764000000000, "status": "pending"}""";
    static final String PROBLEM_EXAMPLE = """
            {"type": "urn:meshchain:problem:invalid-request", "title": "Invalid transaction", "status": 400,
             "detail": "sender must be 1 to 32 letters or digits (A-Z, a-z, 0-9)", "instance": "/transactions",
             "errors": [{"field": "sender", "message": "must be 1 to 32 letters or digits (A-Z, a-z, 0-9)",
                         "rule": "sender-format"}]}""";

    private final ChainService chain;
    private final Clock clock;

    TransactionController(ChainService chain, Clock clock) {
        this.chain = chain;
        this.clock = clock;
    }

    /** 201 for a new transaction, 200 for one this node already knows (submission is idempotent). */
    @Operation(summary = "Submit a transaction (the seed's tx)", description = """
            sender: 1 to 32 letters or digits. content: 1 to 70 characters, not blank, without backslash, '|' or \
            control characters. timestamp: optional; without it the node stamps the transaction; a client that \
            gives one can retry safely, since the same three fields give the same id. A transaction new to the \
            node is relayed once to every peer. 201 and 200 mean durable: the transaction survives a crash of \
            this node.""",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
                    @ExampleObject(value = "{\"sender\": \"gzan3055\", \"content\": \"hello meshchain\"}"))),
            responses = {
                @ApiResponse(responseCode = "201", description = "Accepted; Location: /transactions/{id}",
                        content = @Content(examples = @ExampleObject(value = TRANSACTION_EXAMPLE))),
                @ApiResponse(responseCode = "200", description = "Already known (pending or confirmed): idempotent"),
                @ApiResponse(responseCode = "400", description = "Invalid field, malformed JSON, unknown field, wrong type",
                        content = @Content(mediaType = "application/problem+json",
                                examples = @ExampleObject(value = PROBLEM_EXAMPLE))),
                @ApiResponse(responseCode = "413", description = "Body over 256 KiB"),
                @ApiResponse(responseCode = "415", description = "Body that is not JSON"),
                @ApiResponse(responseCode = "503", description = "Pool full, or the disk refuses writes; see Retry-After")})
    @PostMapping
    ResponseEntity<TransactionView> submit(@RequestBody TransactionRequest request,
                                           @Parameter(description = "Set by a relaying peer to its node id")
                                           @RequestHeader(name = RelayHeader.NAME, required = false) String relayedBy) {
        Map<String, String> missing = request.missingFields();
        if (!missing.isEmpty()) {
            throw new InvalidRequestException(missing);
        }
        long timestamp = request.timestamp() != null ? request.timestamp() : clock.millis();
        Transaction transaction = Transaction.of(request.sender(), request.content(), timestamp);
        Submission submission = chain.submit(transaction, relayedBy);
        TransactionView view = TransactionView.of(submission.status());
        if (!submission.created()) {
            return ResponseEntity.ok(view);
        }
        return ResponseEntity.created(URI.create("/transactions/" + transaction.id())).body(view);
    }

    /** The pending pool, oldest first. */
    @Operation(summary = "The pending pool, oldest first", description = "{\"transactions\": [...]}")
    @GetMapping
    Map<String, List<TransactionView>> pending() {
        return Map.of("transactions", chain.pending().stream().map(TransactionView::pending).toList());
    }

    @Operation(summary = "One transaction: pending, or confirmed with its block",
            description = "Confirmed transactions also carry blockIndex, blockHash and confirmations.",
            responses = {
                @ApiResponse(responseCode = "200", description = "Known to this node"),
                @ApiResponse(responseCode = "404", description = "Unknown to this node")})
    @GetMapping("/{id}")
    TransactionView status(@PathVariable String id) {
        return chain.status(id).map(TransactionView::of)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no transaction " + id + " on this node"));
    }
}
