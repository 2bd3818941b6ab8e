package io.meshchain.storage;

import io.meshchain.crypto.Signatures;
import io.meshchain.ledger.SenderBinding;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sender names bound to keys, kept in the index in step with the chain: a name is bound to the key of
 * the first signed transaction the chain holds for it, and the binding leaves with the block that
 * made it.
 */
final class SenderBindings {

    private final BlockIndex index;

    SenderBindings(BlockIndex index) {
        this.index = index;
    }

    /** Adds the senders of {@code block}'s signed transactions to {@code signers}. */
    static void collectSigners(Block block, Set<String> signers) {
        for (Transaction transaction : block.transactions()) {
            if (transaction.isSigned()) {
                signers.add(transaction.sender());
            }
        }
    }

    /**
     * Keeps the bindings of sender names in step with the chain: those made by the blocks from
     * height {@code first} on, which leave, are undone; each name the new blocks sign for first is
     * bound to that transaction's key.
     *
     * @param signers the senders of the signed transactions of the blocks that leave and of those that join
     */
    void rebind(BlockIndex.Batch batch, Set<String> signers, long first, List<Block> recordBlocks) throws IOException {
        if (signers.isEmpty()) {
            return;
        }
        Map<String, BlockIndex.Binding> bound = new HashMap<>(index.bindings(signers));
        for (Iterator<Map.Entry<String, BlockIndex.Binding>> it = bound.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, BlockIndex.Binding> binding = it.next();
            if (binding.getValue().height() >= first) {
                batch.unbind(binding.getKey());
                it.remove();
            }
        }
        for (Block block : recordBlocks) {
            for (Transaction transaction : block.transactions()) {
                if (transaction.isSigned() && !bound.containsKey(transaction.sender())) {
                    byte[] key = Signatures.decode(transaction.publicKey(), Signatures.PUBLIC_KEY_BYTES);
                    batch.bind(transaction.sender(), key, block.index());
                    bound.put(transaction.sender(), new BlockIndex.Binding(key, block.index()));
                }
            }
        }
    }

    /** The bindings of those of {@code senders} that the chain binds, as the ledger knows them. */
    Map<String, SenderBinding> of(Collection<String> senders) throws IOException {
        Map<String, SenderBinding> bound = new HashMap<>();
        index.bindings(senders).forEach((sender, binding) -> bound.put(sender,
                new SenderBinding(Signatures.encode(binding.publicKey()), binding.height())));
        return bound;
    }
}
