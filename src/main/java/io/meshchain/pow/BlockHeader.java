package io.meshchain.pow;

import java.util.Objects;

/**
 * The hashed part of a block. Everything a block claims is either in here or committed to by
 * {@link #transactionsRoot()}, so changing any of it changes the block's hash.
 *
 * @param index            height of the block (genesis is 0)
 * @param timestamp        epoch milliseconds chosen by the miner
 * @param previousHash     hex hash of the parent block
 * @param difficulty       leading zero bits the hash must have
 * @param transactionsRoot hex commitment to the ordered transaction ids ({@link Hashes#transactionsRoot})
 * @param proof            the nonce found by the miner
 */
public record BlockHeader(long index, long timestamp, String previousHash, int difficulty,
                          String transactionsRoot, long proof) {

    public BlockHeader {
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(transactionsRoot, "transactionsRoot");
    }

    public BlockHeader withProof(long newProof) {
        return new BlockHeader(index, timestamp, previousHash, difficulty, transactionsRoot, newProof);
    }
}
