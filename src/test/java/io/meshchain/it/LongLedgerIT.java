package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.storage.StorageFixture;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node started on a data directory that already holds a chain, written by the test fixtures: it
 * serves the chain from its index, and a directory written before the index existed is indexed
 * once, with a log line; one of another network is refused with one line.
 */
@ExtendWith(OutputCaptureExtension.class)
class LongLedgerIT {

    private static final int LENGTH = 3_000;
    private static final Block GENESIS = Genesis.block(ChainFixture.DIFFICULTY);
    private static final List<Block> CHAIN = ChainFixture.extend(GENESIS, LENGTH);

    private final TestNode node = TestNode.reserve("long");

    @AfterEach
    void close() {
        node.close();
    }

    private void start(String... extra) {
        String[] settings = new String[extra.length + 1];
        settings[0] = "--meshchain.mining.enabled=false";
        System.arraycopy(extra, 0, settings, 1, extra.length);
        node.start(List.of(), settings);
    }

    private static Block block(long height) {
        return CHAIN.get((int) height - 1);
    }

    @Test
    void storedChainIsServedFromTheIndex() {
        StorageFixture.writeChain(node.storage(), CHAIN);
        start();

        assertThat(node.height()).isEqualTo(LENGTH);
        JsonNode page = node.get("/chain?from=1500&limit=3").json();
        assertThat(page.get("height").asLong()).isEqualTo(LENGTH);
        assertThat(page.get("blocks").valueStream().map(b -> b.get("hash").asString()).toList())
                .containsExactly(block(1500).hash(), block(1501).hash(), block(1502).hash());
        assertThat(node.get("/chain/blocks/" + block(7).hash()).json().get("index").asLong()).isEqualTo(7);
        Transaction deep = block(42).transactions().get(0);
        JsonNode status = node.get("/transactions/" + deep.id()).json();
        assertThat(status.get("status").asString()).isEqualTo("confirmed");
        assertThat(status.get("blockIndex").asLong()).isEqualTo(42);
        assertThat(status.get("content").asString()).isEqualTo(deep.content());
        assertThat(status.get("confirmations").asLong()).isEqualTo(LENGTH - 42 + 1);

        JsonNode whole = node.get("/chain").json();
        assertThat(whole.get("height").asLong()).isEqualTo(LENGTH);
        assertThat(whole.get("blocks")).hasSize(LENGTH + 1);
        assertThat(whole.get("blocks").get(LENGTH).get("hash").asString()).isEqualTo(block(LENGTH).hash());

        JsonNode recovered = node.get("/actuator/health").json().get("components").get("storage").get("details")
                .get("recovered");
        assertThat(recovered.get("blocks").asLong()).isEqualTo(LENGTH);
        assertThat(recovered.get("tailRecords").asLong()).as("nothing to replay: the index was up to date").isZero();
        assertThat(recovered.get("rebuilt").asBoolean()).isFalse();
    }

    @Test
    void pendingPoolIsServedAHundredAtATimeUnlessAsked() {
        start();
        for (int i = 0; i < 150; i++) {
            node.submit("alice", "waiting " + i);
        }
        JsonNode first = node.get("/transactions").json();
        assertThat(first.get("total").asInt()).isEqualTo(150);
        assertThat(first.get("transactions")).hasSize(100);
        JsonNode rest = node.get("/transactions?offset=100&limit=1000").json();
        assertThat(rest.get("transactions")).hasSize(50);
        assertThat(rest.get("transactions").get(49).get("content").asString()).isEqualTo("waiting 149");
    }

    @Test
    void directoryWrittenBeforeTheIndexIsIndexedOnceWithALogLine(CapturedOutput output) {
        StorageFixture.writeWithoutIndex(node.storage(), CHAIN);
        start();

        assertThat(output.getOut()).contains("Building the index").contains("which kept no index")
                .contains("Checking every block of the stored chain");
        assertThat(node.height()).isEqualTo(LENGTH);
        assertThat(node.status(block(2999).transactions().get(0).id())).isEqualTo("confirmed");

        node.stop();
        int before = output.getOut().length();
        start();
        assertThat(output.getOut().substring(before)).doesNotContain("Building the index");
        assertThat(node.height()).isEqualTo(LENGTH);
    }

    @Test
    void fullCheckIsAnOperatorsChoice(CapturedOutput output) {
        StorageFixture.writeChain(node.storage(), CHAIN);
        start("--meshchain.storage.verify=full");

        assertThat(output.getOut()).contains("Every stored block keeps every rule and agrees with the index ("
                + LENGTH + " blocks");
        assertThat(node.height()).isEqualTo(LENGTH);
    }

    @Test
    void chainOfAnotherNetworkStopsTheNodeWithOneLineAndIsLeftAlone(CapturedOutput output) {
        StorageFixture.writeChain(node.storage(), CHAIN);

        assertThatThrownBy(() -> start("--meshchain.mining.difficulty=" + (ChainFixture.DIFFICULTY + 1)))
                .isInstanceOf(Exception.class);

        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                .contains("other network settings").doesNotContain("\tat io.meshchain");
        start();
        assertThat(node.height()).isEqualTo(LENGTH);
    }
}
