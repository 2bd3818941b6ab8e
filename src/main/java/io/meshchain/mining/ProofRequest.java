package io.meshchain.mining;

import io.meshchain.ledger.ProofSubmission;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;

/** The wire form of {@code POST /proof} (the seed's {@code up}). */
record ProofRequest(@NotNull @PositiveOrZero Long index,
                    @NotNull @Pattern(regexp = HASH, message = "must be 64 lowercase hex characters") String previousHash,
                    @NotNull @PositiveOrZero Long timestamp,
                    @NotEmpty List<@NotNull @Pattern(regexp = HASH, message = "must be 64 lowercase hex characters") String> transactionIds,
                    @NotNull Long proof) {

    static final String HASH = "[0-9a-f]{64}";

    ProofSubmission toSubmission() {
        return new ProofSubmission(index, previousHash, timestamp, transactionIds, proof);
    }
}
