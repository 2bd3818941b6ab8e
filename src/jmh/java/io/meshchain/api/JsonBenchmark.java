package io.meshchain.api;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading a page of 200 blocks of five transactions, as a catching-up node reads its peer's pages:
 * with the node's mapper, which builds records directly ({@link RecordCreators}), and with Jackson's
 * own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class JsonBenchmark {

    private JsonMapper node;
    private JsonMapper jackson;
    private byte[] page;

    @Setup
    public void write() {
        JsonMapper.Builder builder = JsonMapper.builder();
        new JsonConfiguration().strictJson().customize(builder);
        node = builder.build();
        jackson = JsonMapper.builder().build();
        List<Block> blocks = new ArrayList<>();
        Block parent = Genesis.block(ChainFixture.DIFFICULTY);
        for (int i = 0; i < 200; i++) {
            parent = ChainFixture.mine(parent, ChainFixture.txs(5), parent.timestamp() + 1);
            blocks.add(parent);
        }
        page = jackson.writeValueAsBytes(blocks);
    }

    @Benchmark
    public Block[] nodeMapper() {
        return node.readValue(page, Block[].class);
    }

    @Benchmark
    public Block[] jacksonMapper() {
        return jackson.readValue(page, Block[].class);
    }
}
