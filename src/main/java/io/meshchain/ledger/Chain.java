package io.meshchain.ledger;

import io.meshchain.pow.Difficulty;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The blocks of the node's chain with the indexes the ledger needs: by hash, by transaction, and
 * the cumulative work at every height. Not thread-safe: {@link ChainService} owns the only
 * instance and guards it with its lock. It trusts its caller to append valid blocks only.
 */
final class Chain {

    private final List<Block> blocks = new ArrayList<>();
    private final List<BigInteger> cumulativeWork = new ArrayList<>();
    private final Map<String, Long> heightByHash = new HashMap<>();
    private final Map<String, Long> heightByTransaction = new HashMap<>();

    Chain(Block genesis) {
        blocks.add(genesis);
        cumulativeWork.add(Difficulty.work(genesis.difficulty()));
        heightByHash.put(genesis.hash(), 0L);
    }

    long height() {
        return blocks.size() - 1L;
    }

    Block tip() {
        return blocks.get(blocks.size() - 1);
    }

    ChainTip tipSummary() {
        Block tip = tip();
        return new ChainTip(tip.index(), tip.hash(), tip.timestamp(), totalWork());
    }

    BigInteger totalWork() {
        return workAt(height());
    }

    /** Cumulative work of the chain up to and including {@code height}. */
    BigInteger workAt(long height) {
        return cumulativeWork.get(Math.toIntExact(height));
    }

    Block at(long height) {
        return blocks.get(Math.toIntExact(height));
    }

    Optional<Block> byHash(String hash) {
        Long height = heightByHash.get(hash);
        return height == null ? Optional.empty() : Optional.of(at(height));
    }

    /** Height of the block holding {@code transactionId}, or -1 when the chain does not hold it. */
    long heightOfTransaction(String transactionId) {
        return heightByTransaction.getOrDefault(transactionId, -1L);
    }

    /** Blocks with {@code from <= index < from + limit}, in order. */
    List<Block> range(long from, int limit) {
        if (from > height() || limit <= 0) {
            return List.of();
        }
        int start = Math.toIntExact(from);
        int end = (int) Math.min(blocks.size(), from + limit);
        return List.copyOf(blocks.subList(start, end));
    }

    void append(Block block) {
        if (block.index() != height() + 1 || !block.previousHash().equals(tip().hash())) {
            throw new IllegalStateException("block " + block.index() + " does not extend the tip " + height());
        }
        BigInteger work = totalWork().add(Difficulty.work(block.difficulty()));
        blocks.add(block);
        cumulativeWork.add(work);
        heightByHash.put(block.hash(), block.index());
        for (Transaction transaction : block.transactions()) {
            heightByTransaction.put(transaction.id(), block.index());
        }
    }

    /** Removes every block above {@code height} and returns them, lowest first. */
    List<Block> truncateAbove(long height) {
        List<Block> removed = new ArrayList<>(blocks.subList(Math.toIntExact(height + 1), blocks.size()));
        for (Block block : removed) {
            heightByHash.remove(block.hash());
            for (Transaction transaction : block.transactions()) {
                heightByTransaction.remove(transaction.id());
            }
        }
        int keep = Math.toIntExact(height + 1);
        blocks.subList(keep, blocks.size()).clear();
        cumulativeWork.subList(keep, cumulativeWork.size()).clear();
        return removed;
    }
}
