package io.meshchain.pow;

import static jdk.incubator.vector.VectorOperators.BITWISE_BLEND;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.ROR;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The widest hasher: one SHA-256 compression per attempt, as {@link MidstateHasher}, but for as
 * many proofs at once as the CPU's vector registers hold 32-bit lanes (16 with AVX-512), one proof
 * per lane, with the JDK's Vector API. SHA-256's rounds are a chain of dependent steps, so one
 * compression at a time leaves most of a core idle; sixteen side by side keep it busy.
 * <p>
 * The header's first block is compressed once (the midstate). In the padded second block only the
 * words that hold proof bytes differ between attempts, so the rounds before the first of them are
 * run once per header, and message-schedule words that depend on none of them are computed once.
 * The lanes only filter: a lane whose hash has the first {@code min(difficulty, 32)} bits zero is
 * checked again by {@code judge}, a one-at-a-time hasher, so a proof is never reported that the
 * scalar rules would refuse.
 * <p>
 * The Vector API is an incubator module in Java 17: the JVM needs
 * {@code --add-modules jdk.incubator.vector}, and prints a warning when it has it. This class must
 * only be loaded after {@link HasherChoice} has found the module.
 */
final class LaneHasher implements AttemptHasher {

    private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_PREFERRED;
    /** Proofs hashed side by side. */
    static final int LANES = SPECIES.length();
    static final String NAME = LANES + " SIMD lanes (1 compression per attempt, " + LANES + " attempts at once)";

    /** SHA-256's initial hash value (FIPS 180-4, 5.3.3). */
    private static final int[] IV = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    /** SHA-256's round constants (FIPS 180-4, 4.2.2). */
    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    private static final int ROUNDS = 64;
    private static final int BLOCK_WORDS = 16;

    private final AttemptHasher judge;
    /** The state after the header's first block. */
    private final int[] midstate = new int[8];
    /** The state after the second block's rounds that no proof byte reaches. */
    private final int[] settled = new int[8];
    /** The first round whose message word depends on the proof. */
    private final int firstVariableRound;
    /** Words of the second block that hold proof bytes: index, constant bits, shift and mask of the proof's bits. */
    private final int[] proofWords;
    private final int[] proofWordConstant;
    private final int[] proofShift;
    private final int[] proofMask;
    /** Schedule words (16 and up) that depend on the proof, computed for every batch. */
    private final int[] variableSchedule;
    /** The message schedule, word t of lane j at {@code t * LANES + j}. */
    private final int[] schedule = new int[ROUNDS * LANES];
    /** The first word of each lane's hash, after {@link #hashFirstWords}. */
    private final int[] firstWords = new int[LANES];

    LaneHasher(byte[] encoded, AttemptHasher judge) {
        this.judge = judge;
        int[] words = new int[ROUNDS];
        bigEndianWords(encoded, 0, words);
        System.arraycopy(IV, 0, midstate, 0, 8);
        compress(midstate, words, 0, ROUNDS);

        bigEndianWords(HeaderEncoding.paddedSecondBlock(encoded), 0, words);
        int proofAt = HeaderEncoding.PROOF_OFFSET - HeaderEncoding.SHA256_BLOCK;
        int firstProofWord = proofAt / 4;
        int lastProofWord = (proofAt + Long.BYTES - 1) / 4;
        int count = lastProofWord - firstProofWord + 1;
        proofWords = new int[count];
        proofWordConstant = new int[count];
        proofShift = new int[count];
        proofMask = new int[count];
        boolean[] variable = new boolean[ROUNDS];
        for (int i = 0; i < count; i++) {
            int word = firstProofWord + i;
            // Where the proof's first byte falls, in bytes from this word's first: -7 to 3.
            int offset = proofAt - 4 * word;
            proofWords[i] = word;
            proofShift[i] = 32 + 8 * offset;
            proofMask[i] = offset >= 0 ? -1 >>> (8 * offset) : offset >= -4 ? -1 : -1 << (8 * (-4 - offset));
            proofWordConstant[i] = words[word] & ~proofMask[i];
            variable[word] = true;
        }
        int variableCount = 0;
        for (int t = BLOCK_WORDS; t < ROUNDS; t++) {
            variable[t] = variable[t - 2] || variable[t - 7] || variable[t - 15] || variable[t - 16];
            if (variable[t]) {
                variableCount++;
            } else {
                words[t] = scheduleWord(words[t - 2], words[t - 7], words[t - 15], words[t - 16]);
            }
        }
        variableSchedule = new int[variableCount];
        for (int t = 0, i = 0; t < ROUNDS; t++) {
            if (variable[t] && t >= BLOCK_WORDS) {
                variableSchedule[i++] = t;
            } else if (!variable[t]) {
                // Plain stores: a new hasher per template, often run before the JIT compiles the Vector API.
                Arrays.fill(schedule, t * LANES, (t + 1) * LANES, words[t]);
            }
        }
        firstVariableRound = firstProofWord;
        System.arraycopy(midstate, 0, settled, 0, 8);
        compress(settled, words, 0, firstVariableRound);
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public int firstMet(long start, long step, int difficulty) {
        if (difficulty <= 0) {
            return 0;
        }
        IntVector first = hashFirstWords(start, step);
        int filterBits = Math.min(difficulty, Integer.SIZE);
        VectorMask<Integer> candidates = first.lanewise(LSHR, Integer.SIZE - filterBits).compare(EQ, 0);
        if (!candidates.anyTrue()) {
            return -1;
        }
        for (int lane = candidates.firstTrue(); lane < LANES; lane++) {
            if (candidates.laneIsSet(lane) && judge.meets(start + lane * step, difficulty)) {
                return lane;
            }
        }
        return -1;
    }

    @Override
    public boolean meets(long proof, int difficulty) {
        return judge.meets(proof, difficulty);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The first word of the hashes of {@code start + j * step}, lane j; also left in {@link #firstWords}. */
    IntVector hashFirstWords(long start, long step) {
        int[] w = schedule;
        for (int i = 0; i < proofWords.length; i++) {
            int base = proofWords[i] * LANES;
            int shift = proofShift[i];
            int constant = proofWordConstant[i];
            int mask = proofMask[i];
            long proof = start;
            for (int lane = 0; lane < LANES; lane++, proof += step) {
                long bits = shift >= 0 ? proof >>> shift : proof << -shift;
                w[base + lane] = constant | (int) bits & mask;
            }
        }
        for (int t : variableSchedule) {
            IntVector w2 = IntVector.fromArray(SPECIES, w, (t - 2) * LANES);
            IntVector w15 = IntVector.fromArray(SPECIES, w, (t - 15) * LANES);
            IntVector sigma1 = w2.lanewise(ROR, 17).lanewise(XOR, w2.lanewise(ROR, 19)).lanewise(XOR, w2.lanewise(LSHR, 10));
            IntVector sigma0 = w15.lanewise(ROR, 7).lanewise(XOR, w15.lanewise(ROR, 18)).lanewise(XOR, w15.lanewise(LSHR, 3));
            sigma1.add(IntVector.fromArray(SPECIES, w, (t - 7) * LANES)).add(sigma0)
                    .add(IntVector.fromArray(SPECIES, w, (t - 16) * LANES)).intoArray(w, t * LANES);
        }
        IntVector a = IntVector.broadcast(SPECIES, settled[0]);
        IntVector b = IntVector.broadcast(SPECIES, settled[1]);
        IntVector c = IntVector.broadcast(SPECIES, settled[2]);
        IntVector d = IntVector.broadcast(SPECIES, settled[3]);
        IntVector e = IntVector.broadcast(SPECIES, settled[4]);
        IntVector f = IntVector.broadcast(SPECIES, settled[5]);
        IntVector g = IntVector.broadcast(SPECIES, settled[6]);
        IntVector h = IntVector.broadcast(SPECIES, settled[7]);
        for (int t = firstVariableRound; t < ROUNDS; t++) {
            IntVector bigSigma1 = e.lanewise(ROR, 6).lanewise(XOR, e.lanewise(ROR, 11)).lanewise(XOR, e.lanewise(ROR, 25));
            // Ch(e, f, g): f where e has a one, g where it has a zero.
            IntVector choose = g.lanewise(BITWISE_BLEND, f, e);
            IntVector t1 = h.add(bigSigma1).add(choose).add(IntVector.fromArray(SPECIES, w, t * LANES).add(K[t]));
            IntVector bigSigma0 = a.lanewise(ROR, 2).lanewise(XOR, a.lanewise(ROR, 13)).lanewise(XOR, a.lanewise(ROR, 22));
            // Maj(a, b, c): where a and b agree, their bit; where they differ, c's.
            IntVector majority = a.lanewise(BITWISE_BLEND, c, a.lanewise(XOR, b));
            h = g;
            g = f;
            f = e;
            e = d.add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.add(bigSigma0).add(majority);
        }
        IntVector first = a.add(midstate[0]);
        first.intoArray(firstWords, 0);
        return first;
    }

    /**
     * Checks the lanes against {@link DigestHasher}'s hashes of the same proofs, on a fixed header,
     * before the miner trusts them.
     */
    static boolean agreesWithDigest() {
        byte[] encoded = new byte[HeaderEncoding.LENGTH];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = (byte) (31 * i + 7);
        }
        LaneHasher lanes = new LaneHasher(encoded, new DigestHasher(encoded));
        long start = 0x0123_4567_89ab_cdefL;
        long step = 3;
        lanes.hashFirstWords(start, step);
        for (int lane = 0; lane < LANES; lane++) {
            HeaderEncoding.putProof(encoded, start + lane * step);
            byte[] hash = Hashes.sha256().digest(encoded);
            int first = (hash[0] & 0xff) << 24 | (hash[1] & 0xff) << 16 | (hash[2] & 0xff) << 8 | hash[3] & 0xff;
            if (lanes.firstWords[lane] != first) {
                return false;
            }
        }
        return true;
    }

    /** {@link #firstWords} as the last {@link #hashFirstWords} left them; for tests. */
    int[] firstWords() {
        return firstWords.clone();
    }

    private static int scheduleWord(int w2, int w7, int w15, int w16) {
        int sigma1 = Integer.rotateRight(w2, 17) ^ Integer.rotateRight(w2, 19) ^ (w2 >>> 10);
        int sigma0 = Integer.rotateRight(w15, 7) ^ Integer.rotateRight(w15, 18) ^ (w15 >>> 3);
        return sigma1 + w7 + sigma0 + w16;
    }

    /**
     * SHA-256's rounds {@code from} to {@code to} (exclusive) on {@code state}, one lane, with the
     * schedule words in {@code words} (extended in place past 16 as needed); at {@code to == 64}
     * the block's result is added in, as the compression function ends.
     */
    private static void compress(int[] state, int[] words, int from, int to) {
        for (int t = BLOCK_WORDS; t < to; t++) {
            words[t] = scheduleWord(words[t - 2], words[t - 7], words[t - 15], words[t - 16]);
        }
        int a = state[0], b = state[1], c = state[2], d = state[3];
        int e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = from; t < to; t++) {
            int t1 = h + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
                    + ((e & f) ^ (~e & g)) + K[t] + words[t];
            int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
                    + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        int[] result = {a, b, c, d, e, f, g, h};
        for (int i = 0; i < 8; i++) {
            state[i] = to == ROUNDS ? state[i] + result[i] : result[i];
        }
    }

    private static void bigEndianWords(byte[] bytes, int offset, int[] words) {
        for (int i = 0; i < BLOCK_WORDS; i++) {
            int at = offset + 4 * i;
            words[i] = (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                    | bytes[at + 3] & 0xff;
        }
    }
}
