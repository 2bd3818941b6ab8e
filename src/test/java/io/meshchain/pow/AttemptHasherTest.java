package io.meshchain.pow;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshchain.ledger.Genesis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttemptHasherTest {

    private static BlockHeader header(Random random) {
        String root = Hashes.transactionsRoot(List.of(Hashes.transactionId("alice", "c" + random.nextInt(), 1)));
        return new BlockHeader(random.nextInt(1_000_000), random.nextLong() & Long.MAX_VALUE, Genesis.NO_PARENT,
                1 + random.nextInt(24), root, 0);
    }

    @Test
    void theFastestHasherIsTheOneChosenInTheBuild() {
        // The build passes --add-opens and --add-modules to tests, as the image does to the node: the
        // fast paths are the ones tested. The lanes are chosen where the CPU has 512-bit vectors.
        assertThat(MidstateHasher.isAvailable()).isTrue();
        assertThat(ModuleLayer.boot().findModule(HasherChoice.VECTOR_MODULE)).isPresent();
        String expected = LaneHasher.LANES >= HasherChoice.MIN_LANES ? LaneHasher.NAME : MidstateHasher.NAME;
        byte[] encoded = HeaderEncoding.encode(header(new Random(1)));
        int from = HasherChoice.MIN_LANE_DIFFICULTY;
        assertThat(ProofSearch.hasherName(from)).isEqualTo(expected);
        assertThat(HasherChoice.forHeader(encoded, from).name()).isEqualTo(expected);
        // Below it a search is too short for the lanes: one proof at a time, and the log says where they start.
        assertThat(HasherChoice.forHeader(encoded, from - 1).name()).isEqualTo(MidstateHasher.NAME);
        assertThat(ProofSearch.hasherName(8)).startsWith(MidstateHasher.NAME);
    }

    @Test
    void everyLaneHashesItsOwnProof() {
        Random random = new Random(11);
        for (int i = 0; i < 100; i++) {
            BlockHeader header = header(random);
            byte[] encoded = HeaderEncoding.encode(header);
            LaneHasher lanes = new LaneHasher(encoded, new DigestHasher(encoded));
            long start = random.nextLong();
            long step = 1 + random.nextInt(8);
            lanes.hashFirstWords(start, step);
            int[] first = lanes.firstWords();
            for (int lane = 0; lane < LaneHasher.LANES; lane++) {
                String hash = Hashes.blockHash(header.withProof(start + lane * step));
                assertThat(String.format("%08x", first[lane])).as("lane %d", lane).isEqualTo(hash.substring(0, 8));
            }
        }
    }

    @Test
    void theLanesFindTheFirstProofThatMeetsTheDifficulty() {
        Random random = new Random(5);
        byte[] encoded = HeaderEncoding.encode(header(random));
        AttemptHasher portable = new DigestHasher(encoded);
        AttemptHasher lanes = new LaneHasher(encoded, new DigestHasher(encoded));
        for (int bits : new int[] {1, 2, 3, 5, 8}) {
            for (long start = 0; start < 4_000; start += LaneHasher.LANES) {
                int expected = -1;
                for (int lane = LaneHasher.LANES - 1; lane >= 0; lane--) {
                    expected = portable.meets(start + lane, bits) ? lane : expected;
                }
                assertThat(lanes.firstMet(start, 1, bits)).as("%d bits from %d", bits, start).isEqualTo(expected);
            }
        }
    }

    @Test
    void theLanesOnlyFilterAndTheJudgeDecides() {
        // The lanes see only a hash's first word: a lane that passes is checked again, one at a time.
        byte[] encoded = HeaderEncoding.encode(header(new Random(9)));
        List<Long> judged = new ArrayList<>();
        AttemptHasher judge = new AttemptHasher() {
            @Override
            public boolean meets(long proof, int difficulty) {
                judged.add(proof);
                return false;
            }

            @Override
            public String name() {
                return "judge";
            }
        };
        LaneHasher lanes = new LaneHasher(encoded, judge);
        long start = -LaneHasher.LANES;
        int[] first;
        do {
            start += LaneHasher.LANES;
            lanes.hashFirstWords(start, 1);
            first = lanes.firstWords();
        } while (Arrays.stream(first).noneMatch(word -> word >>> 28 == 0));
        // At 4 bits the lanes filter; the judge sees exactly the lanes that pass, in order, and refuses them all.
        assertThat(lanes.firstMet(start, 1, 4)).isEqualTo(-1);
        List<Long> expected = new ArrayList<>();
        for (int lane = 0; lane < LaneHasher.LANES; lane++) {
            if (first[lane] >>> 28 == 0) {
                expected.add(start + lane);
            }
        }
        assertThat(judged).isEqualTo(expected);
    }

    @Test
    void proofsFoundByTheLanesAreTheOnesFoundOneAtATime() {
        Random random = new Random(13);
        for (int i = 0; i < 20; i++) {
            BlockHeader header = header(random);
            int bits = 4 + random.nextInt(10);
            byte[] encoded = HeaderEncoding.encode(header);
            long start = random.nextInt(1_000);
            long step = 1 + random.nextInt(4);
            long alone = new ProofSearch(new DigestHasher(encoded), bits).search(start, step, () -> false, n -> { })
                    .orElseThrow();
            AtomicLong attempts = new AtomicLong();
            long together = new ProofSearch(new LaneHasher(encoded, new DigestHasher(encoded)), bits)
                    .search(start, step, () -> false, attempts::addAndGet).orElseThrow();
            assertThat(together).as("%d bits from %d by %d", bits, start, step).isEqualTo(alone);
            assertThat(attempts.get()).isEqualTo((alone - start) / step + 1);
        }
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
