package io.meshchain.ledger;

import io.meshchain.ledger.rules.BlockContext;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.ledger.rules.BlockValidator;
import io.meshchain.ledger.rules.TransactionRules;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ledger's hot paths: validating a block, fork choice, a reorganisation on a 10,000-block chain,
 * and a transaction's encoding and id.
 */
public class LedgerBenchmark {

    /** Blocks in the chain a reorganisation replaces the top of. */
    static final int CHAIN_LENGTH = 10_000;
    /** Blocks replaced by the reorganisation; the new branch is one longer. */
    static final int REORG_DEPTH = 10;

    /** A full block (5 transactions) on a parent, and the context it is checked in. */
    @State(Scope.Benchmark)
    public static class OneBlock {
        Block block;
        BlockContext context;

        @Setup
        public void mine() {
            Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
            Block parent = ChainFixture.mine(genesis, ChainFixture.txs(5), ChainFixture.NOW - 60_000);
            block = ChainFixture.mine(parent, ChainFixture.txs(5), ChainFixture.NOW);
            context = new BlockContext(StoredBlock.of(parent, BigInteger.ONE), parent.timestamp() - 1, ChainFixture.DIFFICULTY, 5, ChainFixture.NOW, Set.of()::contains,
                    Genesis.block(ChainFixture.DIFFICULTY).hash(), id -> false, sender -> null, false, 0);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Block validateBlock(OneBlock state) throws BlockRejectedException {
        BlockValidator.validate(state.block, state.context);
        return state.block;
    }

    /** Two tips of 10,000-block chains, as fork choice sees them. */
    @State(Scope.Benchmark)
    public static class Tips {
        ChainTip ours = new ChainTip(CHAIN_LENGTH, "a".repeat(64), ChainFixture.NOW, BigInteger.valueOf(256L * CHAIN_LENGTH));
        ChainTip theirs = new ChainTip(CHAIN_LENGTH, "b".repeat(64), ChainFixture.NOW, BigInteger.valueOf(256L * CHAIN_LENGTH));
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public boolean forkChoice(Tips tips) {
        return ForkChoice.mayBeBetter(tips.theirs, tips.ours);
    }

    /** A node holding a 10,000-block chain, and a better branch from 10 blocks below its tip. */
    @State(Scope.Benchmark)
    public static class LongChain {
        List<Block> chain;
        List<Block> branch;
        ChainService service;

        @Setup(Level.Trial)
        public void chains() {
            chain = ChainFixture.extend(Genesis.block(ChainFixture.DIFFICULTY), CHAIN_LENGTH);
            branch = ChainFixture.extend(chain.get(CHAIN_LENGTH - REORG_DEPTH - 1), REORG_DEPTH + 1);
        }

        @Setup(Level.Invocation)
        public void node() {
            service = new ChainService(new LedgerParameters(ChainFixture.DIFFICULTY, 5, Duration.ofSeconds(10), 100_000),
                    new MutableClock(ChainFixture.NOW + 86_400_000L), event -> { },
                    InMemoryLedgerStore.holding(chain, List.of()));
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ChainService.Adoption reorgOnTenThousandBlocks(LongChain state) throws BlockRejectedException {
        return state.service.adopt(state.branch);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Transaction transactionEncodingAndId() {
        return Transaction.of("gzan3055", "hello meshchain, a typical payload", ChainFixture.NOW);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int transactionRules() {
        return TransactionRules.check("gzan3055", "hello meshchain, a typical payload", ChainFixture.NOW,
                ChainFixture.NOW).size();
    }
}
