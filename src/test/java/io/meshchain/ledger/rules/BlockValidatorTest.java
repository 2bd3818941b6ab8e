package io.meshchain.ledger.rules;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.StoredBlock;
import io.meshchain.primitives.Transaction;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BlockValidatorTest {

    private static final int MAX_TRANSACTIONS = 5;
    private static final long NOW = ChainFixture.NOW;

    private final Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
    private final Block parent = ChainFixture.mine(genesis, ChainFixture.txs(1), NOW - 10_000);

    /** The median-time-past of the chain up to the parent: a little before it, as on a chain of steady blocks. */
    private final long medianTimePast = parent.timestamp() - 5_000;

    /** Whether the network takes signed transactions only. */
    private boolean signaturesRequired;
    /** Sender names the chain below binds, to their keys. */
    private final Map<String, String> bound = new HashMap<>();
    /** Transactions whose signatures the node verified when they entered its pool. */
    private final Set<Transaction> verified = new HashSet<>();

    private BlockContext context(Set<String> inChain) {
        return new BlockContext(StoredBlock.of(parent, BigInteger.ONE), medianTimePast, ChainFixture.DIFFICULTY,
                MAX_TRANSACTIONS, NOW, inChain::contains, genesis.hash(), verified::contains, bound::get, signaturesRequired, 0);
    }

    private String ruleBroken(Block block) {
        return ruleBroken(block, Set.of());
    }

    private String ruleBroken(Block block, Set<String> inChain) {
        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class,
                () -> BlockValidator.validate(block, context(inChain)));
        assertThat(e).as("block should be rejected").isNotNull();
        assertThat(e.blockIndex()).isEqualTo(block.index());
        return e.rule();
    }

    private Block valid(List<Transaction> transactions) {
        return ChainFixture.mine(parent, transactions, NOW);
    }

    @Test
    void aProperlyMinedBlockKeepsEveryRule() {
        assertThatCode(() -> BlockValidator.validate(valid(ChainFixture.txs(3)), context(Set.of())))
                .doesNotThrowAnyException();
    }

    /**
     * For a block whose header sync checked on arrival, the rest: what the header rules guard is not
     * checked again, and everything else is.
     */
    @Test
    void beyondTheHeaderEveryOtherRuleIsCheckedAndTheHeaderRulesAreNot() {
        Block block = valid(ChainFixture.txs(1));
        Block malformed = new Block(block.index(), block.timestamp(), block.previousHash(), block.difficulty(),
                block.proof(), block.transactions(), block.hash().toUpperCase());
        assertThatCode(() -> BlockValidator.validateBeyondHeader(malformed, context(Set.of())))
                .as("a header rule, left to validateHeader").doesNotThrowAnyException();

        Transaction tx = ChainFixture.tx();
        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class,
                () -> BlockValidator.validateBeyondHeader(valid(List.of(tx, tx)), context(Set.of())));
        assertThat(e).isNotNull();
        assertThat(e.rule()).isEqualTo("unique-transactions");
    }

    @Test
    void malformedHashIsRejected() {
        Block block = valid(ChainFixture.txs(1));
        Block malformed = new Block(block.index(), block.timestamp(), block.previousHash(), block.difficulty(),
                block.proof(), block.transactions(), block.hash().toUpperCase());
        assertThat(ruleBroken(malformed)).isEqualTo("well-formed");
    }

    @Test
    void wrongIndexIsRejected() {
        Block block = ChainFixture.mine(parent.index() + 2, parent.hash(), ChainFixture.txs(1), NOW, ChainFixture.DIFFICULTY);
        assertThat(ruleBroken(block)).isEqualTo("index-follows-parent");
    }

    @Test
    void brokenLinkIsRejected() {
        Block block = ChainFixture.mine(parent.index() + 1, genesis.hash(), ChainFixture.txs(1), NOW, ChainFixture.DIFFICULTY);
        assertThat(ruleBroken(block)).isEqualTo("links-to-parent");
    }

    @Test
    void otherDifficultyIsRejectedEvenWithValidWork() {
        Block block = ChainFixture.mine(parent.index() + 1, parent.hash(), ChainFixture.txs(1), NOW, ChainFixture.DIFFICULTY + 1);
        assertThat(ruleBroken(block)).isEqualTo("network-difficulty");
    }

    @Test
    void emptyBlockIsRejected() {
        assertThat(ruleBroken(valid(List.of()))).isEqualTo("transaction-count");
    }

    @Test
    void blockOverTheMaximumIsRejected() {
        assertThat(ruleBroken(valid(ChainFixture.txs(MAX_TRANSACTIONS + 1)))).isEqualTo("transaction-count");
    }

    @Test
    void timestampBeforeTheParentsIsRejected() {
        Block block = ChainFixture.mine(parent, ChainFixture.txs(1), parent.timestamp() - 1);
        assertThat(ruleBroken(block)).isEqualTo("timestamp-not-before-parent");
    }

    @Test
    void timestampNotAfterTheMedianTimePastIsRejected() {
        StoredBlock sameTimeAsMedian = new StoredBlock(parent.index(), parent.hash(), parent.timestamp(), parent.proof(),
                BigInteger.ONE);
        BlockContext lastBlocksShareATimestamp = new BlockContext(sameTimeAsMedian, parent.timestamp(),
                ChainFixture.DIFFICULTY, MAX_TRANSACTIONS, NOW, id -> false, genesis.hash(), id -> false, sender -> null, false, 0);
        Block atTheMedian = ChainFixture.mine(parent, ChainFixture.txs(1), parent.timestamp());
        Block justAfter = ChainFixture.mine(parent, ChainFixture.txs(1), parent.timestamp() + 1);

        assertThat(catchThrowableOfType(BlockRejectedException.class,
                () -> BlockValidator.validate(atTheMedian, lastBlocksShareATimestamp)).rule())
                .isEqualTo("timestamp-after-median-time-past");
        assertThatCode(() -> BlockValidator.validate(justAfter, lastBlocksShareATimestamp)).doesNotThrowAnyException();
    }

    @Test
    void timestampMoreThanTwoMinutesAheadIsRejected() {
        Block atLimit = ChainFixture.mine(parent, ChainFixture.txs(1), NOW + TimestampNotInFuture.MAX_CLOCK_DRIFT.toMillis());
        assertThatCode(() -> BlockValidator.validate(atLimit, context(Set.of()))).doesNotThrowAnyException();

        Block beyond = ChainFixture.mine(parent, ChainFixture.txs(1), NOW + TimestampNotInFuture.MAX_CLOCK_DRIFT.toMillis() + 1);
        assertThat(ruleBroken(beyond)).isEqualTo("timestamp-not-in-future");
    }

    @Test
    void hashThatIsNotTheHeadersIsRejected() {
        Block block = valid(ChainFixture.txs(1));
        Block other = new Block(block.index(), block.timestamp() + 1, block.previousHash(), block.difficulty(),
                block.proof(), block.transactions(), block.hash());
        assertThat(ruleBroken(other)).isEqualTo("hash-matches-header");
    }

    @Test
    void transactionSwappedForAnotherWithItsOwnIdIsRejected() {
        Block block = valid(ChainFixture.txs(2));
        List<Transaction> swapped = new ArrayList<>(block.transactions());
        swapped.set(0, ChainFixture.tx());
        Block edited = new Block(block.index(), block.timestamp(), block.previousHash(), block.difficulty(),
                block.proof(), swapped, block.hash());
        assertThat(ruleBroken(edited)).isEqualTo("hash-matches-header");
    }

    @Test
    void hashWithoutEnoughLeadingZerosIsRejected() {
        assertThat(ruleBroken(ChainFixture.withoutWork(parent, ChainFixture.txs(1), NOW))).isEqualTo("proof-of-work");
    }

    @Test
    void transactionTwiceInABlockIsRejected() {
        Transaction tx = ChainFixture.tx();
        assertThat(ruleBroken(valid(List.of(tx, tx)))).isEqualTo("unique-transactions");
    }

    @Test
    void transactionAlreadyInTheChainIsRejected() {
        Transaction tx = ChainFixture.tx();
        assertThat(ruleBroken(valid(List.of(tx)), Set.of(tx.id()))).isEqualTo("unique-transactions");
    }

    @Test
    void tamperedTransactionContentIsRejected() {
        Transaction honest = ChainFixture.tx();
        Transaction tampered = new Transaction(honest.id(), honest.sender(), "pay mallory 1000", honest.timestamp());
        // The root commits to ids, so the block's work still checks out; the id no longer matches the content.
        assertThat(ruleBroken(valid(List.of(tampered)))).isEqualTo("valid-transactions");
    }

    @Test
    void invalidTransactionContentIsRejected() {
        Transaction invalid = Transaction.of("alice", "a|b", NOW);
        assertThat(ruleBroken(valid(List.of(invalid)))).isEqualTo("valid-transactions");
    }

    @Test
    void aSignedTransactionWithItsKeysSignatureKeepsEveryRule() {
        Transaction signed = ChainFixture.signed(genesis.hash(), "gzan3055", "signed", NOW - 1);
        assertThatCode(() -> BlockValidator.validate(valid(List.of(signed)), context(Set.of())))
                .doesNotThrowAnyException();
    }

    @Test
    void aForgedSignatureIsRefusedUnlessThisNodeVerifiedItAlready() {
        Transaction signed = ChainFixture.signed(genesis.hash(), "gzan3055", "signed", NOW - 1);
        Transaction forged = new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(),
                signed.publicKey(), ChainFixture.signed(genesis.hash(), "gzan3055", "other", NOW - 1).signature());
        Block block = valid(List.of(forged));

        assertThat(ruleBroken(block)).isEqualTo("valid-signatures");
        verified.add(forged);
        assertThatCode(() -> BlockValidator.validate(block, context(Set.of()))).as("verified once per node")
                .doesNotThrowAnyException();
    }

    @Test
    void aCopyOfAVerifiedTransactionWithOtherSignatureBytesIsVerifiedAgain() {
        Transaction signed = ChainFixture.signed(genesis.hash(), "gzan3055", "signed", NOW - 1);
        Transaction forged = new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(),
                signed.publicKey(), ChainFixture.signed(genesis.hash(), "gzan3055", "other", NOW - 1).signature());
        verified.add(signed);

        assertThat(ruleBroken(valid(List.of(forged)))).as("the id does not cover the signature")
                .isEqualTo("valid-signatures");
    }

    @Test
    void aSignatureForAnotherNetworkIsRefused() {
        Transaction elsewhere = ChainFixture.signed("ee".repeat(32), "gzan3055", "signed elsewhere", NOW - 1);
        assertThat(ruleBroken(valid(List.of(elsewhere)))).isEqualTo("valid-signatures");
    }

    @Test
    void aNameBelongsToTheKeyOfItsFirstSignedTransaction() {
        byte[] otherKey = HexFormat.of().parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        Transaction first = ChainFixture.signed(genesis.hash(), "gzan3055", "first", NOW - 3);
        Transaction sameKey = ChainFixture.signed(genesis.hash(), "gzan3055", "second", NOW - 2);
        Transaction otherKeys = ChainFixture.signed(otherKey, genesis.hash(), "gzan3055", "mine now", NOW - 1);
        Transaction unsigned = Transaction.of("gzan3055", "unsigned", NOW - 1);

        assertThatCode(() -> BlockValidator.validate(valid(List.of(unsigned, first, sameKey)), context(Set.of())))
                .as("unsigned before the name is bound, then the binding key").doesNotThrowAnyException();
        assertThat(ruleBroken(valid(List.of(first, otherKeys)))).as("another key in the same block").isEqualTo("sender-key");
        assertThat(ruleBroken(valid(List.of(first, unsigned)))).as("unsigned after it").isEqualTo("sender-key");

        bound.put("gzan3055", first.publicKey());
        assertThat(ruleBroken(valid(List.of(otherKeys)))).as("another key in a later block").isEqualTo("sender-key");
        assertThat(ruleBroken(valid(List.of(unsigned)))).isEqualTo("sender-key");
        assertThatCode(() -> BlockValidator.validate(valid(List.of(sameKey)), context(Set.of()))).doesNotThrowAnyException();
    }

    @Test
    void whereSignaturesAreRequiredAnUnsignedTransactionIsRefused() {
        Transaction signed = ChainFixture.signed(genesis.hash(), "gzan3055", "signed", NOW - 1);
        signaturesRequired = true;

        assertThat(ruleBroken(valid(List.of(signed, ChainFixture.tx())))).isEqualTo("signature-required");
        assertThatCode(() -> BlockValidator.validate(valid(List.of(signed)), context(Set.of()))).doesNotThrowAnyException();
    }
}
