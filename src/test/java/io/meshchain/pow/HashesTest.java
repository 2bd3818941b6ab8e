package io.meshchain.pow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.ledger.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashesTest {

    @Test
    void sameTransactionFieldsGiveTheSameId() {
        assertThat(Hashes.transactionId("alice", "hello", 1L)).isEqualTo(Hashes.transactionId("alice", "hello", 1L));
    }

    @Test
    void everyTransactionFieldChangesTheId() {
        String id = Hashes.transactionId("alice", "hello", 1L);
        assertThat(Hashes.transactionId("alicf", "hello", 1L)).isNotEqualTo(id);
        assertThat(Hashes.transactionId("alice", "hellp", 1L)).isNotEqualTo(id);
        assertThat(Hashes.transactionId("alice", "hello", 2L)).isNotEqualTo(id);
    }

    @Test
    void fieldBoundariesAreNotAmbiguous() {
        assertThat(Hashes.transactionId("ab", "c", 1L)).isNotEqualTo(Hashes.transactionId("a", "bc", 1L));
    }

    @Test
    void idIsLowercaseHexSha256() {
        assertThat(Hex.isHash(Hashes.transactionId("alice", "hello", 1L))).isTrue();
    }

    @Test
    void anUnpairedSurrogateIsNeverHashedAsSomethingElse() {
        long timestamp = 1_764_000_000_000L;
        String question = Hashes.transactionId("alice", "pay ? to bob", timestamp);

        assertThatThrownBy(() -> Hashes.transactionId("alice", "pay \ud800 to bob", timestamp))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Hashes.isTransactionId(question, "alice", "pay \ud800 to bob", timestamp)).isFalse();
        assertThat(Hashes.isTransactionId(question, "alice", "pay \udfff to bob", timestamp)).isFalse();
        assertThat(Hashes.transactionId("alice", "pay \ud83d\ude00 to bob", timestamp))
                .isEqualTo(Hashes.transactionId("alice", "pay 😀 to bob", timestamp));
    }

    @Test
    void changingATransactionChangesTheBlockHash() {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Transaction> transactions = ChainFixture.txs(3);
        Block block = ChainFixture.mine(genesis, transactions, ChainFixture.NOW);

        List<Transaction> tampered = new ArrayList<>(transactions);
        tampered.set(1, Transaction.of("mallory", "payment to mallory", ChainFixture.NOW));
        Block edited = new Block(block.index(), block.timestamp(), block.previousHash(), block.difficulty(),
                block.proof(), tampered, block.hash());

        assertThat(edited.computeHash()).isNotEqualTo(block.hash());
    }

    @Test
    void reorderingTransactionsChangesTheRoot() {
        List<Transaction> transactions = ChainFixture.txs(2);
        String root = Hashes.transactionsRoot(List.of(transactions.get(0).id(), transactions.get(1).id()));
        String swapped = Hashes.transactionsRoot(List.of(transactions.get(1).id(), transactions.get(0).id()));
        assertThat(root).isNotEqualTo(swapped);
    }

    @Test
    void aRootRefusedHalfWayLeavesNothingBehindForTheNextHash() {
        List<Transaction> transactions = ChainFixture.txs(2);
        String root = Hashes.transactionsRoot(List.of(transactions.get(0).id(), transactions.get(1).id()));
        String header = Hashes.blockHash(new BlockHeader(1, 2, Genesis.NO_PARENT, 8, root, 3));

        assertThatThrownBy(() -> Hashes.transactionsRoot(List.of(transactions.get(0).id(), "not a hash")))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(Hashes.transactionsRoot(List.of(transactions.get(0).id(), transactions.get(1).id())))
                .isEqualTo(root);
        assertThatThrownBy(() -> Hashes.transactionsRoot(List.of(transactions.get(0).id(), "not a hash")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Hashes.blockHash(new BlockHeader(1, 2, Genesis.NO_PARENT, 8, root, 3))).isEqualTo(header);
    }

    @Test
    void everyHeaderFieldChangesTheBlockHash() {
        String root = Hashes.transactionsRoot(List.of());
        BlockHeader header = new BlockHeader(1, 2, Genesis.NO_PARENT, 8, root, 3);
        String hash = Hashes.blockHash(header);
        assertThat(Hashes.blockHash(new BlockHeader(9, 2, Genesis.NO_PARENT, 8, root, 3))).isNotEqualTo(hash);
        assertThat(Hashes.blockHash(new BlockHeader(1, 9, Genesis.NO_PARENT, 8, root, 3))).isNotEqualTo(hash);
        assertThat(Hashes.blockHash(new BlockHeader(1, 2, "1".repeat(64), 8, root, 3))).isNotEqualTo(hash);
        assertThat(Hashes.blockHash(new BlockHeader(1, 2, Genesis.NO_PARENT, 9, root, 3))).isNotEqualTo(hash);
        assertThat(Hashes.blockHash(new BlockHeader(1, 2, Genesis.NO_PARENT, 8, "2".repeat(64), 3))).isNotEqualTo(hash);
        assertThat(Hashes.blockHash(header.withProof(4))).isNotEqualTo(hash);
    }

    @Test
    void headerEncodingIsVersionedAndEndsWithTheProof() {
        BlockHeader header = new BlockHeader(1, 2, Genesis.NO_PARENT, 8, Genesis.NO_PARENT, 0x0102030405060708L);
        byte[] encoded = HeaderEncoding.encode(header);
        assertThat(encoded).hasSize(HeaderEncoding.LENGTH);
        assertThat(encoded[0]).isEqualTo(HeaderEncoding.VERSION);
        assertThat(encoded[HeaderEncoding.LENGTH - 1]).isEqualTo((byte) 0x08);

        HeaderEncoding.putProof(encoded, 7);
        assertThat(encoded).isEqualTo(HeaderEncoding.encode(header.withProof(7)));
    }

    @Test
    void malformedHashesAreRefusedBeforeHashing() {
        BlockHeader header = new BlockHeader(1, 2, "not a hash", 8, Genesis.NO_PARENT, 0);
        assertThatThrownBy(() -> Hashes.blockHash(header)).isInstanceOf(IllegalArgumentException.class);
    }
}
