package io.meshchain.system;

/**
 * How much of its stored chain a node checks at start ({@code meshchain.storage.verify}).
 */
public enum StoredChainCheck {
    /**
     * The blocks at the tip, by every rule and against the index: start-up costs the same whatever
     * the chain's length. Each block was checked by every rule before it was stored.
     */
    TAIL,
    /**
     * Every block from genesis, by every rule, and every entry of the index against the blocks: an
     * operator's command after restoring a backup or suspecting the disk. It reads the whole chain.
     */
    FULL
}
