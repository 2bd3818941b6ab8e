package io.meshchain.ledger;

import io.meshchain.primitives.ChainTip;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ForkChoiceTest {

    private static ChainTip block(long work, long timestamp, char hash) {
        return new ChainTip(work / 256, String.valueOf(hash).repeat(64), timestamp, BigInteger.valueOf(work));
    }

    @Test
    void moreWorkWinsWhateverTheTimestamps() {
        assertThat(ForkChoice.isBetter(block(768, 9_000, 'f'), block(512, 9_000, 'f'), block(512, 1_000, '0'),
                block(512, 1_000, '0'))).isTrue();
        assertThat(ForkChoice.isBetter(block(512, 1_000, '0'), block(512, 1_000, '0'), block(768, 9_000, 'f'),
                block(512, 9_000, 'f'))).isFalse();
    }

    @Test
    void aChainThatExtendsTheCurrentOneIsBetter() {
        assertThat(ForkChoice.isBetter(block(768, 9_000, 'f'), block(768, 9_000, 'f'), block(512, 1_000, '0'), null))
                .isTrue();
    }

    @Test
    void equalWorkTheBranchWhoseFirstBlockIsEarlierWinsWhateverTheTips() {
        // Its tip is later, and its tip hash higher: only where the branches part counts.
        assertThat(ForkChoice.isBetter(block(1024, 9_000, 'f'), block(512, 1_000, 'f'), block(1024, 2_000, '0'),
                block(512, 2_000, '0'))).isTrue();
        assertThat(ForkChoice.isBetter(block(1024, 2_000, '0'), block(512, 2_000, '0'), block(1024, 9_000, 'f'),
                block(512, 1_000, 'f'))).isFalse();
    }

    @Test
    void equalWorkAndFirstBlocksOfTheSameTimeTheLowerHashWins() {
        assertThat(ForkChoice.isBetter(block(512, 1_000, 'b'), block(512, 1_000, 'a'), block(512, 1_000, 'a'),
                block(512, 1_000, 'b'))).isTrue();
        assertThat(ForkChoice.isBetter(block(512, 1_000, 'a'), block(512, 1_000, 'b'), block(512, 1_000, 'b'),
                block(512, 1_000, 'a'))).isFalse();
    }

    /** Two branches that grow side by side, a block each at a time: the choice never changes. */
    @Test
    void theChoiceStaysTheSameWhileBothBranchesGrow() {
        ChainTip startA = block(512, 1_000, 'c');
        ChainTip startB = block(512, 1_000, 'd');
        for (int grown = 0; grown < 20; grown++) {
            long work = 512 + 256L * grown;
            // Tips whose hashes fall either way, as new blocks' hashes do.
            ChainTip tipA = block(work, 1_000 + 1_000L * grown, grown % 2 == 0 ? 'e' : '1');
            ChainTip tipB = block(work, 1_000 + 1_000L * grown, grown % 2 == 0 ? '1' : 'e');
            assertThat(ForkChoice.isBetter(tipA, startA, tipB, startB)).as("after %d blocks each", grown).isTrue();
            assertThat(ForkChoice.isBetter(tipB, startB, tipA, startA)).as("after %d blocks each", grown).isFalse();
        }
    }

    @Test
    void aSummaryOfTheSameWorkAndAnotherTipMayBeBetterTheSameTipNot() {
        assertThat(ForkChoice.mayBeBetter(block(512, 1_000, 'a'), block(512, 1_000, 'b'))).isTrue();
        assertThat(ForkChoice.mayBeBetter(block(512, 1_000, 'a'), block(512, 1_000, 'a'))).isFalse();
        assertThat(ForkChoice.mayBeBetter(block(256, 1_000, 'a'), block(512, 1_000, 'b'))).isFalse();
        assertThat(ForkChoice.mayBeBetter(block(768, 9_000, 'f'), block(512, 1_000, '0'))).isTrue();
    }
}
