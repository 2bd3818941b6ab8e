package io.meshchain.primitives;

import io.meshchain.pow.BlockHeader;
import io.meshchain.pow.Hashes;
import java.util.List;
import java.util.Objects;

/**
 * A block of the chain, as stored and as sent on the wire. The field order is the wire order of
 * docs/api.md. {@link #hash()} is what the block claims; {@link #computeHash()} is what its contents
 * hash to, and the validation rules insist that the two agree.
 */
public record Block(long index, long timestamp, String previousHash, int difficulty, long proof,
                    List<Transaction> transactions, String hash) {

    public Block {
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
        transactions = List.copyOf(Objects.requireNonNull(transactions, "transactions"));
    }

    /** Builds a block whose hash is computed from its header. */
    public static Block seal(BlockHeader header, List<Transaction> transactions) {
        return new Block(header.index(), header.timestamp(), header.previousHash(), header.difficulty(),
                header.proof(), transactions, Hashes.blockHash(header));
    }

    /** The header that {@link #hash()} must be the hash of. */
    public BlockHeader header() {
        return header(index, timestamp, previousHash, difficulty, transactions, proof);
    }

    /** The hash this block's contents really have. */
    public String computeHash() {
        return Hashes.blockHash(header());
    }

    public List<String> transactionIds() {
        return transactions.stream().map(Transaction::id).toList();
    }

    public static BlockHeader header(long index, long timestamp, String previousHash, int difficulty,
                              List<Transaction> transactions, long proof) {
        List<String> ids = transactions.stream().map(Transaction::id).toList();
        String root = transactions.stream().anyMatch(Transaction::isSigned)
                ? Hashes.transactionsRoot(ids, transactions.stream().map(Transaction::signatureBytes).toList())
                : Hashes.transactionsRoot(ids);
        return new BlockHeader(index, timestamp, previousHash, difficulty, root, proof);
    }
}
