package io.meshchain.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The table-driven hex agrees with the JDK's, and is as strict as a hash on the wire must be. */
class HexTest {

    private static final String HASH = "00a426bb000e" + "0123456789abcdef".repeat(3) + "4f5e";

    @Test
    void encodesAndDecodesAsTheJdkDoes() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String hex = Hex.encode(bytes);
            assertThat(hex).isEqualTo(HexFormat.of().formatHex(bytes));
            assertThat(Hex.isHash(hex)).isTrue();
            assertThat(Hex.decode32(hex)).isEqualTo(bytes);
            assertThat(Hex.matches(hex, bytes)).isTrue();
            assertThat(Hex.matches(hex.toUpperCase(), bytes)).isEqualTo(hex.equals(hex.toUpperCase()));
        }
    }

    @Test
    void onlySixtyFourLowercaseHexCharactersAreAHash() {
        assertThat(HASH).hasSize(64);
        assertThat(Hex.isHash(HASH)).isTrue();
        assertThat(Hex.isHash(HASH.toUpperCase())).isFalse();
        assertThat(Hex.isHash(HASH.substring(1))).isFalse();
        assertThat(Hex.isHash(HASH + "0")).isFalse();
        assertThat(Hex.isHash(HASH.substring(1) + "g")).isFalse();
        assertThat(Hex.isHash(HASH.substring(1) + "\u0660")).as("an Arabic-Indic zero").isFalse();
        assertThat(Hex.isHash(HASH.substring(1) + "\u0130")).isFalse();
        assertThat(Hex.isHash(null)).isFalse();
        assertThat(Hex.matches(HASH.substring(0, 62) + "00", Hex.decode32(HASH))).isFalse();
        assertThat(Hex.matches(HASH.substring(2), Hex.decode32(HASH))).isFalse();
        assertThatThrownBy(() -> Hex.decode32(HASH.toUpperCase())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode32(HASH.substring(2))).isInstanceOf(IllegalArgumentException.class);
    }
}
