package io.meshchain.pow;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.ledger.Genesis;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProofSearchTest {

    private final BlockHeader header = new BlockHeader(1, 1_000, Genesis.NO_PARENT, 8,
            Hashes.transactionsRoot(List.of()), 0);

    @Test
    void findsAProofThatMeetsTheDifficultyAndCountsEveryAttempt() {
        AtomicLong attempts = new AtomicLong();
        OptionalLong proof = new ProofSearch(header).search(0, 1, () -> false, attempts::addAndGet);

        assertThat(proof).isPresent();
        assertThat(Difficulty.isMetBy(Hashes.blockHash(header.withProof(proof.getAsLong())), 8)).isTrue();
        assertThat(attempts.get()).isEqualTo(proof.getAsLong() + 1);
    }

    @Test
    void findsTheFirstProofInItsShareOfTheSpace() {
        long first = new ProofSearch(header).search(0, 1, () -> false, n -> { }).orElseThrow();
        long odd = new ProofSearch(header).search(1, 2, () -> false, n -> { }).orElseThrow();
        assertThat(odd % 2).isEqualTo(1);
        assertThat(Difficulty.isMetBy(Hashes.blockHash(header.withProof(odd)), 8)).isTrue();
        assertThat(first).isLessThanOrEqualTo(odd);
    }

    @Test
    void givesUpWhenTheWorkGoesStale() {
        BlockHeader impossible = new BlockHeader(1, 1_000, Genesis.NO_PARENT, 64, Hashes.transactionsRoot(List.of()), 0);
        AtomicLong attempts = new AtomicLong();
        OptionalLong proof = new ProofSearch(impossible).search(0, 1, () -> attempts.get() >= 3L * ProofSearch.STALENESS_CHECK_INTERVAL,
                attempts::addAndGet);
        assertThat(proof).isEmpty();
        assertThat(attempts.get()).isEqualTo(3L * ProofSearch.STALENESS_CHECK_INTERVAL);
    }
}
