package io.meshchain.ledger;

import io.meshchain.ledger.rules.SenderKeys;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys sender names are bound to on a chain that is this node's up to height {@code below},
 * then goes on with blocks of its own: the store's bindings made at or below that height, then
 * those the blocks {@link #add added} make, in order. Lookups are kept, so each name costs one.
 * Used under the ledger's lock, for one change or one check, then dropped.
 */
final class ChainBindings {

    private final Chain chain;
    private final long below;
    private final Map<String, String> stored = new HashMap<>();
    private final Set<String> looked = new HashSet<>();
    private final Map<String, String> made = new LinkedHashMap<>();

    ChainBindings(Chain chain, long below) {
        this.chain = chain;
        this.below = below;
    }

    /** Looks up the names not looked up yet, together. */
    void prefetch(Collection<String> senders) {
        List<String> unknown = senders.stream().filter(sender -> !looked.contains(sender)).distinct().toList();
        if (unknown.isEmpty()) {
            return;
        }
        chain.bindings(unknown).forEach((sender, binding) -> {
            if (binding.height() <= below) {
                stored.put(sender, binding.publicKey());
            }
        });
        looked.addAll(unknown);
    }

    /** The key {@code sender} is bound to, or null. */
    String keyOf(String sender) {
        if (made.containsKey(sender)) {
            return made.get(sender);
        }
        prefetch(List.of(sender));
        return stored.get(sender);
    }

    /** Moves on by {@code block}, taking the bindings it makes. */
    void add(Block block) {
        made.putAll(SenderKeys.bindsIn(block, this::keyOf));
    }

    /** Whether {@code transaction} may be pending on this chain: signed with its sender's key, if bound. */
    boolean admits(Transaction transaction) {
        String key = keyOf(transaction.sender());
        return key == null || key.equals(transaction.publicKey());
    }

    /** The names the added blocks bound, each to its key. */
    Map<String, String> made() {
        return made;
    }
}
