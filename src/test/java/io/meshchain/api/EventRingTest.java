package io.meshchain.api;

import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class EventRingTest {

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);
    private static final ChainTip AT_GENESIS = new ChainTip(0, GENESIS.hash(), GENESIS.timestamp(), BigInteger.ONE);

    private static ChainAdvanced appended(List<Block> blocks, List<String> removed) {
        Block tip = blocks.get(blocks.size() - 1);
        return new ChainAdvanced(new ChainTip(tip.index(), tip.hash(), tip.timestamp(), BigInteger.ONE), blocks, removed,
                ChainAdvanced.Cause.ADOPTED);
    }

    private final List<Block> first = ChainFixture.extend(GENESIS, 3);
    /** Forks above block 1 and outgrows {@link #first}: blocks 2 and 3 replaced by three. */
    private final List<Block> better = ChainFixture.extend(first.get(0), 3);

    /** A ring that saw {@link #first} appended, then the switch to {@link #better}. */
    private EventRing switched() {
        EventRing ring = new EventRing(100, 1 << 20, AT_GENESIS);
        ring.append(appended(first, List.of()));
        ring.append(appended(better, List.of(first.get(1).hash(), first.get(2).hash())));
        return ring;
    }

    @Test
    void aSwitchIsOneReorgEventBeforeTheBlocksOfTheNewBranch() {
        EventRing ring = switched();

        List<EventRing.Event> events = ring.from(1, 100);

        assertThat(events).extracting(e -> e.name + " " + e.id).containsExactly(
                "block 1", "block 2", "block 3", "reorg 1", "block 2", "block 3", "block 4");
        assertThat(events.get(3).data(JsonMapper.builder().build())).isEqualTo(
                "{\"forkIndex\":1,\"removed\":[\"" + first.get(1).hash() + "\",\"" + first.get(2).hash() + "\"]}");
        assertThat(ring.tip()).isEqualTo(new ChainPoint(4, better.get(2).hash()));
    }

    @Test
    void aStreamJoinsAfterTheLatestEventThatLeftTheChainWhereItsClientIs() {
        EventRing ring = switched();

        assertThat(ring.joinAt(4, better.get(2).hash())).hasValue(8); // at the head
        assertThat(ring.joinAt(2, first.get(1).hash())).hasValue(3); // goes on with block 3, then the switch
        assertThat(ring.joinAt(1, first.get(0).hash())).hasValue(5); // after the switch back to block 1
        assertThat(ring.joinAt(2, "f".repeat(64))).isEmpty();
    }

    @Test
    void aStreamBehindWhatTheRingHoldsIsOvertakenByCountOrBySize() {
        List<Block> blocks = ChainFixture.extend(GENESIS, 10);
        EventRing byCount = new EventRing(4, 1 << 20, AT_GENESIS);
        byCount.append(appended(blocks, List.of()));
        assertThat(byCount.from(6, 100)).isNull();
        assertThat(byCount.from(7, 100)).extracting(e -> e.id).containsExactly(7L, 8L, 9L, 10L);
        assertThat(byCount.from(11, 100)).isEmpty();

        long blockBytes = EventRing.estimatedBytes(blocks.get(9)); // the largest: their contents grow
        EventRing bySize = new EventRing(100, 3 * blockBytes, AT_GENESIS);
        bySize.append(appended(blocks, List.of()));
        assertThat(bySize.from(7, 100)).isNull();
        assertThat(bySize.from(8, 100)).extracting(e -> e.id).containsExactly(8L, 9L, 10L);
        assertThat(bySize.head()).isEqualTo(11);
    }
}
