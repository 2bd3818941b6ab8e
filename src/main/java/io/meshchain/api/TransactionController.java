package io.meshchain.api;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Submission;
import io.meshchain.ledger.Transaction;
import io.meshchain.network.RelayHeader;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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
@RequestMapping("/transactions")
class TransactionController {

    private final ChainService chain;
    private final Clock clock;

    TransactionController(ChainService chain, Clock clock) {
        this.chain = chain;
        this.clock = clock;
    }

    /** 201 for a new transaction, 200 for one this node already knows (submission is idempotent). */
    @PostMapping
    ResponseEntity<TransactionView> submit(@Valid @RequestBody TransactionRequest request,
                                           @RequestHeader(name = RelayHeader.NAME, required = false) String relayedBy) {
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
    @GetMapping
    Map<String, List<TransactionView>> pending() {
        return Map.of("transactions", chain.pending().stream().map(TransactionView::pending).toList());
    }

    @GetMapping("/{id}")
    TransactionView status(@PathVariable String id) {
        return chain.status(id).map(TransactionView::of)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no transaction " + id + " on this node"));
    }
}
