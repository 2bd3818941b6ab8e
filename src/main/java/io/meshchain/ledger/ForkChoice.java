package io.meshchain.ledger;

import java.util.Comparator;

/**
 * Which of two valid chains a node keeps. Chains are ordered by total work (most wins), then by
 * tip timestamp (earliest wins: the seed system's tie rule), then by tip hash (lowest wins). The
 * order is total, so every node that sees the same two chains makes the same choice.
 */
public final class ForkChoice {

    /** Orders chains from best to worst. */
    public static final Comparator<ChainTip> BEST_FIRST = Comparator
            .comparing(ChainTip::totalWork, Comparator.reverseOrder())
            .thenComparingLong(ChainTip::timestamp)
            .thenComparing(ChainTip::hash);

    private ForkChoice() {
    }

    /** True only when {@code candidate} is strictly better than {@code current}. */
    public static boolean isBetter(ChainTip candidate, ChainTip current) {
        return BEST_FIRST.compare(candidate, current) < 0;
    }
}
