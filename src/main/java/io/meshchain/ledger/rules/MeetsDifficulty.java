package io.meshchain.ledger.rules;

import io.meshchain.pow.Difficulty;
import io.meshchain.primitives.Block;
import java.util.Optional;

/** The hash has at least {@code difficulty} leading zero bits: the block's proof of work. */
final class MeetsDifficulty implements BlockRule {

    @Override
    public String name() {
        return "proof-of-work";
    }

    @Override
    public Optional<String> check(Block block, BlockContext context) {
        return Difficulty.isMetBy(block.hash(), block.difficulty())
                ? Optional.empty()
                : Optional.of("hash does not have " + block.difficulty() + " leading zero bits");
    }
}
