package io.meshchain.ledger.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MedianTimePastTest {

    @Test
    void theMedianOfElevenTimestampsWhateverTheirOrder() {
        MedianTimePast past = MedianTimePast.after(50, 10, 110, 20, 90, 30, 70, 40, 100, 60, 80);
        assertThat(past.median()).isEqualTo(60);
    }

    @Test
    void onlyTheLastElevenCount() {
        MedianTimePast past = MedianTimePast.after(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(past.median()).isEqualTo(6);

        past.add(1_000);
        past.add(1_001);
        assertThat(past.median()).as("3 to 11, 1000 and 1001").isEqualTo(8);
    }

    @Test
    void nearGenesisTheUpperMiddleOfAnEvenCount() {
        assertThat(MedianTimePast.after(0).median()).isZero();
        assertThat(MedianTimePast.after(0, 500).median()).isEqualTo(500);
        assertThat(MedianTimePast.after(0, 500, 900).median()).isEqualTo(500);
    }

    @Test
    void oneClockFarAheadDoesNotMoveTheMedian() {
        MedianTimePast past = MedianTimePast.after(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110);
        past.add(9_000_000);
        assertThat(past.median()).isEqualTo(70);
    }

    @Test
    void aChainHoldsAtLeastItsGenesisBlock() {
        assertThatThrownBy(MedianTimePast::after).isInstanceOf(IllegalArgumentException.class);
    }
}
