package io.meshchain.storage;

import io.meshchain.crypto.Hex;
import io.meshchain.crypto.MerkleTree;
import io.meshchain.ledger.PendingTransaction;
import io.meshchain.pow.Difficulty;
import io.meshchain.pow.Hashes;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import io.meshchain.system.MeshchainProperties;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes the index say what a block record of the block log says: the blocks it replaces leave the
 * index, with their transactions and the sender bindings they made; its blocks join it, with their
 * cumulative work, where their bytes lie in the log and their checksums. Every record is indexed so,
 * as it is written and when the log's tail is replayed at start, in one atomic batch each, whose
 * last change says how far into the log the index is up to date.
 */
final class BlockRecordIndexer {

    private final BlockIndex index;
    private final BlockLog blocks;
    private final SenderBindings bindings;
    private final BlockIndex.Entry genesis;

    BlockRecordIndexer(BlockIndex index, BlockLog blocks, SenderBindings bindings, BlockIndex.Entry genesis) {
        this.index = index;
        this.blocks = blocks;
        this.bindings = bindings;
        this.genesis = genesis;
    }

    /**
     * Makes the index say what a block record says: the blocks it replaces leave, its blocks join.
     *
     * @param payloadOffset where the record's payload starts in the log
     * @param abandoned     receives the transactions of the blocks replaced, or null when not wanted
     * @return the entries of the record's blocks
     * @throws IOException when the record does not follow the indexed chain, or the index cannot be written
     */
    List<StoredBlock> index(List<Block> recordBlocks, byte[] payload, int[] offsets, int[] lengths, long payloadOffset,
                            List<PendingTransaction> abandoned) throws IOException {
        long first = recordBlocks.get(0).index();
        long tip = index.meta().map(IndexFormat.Meta::tip).orElse(0L);
        if (first < 1 || first > tip + 1) {
            throw new IOException("a block record starts at height " + first + " but the chain is " + tip
                    + " blocks high");
        }
        try (BlockIndex.Batch batch = index.batch()) {
            Set<String> signers = new HashSet<>();
            for (BlockIndex.Entry old : index.entries(first, Math.toIntExact(tip - first + 1))) {
                Block block = blocks.read(old);
                batch.remove(old, ids(block));
                SenderBindings.collectSigners(block, signers);
                if (abandoned != null) {
                    block.transactions().forEach(tx -> abandoned.add(new PendingTransaction(tx, block.timestamp())));
                }
            }
            recordBlocks.forEach(block -> SenderBindings.collectSigners(block, signers));
            bindings.rebind(batch, signers, first, recordBlocks);
            BigInteger work = first == 1 ? genesis.totalWork() : index.entry(first - 1).orElseThrow(
                    () -> new IOException("the index has no entry for block " + (first - 1))).totalWork();
            List<StoredBlock> entries = new ArrayList<>(recordBlocks.size());
            for (int i = 0; i < recordBlocks.size(); i++) {
                Block block = recordBlocks.get(i);
                if (block.index() != first + i) {
                    throw new IOException("a block record holds block " + block.index() + " at height " + (first + i));
                }
                if (block.difficulty() < MeshchainProperties.Mining.MIN_DIFFICULTY
                        || block.difficulty() > MeshchainProperties.Mining.MAX_DIFFICULTY) {
                    throw new IOException("block " + block.index() + " claims difficulty " + block.difficulty());
                }
                work = work.add(Difficulty.work(block.difficulty()));
                BlockIndex.Entry entry = new BlockIndex.Entry(block.index(), Hex.decode32(block.hash()),
                        block.timestamp(), block.proof(), work, payloadOffset + offsets[i], lengths[i],
                        BlockLog.crc(payload, offsets[i], lengths[i]));
                batch.put(entry, ids(block), block.transactions().size() >= IndexSchema.LEAVES_FROM
                        ? leafHashes(block) : List.of());
                entries.add(entry.stored());
            }
            batch.meta(genesis.hash(), recordBlocks.get(recordBlocks.size() - 1).index(),
                    payloadOffset + payload.length);
            batch.commit();
            return entries;
        }
    }

    /** The hashes of the leaves of {@code block}'s transaction tree, which its inclusion proofs are built from. */
    static List<byte[]> leafHashes(Block block) {
        return MerkleTree.leafHashes(Hashes.leaves(block.transactionIds(),
                block.transactions().stream().map(Transaction::signatureBytes).toList()));
    }

    private static List<byte[]> ids(Block block) {
        List<byte[]> ids = new ArrayList<>(block.transactions().size());
        for (Transaction transaction : block.transactions()) {
            ids.add(Hex.decode32(transaction.id()));
        }
        return ids;
    }
}
