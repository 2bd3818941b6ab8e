package io.meshchain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ForkChoiceTest {

    private static ChainTip tip(long work, long timestamp, char hash) {
        return new ChainTip(work / 256, String.valueOf(hash).repeat(64), timestamp, BigInteger.valueOf(work));
    }

    @Test
    void moreWorkWinsWhateverTheTimestamp() {
        assertThat(ForkChoice.isBetter(tip(768, 9_000, 'f'), tip(512, 1_000, '0'))).isTrue();
        assertThat(ForkChoice.isBetter(tip(512, 1_000, '0'), tip(768, 9_000, 'f'))).isFalse();
    }

    @Test
    void equalWorkTheEarliestTipWinsAsInTheSeed() {
        assertThat(ForkChoice.isBetter(tip(512, 1_000, 'f'), tip(512, 2_000, '0'))).isTrue();
        assertThat(ForkChoice.isBetter(tip(512, 2_000, '0'), tip(512, 1_000, 'f'))).isFalse();
    }

    @Test
    void equalWorkAndTimeTheLowestHashWins() {
        assertThat(ForkChoice.isBetter(tip(512, 1_000, 'a'), tip(512, 1_000, 'b'))).isTrue();
        assertThat(ForkChoice.isBetter(tip(512, 1_000, 'b'), tip(512, 1_000, 'a'))).isFalse();
    }

    @Test
    void aChainIsNotBetterThanItself() {
        assertThat(ForkChoice.isBetter(tip(512, 1_000, 'a'), tip(512, 1_000, 'a'))).isFalse();
    }
}
