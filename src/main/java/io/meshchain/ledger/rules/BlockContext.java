package io.meshchain.ledger.rules;

import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a block is checked against: its parent, the network's settings, the node's clock, and the
 * transactions already in the chain below it.
 *
 * @param parent            the block this one must follow (its entry: hash, height, timestamp)
 * @param medianTimePast    the median of the timestamps of the last {@value MedianTimePast#SPAN} blocks
 *                          up to the parent, which this block's must exceed
 * @param networkDifficulty difficulty every block of this network must carry
 * @param maxTransactions   most transactions a block may hold
 * @param now               the node's clock, epoch milliseconds
 * @param alreadyInChain    true for a transaction id already confirmed below this block
 * @param genesisHash       the network's genesis block hash, which every signature covers
 * @param signatureVerified true for a transaction whose signature this node verified already: the very
 *                          transaction, its signature included, is pending here. A transaction's id covers
 *                          its key but not its signature, so an id alone proves nothing: a peer can copy a
 *                          pending transaction with another signature
 * @param boundKey          the key a sender name is bound to by the chain below this block, or null
 * @param signaturesRequired whether every transaction must be signed (a network setting)
 * @param blockIntervalMillis least time between a block's timestamp and its parent's (a network setting)
 */
public record BlockContext(StoredBlock parent, long medianTimePast, int networkDifficulty, int maxTransactions, long now,
                           Predicate<String> alreadyInChain, String genesisHash, Predicate<Transaction> signatureVerified,
                           Function<String, String> boundKey, boolean signaturesRequired, long blockIntervalMillis) {

    public BlockContext {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(alreadyInChain, "alreadyInChain");
        Objects.requireNonNull(genesisHash, "genesisHash");
        Objects.requireNonNull(signatureVerified, "signatureVerified");
        Objects.requireNonNull(boundKey, "boundKey");
    }
}
