package io.meshchain.ledger;

import io.meshchain.pow.BlockHeader;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.List;

/**
 * Everything needed to mine the next block: taken from the ledger in one atomic step, so the parent
 * and the transactions always belong together.
 *
 * @param index         height of the block to mine
 * @param previousHash  hash of the current tip
 * @param lastProof     proof of the current tip (the seed's {@code gp} answer)
 * @param difficulty    leading zero bits the block's hash needs
 * @param timestamp     timestamp to put in the block: the newest transaction's, but never before the tip's
 * @param transactions  the transactions to include, in canonical order (timestamp, then id)
 * @param ledgerVersion the ledger's version when the template was taken; see {@link ChainService#version()}
 */
public record MiningTemplate(long index, String previousHash, long lastProof, int difficulty, long timestamp,
                             List<Transaction> transactions, long ledgerVersion) {

    public MiningTemplate {
        transactions = List.copyOf(transactions);
    }

    /** The header of the block this template describes, with the given proof. */
    public BlockHeader header(long proof) {
        return Block.header(index, timestamp, previousHash, difficulty, transactions, proof);
    }
}
