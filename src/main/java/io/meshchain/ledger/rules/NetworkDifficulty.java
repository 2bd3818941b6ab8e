package io.meshchain.ledger.rules;

import io.meshchain.primitives.Block;
import java.util.Optional;

/**
 * A block carries the network's difficulty. Without this a peer could mine cheap blocks at a low
 * difficulty, or claim outsized work with a high one.
 */
final class NetworkDifficulty implements BlockRule {

    @Override
    public String name() {
        return "network-difficulty";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        return block.difficulty() == context.networkDifficulty()
                ? Optional.empty()
                : Optional.of("difficulty is " + block.difficulty() + ", the network's is " + context.networkDifficulty());
    }
}
