package io.meshchain.ledger;

import java.util.List;

/**
 * What an inclusion proof is built from: a confirmed transaction's block, its position there, and the
 * hashes of the leaves of that block's transactions tree (SHA-256 of 0x00 and each leaf, in order).
 *
 * @param height     its block's height
 * @param blockHash  its block's hash
 * @param position   its position among the block's transactions
 * @param leafHashes the block's leaf hashes, 32 bytes each
 */
public record TransactionLeaves(long height, String blockHash, int position, List<byte[]> leafHashes) {

    public TransactionLeaves {
        leafHashes = List.copyOf(leafHashes);
    }
}
