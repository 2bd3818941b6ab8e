package io.meshchain.mining;

import io.meshchain.crypto.Hex;
import io.meshchain.ledger.ProofSubmission;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;

/** The wire form of {@code POST /proof} (the seed's {@code up}). */
record ProofRequest(@NotNull @PositiveOrZero Long index,
                    @NotNull @Pattern(regexp = Hex.HASH_PATTERN, message = HASH_MESSAGE) String previousHash,
                    @NotNull @PositiveOrZero Long timestamp,
                    @NotEmpty List<@NotNull @Pattern(regexp = Hex.HASH_PATTERN, message = HASH_MESSAGE) String> transactionIds,
                    @NotNull Long proof) {

    static final String HASH_MESSAGE = "must be 64 lowercase hex characters";

    ProofSubmission toSubmission() {
        return new ProofSubmission(index, previousHash, timestamp, transactionIds, proof);
    }
}
