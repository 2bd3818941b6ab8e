package io.meshchain.api;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class RecordCreatorsTest {

    /** Set by {@link Probe}'s constructor: whether {@link RecordCreators.Direct} called it. */
    private static volatile boolean builtDirectly;

    record Probe(String name, long value) {
        Probe {
            builtDirectly = StackWalker.getInstance().walk(frames -> frames
                    .anyMatch(frame -> frame.getClassName().equals(RecordCreators.Direct.class.getName())));
        }
    }

    /** The node's mapper, as Spring Boot builds it with the node's customizer. */
    private static final JsonMapper NODE;

    static {
        JsonMapper.Builder builder = JsonMapper.builder();
        new JsonConfiguration().strictJson().customize(builder);
        NODE = builder.build();
    }

    private static final JsonMapper JACKSON = JsonMapper.builder().build();

    @Test
    void theNodesMapperBuildsRecordsThroughTheirCanonicalConstructorDirectly() {
        Probe read = NODE.readValue("{\"name\":\"a\",\"value\":7}", Probe.class);
        assertThat(builtDirectly).isTrue();
        assertThat(read).isEqualTo(new Probe("a", 7));

        JACKSON.readValue("{\"name\":\"a\",\"value\":7}", Probe.class);
        assertThat(builtDirectly).isFalse();
    }

    @Test
    void blocksReadBackAsJacksonReadsThem() {
        List<Block> chain = ChainFixture.extend(Genesis.block(ChainFixture.DIFFICULTY), 3);
        String json = JACKSON.writeValueAsString(chain);

        Block[] read = NODE.readValue(json, Block[].class);

        assertThat(read).containsExactlyElementsOf(chain).containsExactly(JACKSON.readValue(json, Block[].class));
    }

    @Test
    void aConstructorThatThrowsIsReportedAsJacksonReportsIt() {
        String halfSigned = "{\"id\":\"" + "a".repeat(64) + "\",\"sender\":\"alice\",\"content\":\"x\","
                + "\"timestamp\":1,\"publicKey\":\"k\"}";

        Throwable direct = catchThrowable(() -> NODE.readValue(halfSigned, Transaction.class));
        Throwable jackson = catchThrowable(() -> JACKSON.readValue(halfSigned, Transaction.class));

        assertThat(direct).isNotNull().hasSameClassAs(jackson).hasMessage(jackson.getMessage());
        assertThat(direct.getMessage()).contains("a signed transaction has both a public key and a signature");
    }
}
