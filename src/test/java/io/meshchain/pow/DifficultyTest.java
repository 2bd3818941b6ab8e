package io.meshchain.pow;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class DifficultyTest {

    private static byte[] hashStartingWith(int... bytes) {
        byte[] hash = new byte[32];
        for (int i = 0; i < bytes.length; i++) {
            hash[i] = (byte) bytes[i];
        }
        return hash;
    }

    @Test
    void eightBitsIsTheSeedsTwoHexZeros() {
        assertThat(Difficulty.isMetBy(hashStartingWith(0x00, 0xff), 8)).isTrue();
        assertThat(Difficulty.isMetBy(hashStartingWith(0x01, 0x00), 8)).isFalse();
        assertThat(Difficulty.isMetBy("00" + "f".repeat(62), 8)).isTrue();
        assertThat(Difficulty.isMetBy("0f" + "0".repeat(62), 8)).isFalse();
    }

    @Test
    void countsBitsNotHexDigits() {
        assertThat(Difficulty.isMetBy(hashStartingWith(0x00, 0x7f), 9)).isTrue();
        assertThat(Difficulty.isMetBy(hashStartingWith(0x00, 0x80), 9)).isFalse();
        assertThat(Difficulty.isMetBy(hashStartingWith(0x1f), 3)).isTrue();
        assertThat(Difficulty.isMetBy(hashStartingWith(0x20), 3)).isFalse();
    }

    @Test
    void anythingButAHexHashNeverMeetsTheDifficulty() {
        assertThat(Difficulty.isMetBy("00", 1)).isFalse();
        assertThat(Difficulty.isMetBy("00" + "G".repeat(62), 1)).isFalse();
    }

    @Test
    void workDoublesWithEachBit() {
        assertThat(Difficulty.work(8)).isEqualTo(BigInteger.valueOf(256));
        assertThat(Difficulty.work(9)).isEqualTo(BigInteger.valueOf(512));
    }
}
