package io.meshchain.ledger.rules;

/** A block broke a named consensus rule. */
public class BlockRejectedException extends Exception {

    private final String rule;
    private final long blockIndex;
    private final boolean undoneByTime;

    /** A refusal that stands whatever the time. */
    public BlockRejectedException(String rule, long blockIndex, String detail) {
        this(rule, blockIndex, detail, false);
    }

    BlockRejectedException(String rule, long blockIndex, String detail, boolean undoneByTime) {
        super("block " + blockIndex + " breaks rule " + rule + ": " + detail);
        this.rule = rule;
        this.blockIndex = blockIndex;
        this.undoneByTime = undoneByTime;
    }

    /**
     * True when the block may keep every rule later: it is stamped, or holds a transaction stamped,
     * too far ahead of this node's clock. Such a refusal is retried, never remembered.
     */
    public boolean undoneByTime() {
        return undoneByTime;
    }

    public String rule() {
        return rule;
    }

    public long blockIndex() {
        return blockIndex;
    }
}
