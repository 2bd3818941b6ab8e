package io.meshchain.api;

import io.meshchain.ledger.ChainAdvanced;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.LedgerParameters;
import io.meshchain.primitives.Block;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MissedBlocksTest {

    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);
    /** Blocks 1 to 100. */
    private static final List<Block> CHAIN = ChainFixture.extend(GENESIS, 100);
    /** Forks above block 50 and outgrows {@link #CHAIN}: blocks 51 to 110. */
    private static final List<Block> BRANCH = ChainFixture.extend(CHAIN.get(49), 60);

    /** The changes the ledger made, announced to the ring only when a test says so. */
    private final List<ChainAdvanced> changes = new CopyOnWriteArrayList<>();
    private final ChainService chain = new ChainService(
            new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 1000), Clock.systemUTC(),
            event -> {
                if (event instanceof ChainAdvanced change) {
                    changes.add(change);
                }
            }, InMemoryLedgerStore.holding(CHAIN, List.of()));
    private final EventRing ring = new EventRing(EventRing.MAX_EVENTS, EventRing.MAX_BYTES, chain.tip());
    private final Client client = new Client();

    /** What the stream was given, each event as "block index hash" or "reorg forkIndex [hashes]". */
    private static final class Client implements MissedBlocks.Out {

        final List<String> received = new ArrayList<>();
        boolean closed;

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public void block(Block block) {
            received.add("block " + block.index() + " " + block.hash());
        }

        @Override
        public void reorg(EventRing.Reorg reorg) {
            received.add("reorg " + reorg.forkIndex() + " " + reorg.removed());
        }
    }

    /** A replay for a client that has the chain up to block {@code height}, as the node holds it now. */
    private MissedBlocks resumingAfter(long height) {
        return new MissedBlocks(chain, ring, new ChainPoint(height, chain.hashAt(height).orElseThrow()));
    }

    /** Takes turns while the replay has more to write at once; returns the turn that did not. */
    private MissedBlocks.Step turnsUntilSettled(MissedBlocks missed) throws Exception {
        for (int turns = 0; turns < 100; turns++) {
            MissedBlocks.Step step = missed.turn(client);
            if (step != MissedBlocks.Step.MORE) {
                return step;
            }
        }
        throw new AssertionError("the replay never settled");
    }

    private static List<String> blocks(List<Block> chain, long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(index -> {
            Block block = chain.stream().filter(b -> b.index() == index).findFirst().orElseThrow();
            return "block " + index + " " + block.hash();
        }).toList();
    }

    private static List<String> hashes(List<Block> chain, long from, long to) {
        return chain.stream().filter(b -> b.index() >= from && b.index() <= to).map(Block::hash).toList();
    }

    private void switchToBranch() throws Exception {
        assertThat(chain.adopt(BRANCH)).isEqualTo(ChainService.Adoption.ADOPTED);
    }

    private void announce() {
        changes.forEach(ring::append);
        changes.clear();
    }

    @Test
    void aClientBehindIsSentEveryBlockItMissedABatchATimeThenJoinsTheRingAtItsHead() throws Exception {
        MissedBlocks missed = resumingAfter(10);

        assertThat(missed.turn(client)).isEqualTo(MissedBlocks.Step.MORE);
        assertThat(client.received).isEqualTo(blocks(CHAIN, 11, 10 + StreamSenders.BATCH));

        assertThat(turnsUntilSettled(missed)).isEqualTo(MissedBlocks.Step.JOINED);
        assertThat(client.received).isEqualTo(blocks(CHAIN, 11, 100));
        assertThat(missed.joinedAt()).isEqualTo(ring.head());
    }

    @Test
    void aClientThatHasTheAnnouncedTipJoinsTheRingAtOnce() throws Exception {
        MissedBlocks missed = resumingAfter(100);

        assertThat(missed.turn(client)).isEqualTo(MissedBlocks.Step.JOINED);
        assertThat(client.received).isEmpty();
        assertThat(missed.joinedAt()).isEqualTo(ring.head());
    }

    /** The replay reads on as far as the announced chain goes, and joins the ring after its last event. */
    @Test
    void aReplayReadsOnAsFarAsTheAnnouncedChainGoesAndJoinsAfterItsLastEvent() throws Exception {
        List<Block> more = ChainFixture.extend(CHAIN.get(99), 3);
        MissedBlocks missed = resumingAfter(90);
        for (Block block : more) {
            chain.adopt(List.of(block));
        }
        long head = ring.head();
        announce();

        assertThat(turnsUntilSettled(missed)).isEqualTo(MissedBlocks.Step.JOINED);
        List<String> expected = new ArrayList<>(blocks(CHAIN, 91, 100));
        expected.addAll(blocks(more, 101, 103));
        assertThat(client.received).isEqualTo(expected);
        assertThat(missed.joinedAt()).isEqualTo(head + 3);
    }

    @Test
    void aSwitchUnderTheReplayIsToldAsAReorgFromWhereTheChainForked() throws Exception {
        MissedBlocks missed = resumingAfter(0);
        assertThat(missed.turn(client)).isEqualTo(MissedBlocks.Step.MORE); // blocks 1 to 64
        switchToBranch();
        announce();

        assertThat(turnsUntilSettled(missed)).isEqualTo(MissedBlocks.Step.JOINED);

        List<String> expected = new ArrayList<>(blocks(CHAIN, 1, 64));
        expected.add("reorg 50 " + hashes(CHAIN, 51, 64));
        expected.addAll(blocks(BRANCH, 51, 110));
        assertThat(client.received).isEqualTo(expected);
        assertThat(missed.joinedAt()).isEqualTo(ring.head());
    }

    /**
     * A switch that forked below the block the client said it had: the announced switch says where,
     * and the client is told it lost the blocks it had above the fork.
     */
    @Test
    void aSwitchBelowWhereTheClientWasIsToldFromTheAnnouncedSwitch() throws Exception {
        MissedBlocks missed = resumingAfter(60);
        switchToBranch();
        announce();

        assertThat(turnsUntilSettled(missed)).isEqualTo(MissedBlocks.Step.JOINED);

        List<String> expected = new ArrayList<>();
        expected.add("reorg 50 " + hashes(CHAIN, 51, 60));
        expected.addAll(blocks(BRANCH, 51, 110));
        assertThat(client.received).isEqualTo(expected);
    }

    /** Not announced yet, nothing says where the chain forked: the client is to come back and read on. */
    @Test
    void aSwitchBelowWhereTheClientWasThatIsNotAnnouncedYetLosesThePlace() throws Exception {
        MissedBlocks missed = resumingAfter(60);
        switchToBranch();

        assertThat(missed.turn(client)).isEqualTo(MissedBlocks.Step.LOST);
        assertThat(client.received).isEmpty();
    }

    @Test
    void nothingIsWrittenToAStreamClosedMeanwhile() throws Exception {
        MissedBlocks missed = resumingAfter(10);
        client.closed = true;

        assertThat(missed.turn(client)).isEqualTo(MissedBlocks.Step.WAIT);
        assertThat(client.received).isEmpty();
    }
}
