package io.meshchain.api;

import io.meshchain.ledger.BatchSubmission;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.InclusionProof;
import io.meshchain.ledger.InvalidTransactionException;
import io.meshchain.ledger.PendingPage;
import io.meshchain.ledger.RelayedBy;
import io.meshchain.ledger.Submission;
import io.meshchain.ledger.rules.TransactionRules;
import io.meshchain.primitives.Transaction;
import io.meshchain.wire.Paging;
import io.meshchain.wire.RelayHeader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
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

    /** Transactions in a page of the pool when the client does not say. */
    static final int DEFAULT_PENDING_LIMIT = 100;


    private final ChainService chain;
    private final Clock clock;

    TransactionController(ChainService chain, Clock clock) {
        this.chain = chain;
        this.clock = clock;
    }

    /**
     * 201 for a new transaction, 200 for one this node already knows (submission is idempotent). The
     * status and Location are set on the response rather than returned in a {@code ResponseEntity},
     * which Spring MVC flushes: without the flush the small body goes out in one write with a
     * Content-Length instead of chunked in two, about a sixth less of the node's CPU per submission.
     */
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
                @ApiResponse(responseCode = "429", description = "The sender has its limit of transactions pending; see Retry-After"),
                @ApiResponse(responseCode = "503", description = "Pool full, the network confirming more slowly than "
                        + "clients submit, the node busy with its limit of submissions, or the disk refusing writes; "
                        + "see Retry-After")})
    @PostMapping
    TransactionView submit(@RequestBody TransactionRequest request,
                           @Parameter(hidden = true)
                           @RequestAttribute(name = RelayHeader.RELAYED_BY, required = false) RelayedBy relayedBy,
                           HttpServletResponse response) {
        Map<String, String> missing = request.missingFields();
        if (!missing.isEmpty()) {
            throw new InvalidRequestException(missing);
        }
        long timestamp = request.timestamp() != null ? request.timestamp() : clock.millis();
        Transaction transaction = hashable(request, timestamp)
                .orElseThrow(() -> new InvalidTransactionException(
                        TransactionRules.check(request.sender(), request.content(), timestamp, clock.millis())));
        Submission submission = chain.submit(transaction, relayedBy, relayedBy == null ? null : request.eligibleFrom());
        if (submission.created()) {
            response.setStatus(HttpStatus.CREATED.value());
            response.setHeader(HttpHeaders.LOCATION, "/transactions/" + transaction.id());
        }
        return TransactionView.of(submission.status());
    }

    @Operation(summary = "Submit a batch of transactions, as peers relay them", description = """
            A JSON array of 1 to 256 transactions as POST /transactions takes them, each with its timestamp. \
            Each is checked and deduplicated on its own; the new ones are made durable with one flush before \
            the answer, which says how many were accepted, how many were already known, and which were refused \
            and why (a broken rule, or the pool's pushback: pool-full, backlog, sender-limit). New transactions \
            are relayed to every peer but the sender.""",
            responses = {
                @ApiResponse(responseCode = "200", description = "{\"accepted\", \"known\", \"refused\": [{\"index\", \"rule\", \"detail\"}]}"),
                @ApiResponse(responseCode = "400", description = "Not an array of 1 to 256, or an item without sender, content or timestamp"),
                @ApiResponse(responseCode = "413", description = "Body over 256 KiB"),
                @ApiResponse(responseCode = "503", description = "The node busy with its limit of submissions, or the "
                        + "disk refusing writes; see Retry-After")})
    @PostMapping("/batch")
    BatchSubmission submitAll(@RequestBody List<TransactionRequest> requests,
                              @Parameter(hidden = true)
                              @RequestAttribute(name = RelayHeader.RELAYED_BY, required = false) RelayedBy relayedBy) {
        if (requests.isEmpty() || requests.size() > Paging.MAX_BATCH) {
            throw new InvalidRequestException("transactions", "must be 1 to " + Paging.MAX_BATCH + " in one batch");
        }
        List<Transaction> transactions = new ArrayList<>(requests.size());
        Map<String, Long> eligibleFrom = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            TransactionRequest request = requests.get(i);
            String item = "[" + i + "]";
            Map<String, String> missing = new LinkedHashMap<>();
            if (request == null) {
                missing.put(item, "must be a transaction");
            } else {
                request.missingFields().forEach((field, message) -> missing.put(item + "." + field, message));
                if (request.timestamp() == null) {
                    missing.put(item + ".timestamp", "is required in a batch");
                }
            }
            if (!missing.isEmpty()) {
                throw new InvalidRequestException(missing);
            }
            Optional<Transaction> transaction = hashable(request, request.timestamp());
            if (transaction.isEmpty()) {
                TransactionRules.check(request.sender(), request.content(), request.timestamp(), clock.millis())
                        .forEach(violation -> missing.put(item + "." + violation.field(), violation.message()));
                throw new InvalidRequestException(missing);
            }
            transactions.add(transaction.get());
            if (relayedBy != null && request.eligibleFrom() != null) {
                eligibleFrom.put(transaction.get().id(), request.eligibleFrom());
            }
        }
        return chain.submitAll(transactions, relayedBy, eligibleFrom);
    }

    /**
     * The transaction of those fields, or empty when they have no id: a string holding an unpaired
     * surrogate has no UTF-8 encoding to hash. The content rule names what is wrong with them.
     */
    private static Optional<Transaction> hashable(TransactionRequest request, long timestamp) {
        try {
            return Optional.of(request.transaction(timestamp));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A page of the pending pool, oldest first: no answer lists a pool of any size at once. */
    @Operation(summary = "A page of the pending pool, oldest first", description = """
            {"total", "offset", "transactions": [...]}: total is the pool's size; transactions are the limit oldest \
            after the first offset. limit defaults to 100 and is at most 1000.""",
            responses = {
                @ApiResponse(responseCode = "200", description = "The page"),
                @ApiResponse(responseCode = "400", description = "offset below 0, limit below 1 or above 1000, or not numbers")})
    @GetMapping
    PendingView pending(@Parameter(description = "Transactions to skip, oldest first; default 0")
                        @RequestParam(required = false) Integer offset,
                        @Parameter(description = "Transactions in the page: 1 to 1000, default 100")
                        @RequestParam(required = false) Integer limit) {
        int skip = offset == null ? 0 : offset;
        int size = limit == null ? DEFAULT_PENDING_LIMIT : limit;
        if (skip < 0) {
            throw new InvalidRequestException("offset", "must be 0 or more");
        }
        if (size < 1 || size > Paging.MAX_ITEMS) {
            throw new InvalidRequestException("limit", "must be 1 to " + Paging.MAX_ITEMS);
        }
        PendingPage page = chain.pending(skip, size);
        return new PendingView(page.total(), page.offset(),
                page.transactions().stream().map(TransactionView::pending).toList());
    }

    /** A page of the pool as {@code GET /transactions} answers it. */
    record PendingView(int total, int offset, List<TransactionView> transactions) {
    }

    @Operation(summary = "A confirmed transaction's inclusion proof", description = """
            {"id", "blockIndex", "blockHash", "leafIndex", "leafCount", "transactionsRoot", "auditPath"}: the RFC             6962 audit path from the transaction's leaf (its id, then its signature when signed) to its block's             transactions root, leaf side first. With the block's header, anyone checks it without trusting the node.""",
            responses = {
                @ApiResponse(responseCode = "200", description = "The proof"),
                @ApiResponse(responseCode = "404", description = "Unknown to this node"),
                @ApiResponse(responseCode = "409", description = "Pending: no block holds it yet")})
    @GetMapping("/{id}/proof")
    InclusionProof proof(@PathVariable String id) {
        return chain.inclusionProof(id).orElseThrow(() -> chain.status(id).isPresent()
                ? new ResponseStatusException(HttpStatus.CONFLICT, "transaction " + id + " is pending: no block holds it yet")
                : new ResponseStatusException(HttpStatus.NOT_FOUND, "no transaction " + id + " on this node"));
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
