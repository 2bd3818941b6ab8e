package io.meshchain.ledger;

import java.util.List;

/**
 * An external miner's claim that {@code proof} seals the block described by the other fields.
 *
 * @param index          height of the block
 * @param previousHash   hash of the tip it builds on
 * @param timestamp      the block's timestamp
 * @param transactionIds the pending transactions it includes, in order
 * @param proof          the nonce
 */
public record ProofSubmission(long index, String previousHash, long timestamp, List<String> transactionIds,
                              long proof) {

    public ProofSubmission {
        transactionIds = List.copyOf(transactionIds);
    }
}
