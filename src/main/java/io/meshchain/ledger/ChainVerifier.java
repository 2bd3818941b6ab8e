package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockContext;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.meshchain.ledger.rules.MedianTimePast;
import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import io.meshchain.wire.Paging;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks stored blocks again: every block by every rule, as a peer's block is checked, and the store's
 * index against the blocks (each block's entry, its hash, the work up to it, and where each of its
 * transactions is indexed). It reads a page of blocks at a time, so a check of the whole chain takes
 * time in proportion to the chain but no more memory than a short one.
 */
final class ChainVerifier {

    private static final Logger log = LoggerFactory.getLogger(ChainVerifier.class);

    /** A long check logs its progress every this many blocks. */
    private static final long PROGRESS_BLOCKS = 100_000;

    private final ChainStore store;
    private final LedgerParameters parameters;
    private final long now;
    private final String genesisHash;

    ChainVerifier(ChainStore store, LedgerParameters parameters, long now, String genesisHash) {
        this.store = store;
        this.parameters = parameters;
        this.now = now;
        this.genesisHash = genesisHash;
    }

    /**
     * Checks the blocks of heights {@code from} to {@code to}, which the store must hold.
     *
     * @throws StoredChainInvalidException naming the first block that breaks a rule or disagrees with the index
     */
    void verify(long from, long to) {
        StoredBlock parent = store.entries(from - 1, 1).get(0);
        long windowFrom = Math.max(0, from - MedianTimePast.SPAN);
        MedianTimePast medianTimePast = MedianTimePast.after(store.entries(windowFrom, (int) (from - windowFrom))
                .stream().mapToLong(StoredBlock::timestamp).toArray());
        long nextProgress = from + PROGRESS_BLOCKS;
        for (long start = from; start <= to; start += Paging.MAX_ITEMS) {
            int count = (int) Math.min(Paging.MAX_ITEMS, to - start + 1);
            List<Block> blocks = store.blocks(start, count);
            List<StoredBlock> entries = store.entries(start, count);
            if (blocks.size() != count || entries.size() != count) {
                throw damaged(start, "the store holds " + blocks.size() + " blocks and " + entries.size()
                        + " entries from there, where " + count + " were expected");
            }
            Map<String, SenderBinding> bound = store.bindings(blocks.stream()
                    .flatMap(block -> block.transactions().stream()).map(Transaction::sender)
                    .collect(Collectors.toSet()));
            for (int i = 0; i < count; i++) {
                Block block = blocks.get(i);
                check(block, entries.get(i), parent, medianTimePast.median(), bound);
                medianTimePast.add(block.timestamp());
                parent = entries.get(i);
            }
            if (start + count >= nextProgress) {
                log.info("Checked the stored chain up to block {} of {}", start + count - 1, to);
                nextProgress += PROGRESS_BLOCKS;
            }
        }
    }

    /** Checks a block; {@code bound} holds the chain's bindings of its senders, of which those made below it count. */
    private void check(Block block, StoredBlock entry, StoredBlock parent, long medianTimePast,
                       Map<String, SenderBinding> bound) {
        Function<String, String> boundBelow = sender -> {
            SenderBinding binding = bound.get(sender);
            return binding != null && binding.height() < block.index() ? binding.publicKey() : null;
        };
        try {
            BlockValidator.validateStored(block, new BlockContext(parent, medianTimePast, parameters.difficulty(),
                    parameters.maxTransactions(), now, id -> false, genesisHash, id -> false, boundBelow,
                    parameters.signaturesRequired(), parameters.blockInterval().toMillis()));
        } catch (BlockRejectedException e) {
            throw new StoredChainInvalidException(e);
        }
        long height = block.index();
        BigInteger work = parent.totalWork().add(Difficulty.work(block.difficulty()));
        if (!entry.hash().equals(block.hash()) || entry.height() != height || !entry.totalWork().equals(work)) {
            throw damaged(height, "its entry says hash " + entry.hash() + " and work " + entry.totalWork());
        }
        if (store.heightOf(block.hash()).orElse(-1) != height) {
            throw damaged(height, "its hash is not indexed at its height");
        }
        Map<String, Long> heights = store.transactionHeights(block.transactionIds());
        for (Transaction transaction : block.transactions()) {
            long indexed = heights.getOrDefault(transaction.id(), -1L);
            if (indexed != height) {
                throw damaged(height, "its transaction " + transaction.id() + " is indexed at block " + indexed
                        + ": the chain holds it twice, or the index is damaged");
            }
        }
    }

    private static StoredChainInvalidException damaged(long height, String why) {
        return new StoredChainInvalidException("the store's index disagrees with its blocks at block " + height + ": "
                + why + ". Stop the node, delete the directory 'index' in meshchain.storage.path and start it again: "
                + "the index is then built anew from the block log");
    }
}
