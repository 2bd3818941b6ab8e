package io.meshchain.it;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Seeded random inputs for fuzz tests, and the cases that draw them.
 *
 * <p>A run has one seed: {@code -Dfuzz.seed=<n>}, or else a random one. Each case draws from a
 * generator of its own, made from the seed, the property's name and the case's number, so a case gets
 * the same inputs whenever the seed is the same, whatever ran before it. A failing case names the seed
 * and its number, and {@code -Dfuzz.case=<i>} runs that case alone.
 *
 * <p>Draws lean towards edge cases (empty, zero, the extremes) and short values, as property-testing
 * libraries do: those find most faults, and read best in a failure.
 */
final class Fuzz {

    private static final String SEED_PROPERTY = "fuzz.seed";
    private static final String CASE_PROPERTY = "fuzz.case";

    /** The run's seed. */
    static final long SEED = property(SEED_PROPERTY).map(Long::parseLong)
            .orElseGet(() -> new SplittableRandom().nextLong());

    /** One draw in this many is an edge case rather than a random value. */
    private static final int EDGE_CASE_ODDS = 8;
    /** Half of all lengths are at most this: short values, mostly. */
    private static final int SHORT_LENGTH = 8;
    /** Bits of a double's significand after the point: how far below MIN_EXPONENT subnormals reach. */
    private static final int SIGNIFICAND_BITS = 52;
    /** Values up to this size (either sign) are "small" numbers. */
    private static final int SMALL_NUMBER = 10_000;

    private static final long[] EDGE_LONGS = {0, 1, -1, 2, -2, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE,
            Long.MAX_VALUE - 1};
    private static final double[] EDGE_DOUBLES = {0.0, -0.0, 0.01, -0.01, 1.0, -1.0, Double.MIN_VALUE,
            -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
    private static final byte[] EDGE_BYTES = {0, 1, -1, Byte.MIN_VALUE, Byte.MAX_VALUE};
    /** Edge cases among text characters: the first, a space, the last that is neither private nor a noncharacter. */
    private static final char[] EDGE_TEXT_CHARS = {'\u0000', ' ', '\uFFFD'};
    /** Edge cases among all UTF-16 units, lone surrogates and noncharacters included. */
    private static final char[] EDGE_ANY_CHARS = {'\u0000', '\uD800', '\uDFFF', '\uFFFE', '\uFFFF'};

    private final SplittableRandom random;

    private Fuzz(SplittableRandom random) {
        this.random = random;
    }

    /**
     * {@code tries} cases of a property, one dynamic test each, numbered from 1 as test reports number
     * them; with {@code -Dfuzz.case}, that case alone. A case that fails says how to replay it.
     */
    static Stream<DynamicTest> cases(String property, int tries, Consumer<Fuzz> body) {
        IntStream numbers = property(CASE_PROPERTY).map(only -> IntStream.of(Integer.parseInt(only)))
                .orElseGet(() -> IntStream.rangeClosed(1, tries));
        return numbers.mapToObj(number -> DynamicTest.dynamicTest("case " + number, () -> run(property, number, body)));
    }

    /** A system property, if set; its callers parse it strictly, so that a mistyped seed fails, not goes unused. */
    private static Optional<String> property(String name) {
        return Optional.ofNullable(System.getProperty(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    private static void run(String property, int number, Consumer<Fuzz> body) {
        try {
            body.accept(forCase(property, number));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed=" + SEED + " case=" + number + " of " + property + "; rerun with -D"
                    + SEED_PROPERTY + "=" + SEED + " (add -D" + CASE_PROPERTY + "=" + number + " for this case alone): "
                    + e.getMessage(), e);
        }
    }

    /** The generator of one case: the seed's high half mixed with the property, its low half with the number. */
    private static Fuzz forCase(String property, int number) {
        long caseSeed = SEED ^ ((long) property.hashCode() << 32 | Integer.toUnsignedLong(number));
        return new Fuzz(new SplittableRandom(caseSeed));
    }

    /** Whether this draw should be an edge case. */
    private boolean edge() {
        return random.nextInt(EDGE_CASE_ODDS) == 0;
    }

    <T> T oneOf(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    boolean nextBoolean() {
        return random.nextBoolean();
    }

    /** True with probability {@code 1 / odds}. */
    boolean oneIn(int odds) {
        return random.nextInt(odds) == 0;
    }

    /** An int in {@code [min, max]}, both included. */
    int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    /** Any long: an edge case, a small number, or anything at all. */
    long anyLong() {
        if (edge()) {
            return EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
        }
        return random.nextBoolean() ? between(-SMALL_NUMBER, SMALL_NUMBER) : random.nextLong();
    }

    /** Any finite double: an edge case, a small one with two decimals, or one of any magnitude. */
    double anyDouble() {
        if (edge()) {
            return EDGE_DOUBLES[random.nextInt(EDGE_DOUBLES.length)];
        }
        if (random.nextBoolean()) {
            return between(-SMALL_NUMBER * 100, SMALL_NUMBER * 100) / 100.0;
        }
        int exponent = random.nextInt(Double.MIN_EXPONENT - SIGNIFICAND_BITS, Double.MAX_EXPONENT);
        double magnitude = Math.scalb(random.nextDouble(), exponent);
        return random.nextBoolean() ? magnitude : -magnitude;
    }

    /**
     * Text of up to {@code maxLength} UTF-16 units from the whole Basic Multilingual Plane, but for
     * surrogates, noncharacters and private use: what a person might type, in any script.
     */
    String text(int maxLength) {
        char[] chars = new char[length(maxLength)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = edge() ? EDGE_TEXT_CHARS[random.nextInt(EDGE_TEXT_CHARS.length)] : textChar();
        }
        return new String(chars);
    }

    private char textChar() {
        while (true) {
            char c = (char) random.nextInt(Character.MAX_VALUE + 1);
            boolean surrogate = Character.isSurrogate(c);
            boolean noncharacter = (c >= '\uFDD0' && c <= '\uFDEF') || c == '\uFFFE' || c == '\uFFFF';
            boolean privateUse = c >= '\uE000' && c <= '\uF8FF';
            if (!surrogate && !noncharacter && !privateUse) {
                return c;
            }
        }
    }

    /** Up to {@code maxLength} of any UTF-16 units at all: lone surrogates and noncharacters too. */
    String anyChars(int maxLength) {
        char[] chars = new char[length(maxLength)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = edge() ? EDGE_ANY_CHARS[random.nextInt(EDGE_ANY_CHARS.length)]
                    : (char) random.nextInt(Character.MAX_VALUE + 1);
        }
        return new String(chars);
    }

    /** {@code minLength} to {@code maxLength} characters of {@code alphabet}. */
    String of(String alphabet, int minLength, int maxLength) {
        int length = minLength + length(maxLength - minLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** Up to {@code maxLength} random bytes; sometimes none, or a single edge byte. */
    byte[] bytes(int maxLength) {
        if (edge()) {
            return random.nextBoolean() ? new byte[0] : new byte[] {EDGE_BYTES[random.nextInt(EDGE_BYTES.length)]};
        }
        byte[] bytes = new byte[length(maxLength)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A length up to {@code max}: at times 0 or {@code max}, short half the time, else anything. */
    int length(int max) {
        if (edge()) {
            return random.nextBoolean() ? 0 : max;
        }
        return random.nextInt(random.nextBoolean() ? Math.min(max, SHORT_LENGTH) + 1 : max + 1);
    }
}
