package io.meshchain.ledger.rules;

/** A block broke a named consensus rule. */
public class BlockRejectedException extends Exception {

    private final String rule;
    private final long blockIndex;

    public BlockRejectedException(String rule, long blockIndex, String detail) {
        super("block " + blockIndex + " breaks rule " + rule + ": " + detail);
        this.rule = rule;
        this.blockIndex = blockIndex;
    }

    public String rule() {
        return rule;
    }

    public long blockIndex() {
        return blockIndex;
    }
}
