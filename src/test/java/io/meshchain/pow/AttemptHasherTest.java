package io.meshchain.pow;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.ledger.Genesis;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttemptHasherTest {

    private static BlockHeader header(Random random) {
        String root = Hashes.transactionsRoot(List.of(Hashes.transactionId("alice", "c" + random.nextInt(), 1)));
        return new BlockHeader(random.nextInt(1_000_000), random.nextLong() & Long.MAX_VALUE, Genesis.NO_PARENT,
                1 + random.nextInt(24), root, 0);
    }

    @Test
    void theFastHasherIsAvailableInTheBuild() {
        // The build passes --add-opens to tests, as the jar's manifest does to java -jar: the fast path is the one tested.
        assertThat(MidstateHasher.isAvailable()).isTrue();
        assertThat(ProofSearch.hasherName()).isEqualTo(MidstateHasher.NAME);
    }

    @Test
    void midstateHashIsTheBlockHash() {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            BlockHeader header = header(random);
            MidstateHasher hasher = new MidstateHasher(HeaderEncoding.encode(header));
            long proof = random.nextLong();
            assertThat(hasher.hash(proof)).isEqualTo(Hashes.blockHash(header.withProof(proof)));
        }
    }

    @Test
    void bothHashersAgreeOnEveryDifficulty() {
        Random random = new Random(7);
        BlockHeader header = header(random);
        byte[] encoded = HeaderEncoding.encode(header);
        AttemptHasher fast = new MidstateHasher(encoded);
        AttemptHasher portable = new DigestHasher(encoded);
        for (long proof = 0; proof < 20_000; proof++) {
            for (int bits : new int[] {1, 4, 8, 9, 12, 16}) {
                assertThat(fast.meets(proof, bits)).as("proof %d, %d bits", proof, bits).isEqualTo(portable.meets(proof, bits));
            }
        }
    }

    @Test
    void proofsFoundByEitherHasherAreTheSame() {
        BlockHeader header = header(new Random(3)).withProof(0);
        BlockHeader at12 = new BlockHeader(header.index(), header.timestamp(), header.previousHash(), 12,
                header.transactionsRoot(), 0);
        byte[] encoded = HeaderEncoding.encode(at12);
        long fast = new ProofSearch(new MidstateHasher(encoded), 12).search(0, 1, () -> false, n -> { }).orElseThrow();
        long portable = new ProofSearch(new DigestHasher(encoded), 12).search(0, 1, () -> false, n -> { }).orElseThrow();
        assertThat(fast).isEqualTo(portable);
        assertThat(Difficulty.isMetBy(Hashes.blockHash(at12.withProof(fast)), 12)).isTrue();
    }

    @Test
    void wordsAndBytesCountLeadingZeroBitsAlike() {
        int[] words = {0x00000000, 0x0fffffff, 0, 0, 0, 0, 0, 0};
        assertThat(Difficulty.isMetBy(words, 36)).isTrue();
        assertThat(Difficulty.isMetBy(words, 37)).isFalse();
        assertThat(Difficulty.isMetBy(words, 0)).isTrue();
        assertThat(Difficulty.isMetBy(new int[] {0x80000000, 0, 0, 0, 0, 0, 0, 0}, 1)).isFalse();
    }
}
