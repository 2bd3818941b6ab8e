package io.meshchain.primitives;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What the ledger keeps of a block of its chain without the block's transactions: its place, its
 * hash, what the next block builds on, and the work of the chain up to it (as bitcoinj's
 * {@code StoredBlock} keeps a header with its height and chain work). Small enough that the ledger
 * holds the tip region of its chain this way, while whole blocks stay on disk.
 *
 * @param height    index of the block in the chain
 * @param hash      hash of the block
 * @param timestamp timestamp of the block
 * @param proof     proof of the block (the seed's "last proof" of the mining template)
 * @param totalWork sum of 2^difficulty over the chain up to and including this block
 */
public record StoredBlock(long height, String hash, long timestamp, long proof, BigInteger totalWork) {

    public StoredBlock {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(totalWork, "totalWork");
    }

    /** The entry for {@code block}, given the work of the chain up to and including it. */
    public static StoredBlock of(Block block, BigInteger totalWork) {
        return new StoredBlock(block.index(), block.hash(), block.timestamp(), block.proof(), totalWork);
    }

    /** This block as the tip of a chain, for fork choice. */
    public ChainTip tip() {
        return new ChainTip(height, hash, timestamp, totalWork);
    }
}
