package io.meshchain.ledger;

import io.meshchain.primitives.ChainTip;
import java.util.Comparator;

/**
 * Which of two valid chains a node keeps. The one with more total work wins. Two chains of equal
 * work are told apart where they part: the chain whose first block after their last common block is
 * the earlier wins (the seed's "earliest block" rule), then the one whose first block has the lower
 * hash. Comparing there, rather than at the tips, gives the same answer however both chains grow
 * afterwards: while two branches keep growing side by side, their tips change at every block and a
 * comparison of tips could change its answer with each of them, so that nodes switch back and forth;
 * the blocks where the branches part never change. Every node that sees the same two chains makes the
 * same choice.
 */
public final class ForkChoice {

    /** Orders the first blocks of two branches of equal work, better first: earliest, then lowest hash. */
    private static final Comparator<ChainTip> BRANCH_START = Comparator.comparingLong(ChainTip::timestamp)
            .thenComparing(ChainTip::hash);

    private ForkChoice() {
    }

    /**
     * True when a chain whose tip is {@code candidate} may be better than one whose tip is
     * {@code current}: it has more work, or the same work and another tip. For two chains of equal
     * work a tip does not say which is better ({@link #isBetter}): a peer's summary of the same work
     * and another tip is worth finding out where the chains part.
     */
    public static boolean mayBeBetter(ChainTip candidate, ChainTip current) {
        int work = candidate.totalWork().compareTo(current.totalWork());
        return work > 0 || work == 0 && !candidate.hash().equals(current.hash());
    }

    /**
     * Of two chains of equal work that part after the same block, whether the one whose first block
     * after it is {@code candidateStart} is the better: what {@link #isBetter} decides for them, known
     * from those two blocks alone, before the rest of either chain is fetched.
     */
    public static boolean startsBetter(ChainTip candidateStart, ChainTip currentStart) {
        return BRANCH_START.compare(candidateStart, currentStart) < 0;
    }

    /**
     * True only when the candidate chain is strictly better than the current one, both growing from
     * their last common block.
     *
     * @param candidateStart the candidate's first block after the common block
     * @param currentStart   the current chain's first block after it, or null when the current chain ends
     *                       there (the candidate extends it)
     */
    public static boolean isBetter(ChainTip candidate, ChainTip candidateStart, ChainTip current, ChainTip currentStart) {
        int work = candidate.totalWork().compareTo(current.totalWork());
        if (work != 0 || currentStart == null) {
            return work > 0;
        }
        return startsBetter(candidateStart, currentStart);
    }
}
