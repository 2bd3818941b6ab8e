package io.meshchain.mining;

import io.meshchain.ledger.MiningTemplate;
import io.meshchain.primitives.Transaction;
import java.util.List;

/** The wire form of {@code GET /proof} (the seed's {@code gp}): everything an external miner needs. */
record ProofTemplate(long index, String previousHash, long lastProof, int difficulty, long timestamp,
                     List<Transaction> transactions) {

    static ProofTemplate of(MiningTemplate template) {
        return new ProofTemplate(template.index(), template.previousHash(), template.lastProof(),
                template.difficulty(), template.timestamp(), template.transactions());
    }
}
