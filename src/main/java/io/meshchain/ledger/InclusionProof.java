package io.meshchain.ledger;

import java.util.List;

/**
 * The Merkle audit path that ties a confirmed transaction to its block's header (docs/api.md, "Inclusion
 * proofs"): with the block's other header fields, anyone checks it without trusting the node.
 *
 * @param id               the transaction's id
 * @param blockIndex       its block's height
 * @param blockHash        its block's hash
 * @param leafIndex        its position among the block's transactions
 * @param leafCount        how many transactions the block holds
 * @param transactionsRoot the block's transactions root, hex
 * @param auditPath        the hashes from its leaf up to the root, hex, leaf side first
 */
public record InclusionProof(String id, long blockIndex, String blockHash, int leafIndex, int leafCount,
                             String transactionsRoot, List<String> auditPath) {

    public InclusionProof {
        auditPath = List.copyOf(auditPath);
    }
}
