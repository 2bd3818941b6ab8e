package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A sender name belongs to the key of the first signed transaction for it that the chain confirms
 * (docs/api.md, "Signed transactions"): after that transaction, in its block and in every later one,
 * each transaction from that sender is signed with that key. So two keys racing for a new name are
 * settled by the chain: whichever is confirmed first owns it, and a block holding the other's is
 * invalid.
 */
public final class SenderKeys implements BlockRule {

    /** Rule name, also given to a submission for a name bound to another key. */
    public static final String NAME = "sender-key";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        Map<String, String> boundHere = new HashMap<>();
        for (Transaction transaction : block.transactions()) {
            String sender = transaction.sender();
            String key = boundHere.containsKey(sender) ? boundHere.get(sender) : context.boundKey().apply(sender);
            if (key == null) {
                if (transaction.isSigned()) {
                    boundHere.put(sender, transaction.publicKey());
                }
            } else if (!key.equals(transaction.publicKey())) {
                return Optional.of("transaction " + transaction.id() + " from " + sender + " is not signed with "
                        + "the key the name belongs to");
            }
        }
        return Optional.empty();
    }

    /**
     * The names {@code block}'s transactions bind, each to its key: those signed for first in it,
     * given the bindings below it ({@code boundKey}).
     */
    public static Map<String, String> bindsIn(Block block, Function<String, String> boundKey) {
        Map<String, String> binds = new HashMap<>();
        for (Transaction transaction : block.transactions()) {
            if (transaction.isSigned() && !binds.containsKey(transaction.sender())
                    && boundKey.apply(transaction.sender()) == null) {
                binds.put(transaction.sender(), transaction.publicKey());
            }
        }
        return binds;
    }
}
