package io.meshchain.pow;

import io.meshchain.crypto.Hex;
import io.meshchain.crypto.Signatures;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.Genesis;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashesTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String GENESIS = "ab".repeat(32);
    private static final String OTHER_NETWORK = "cd".repeat(32);
    private static final byte[] PRIVATE_KEY = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

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

    @Test
    void encodingV2IsV1WithTheKeyAsApiMdWritesIt() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);

        byte[] encoding = Hashes.signedTransactionEncoding("ab", "c", 1, key);

        String expected = "02" + "00000002" + "6162" + "00000001" + "63" + "0000000000000001" + "07".repeat(32);
        assertThat(HEX.formatHex(encoding)).isEqualTo(expected);
        assertThat(Hashes.signingMessage(GENESIS, "ab", "c", 1, key)).isEqualTo(concat(
                "meshchain-tx".getBytes(StandardCharsets.US_ASCII), HEX.parseHex(GENESIS), encoding));
    }

    @Test
    void aSignedTransactionsIdNamesItsKey() {
        byte[] key = Signatures.publicKey(PRIVATE_KEY);
        byte[] otherKey = Signatures.publicKey(HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
        String signed = Hashes.signedTransactionId("gzan3055", "hello", 1, key);

        assertThat(signed).isNotEqualTo(Hashes.transactionId("gzan3055", "hello", 1))
                .isNotEqualTo(Hashes.signedTransactionId("gzan3055", "hello", 1, otherKey))
                .matches("[0-9a-f]{64}");
        assertThatThrownBy(() -> Hashes.signedTransactionId("gzan3055", "hello", 1, new byte[31]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSignatureHoldsForItsTransactionKeyAndNetworkOnly() {
        byte[] key = Signatures.publicKey(PRIVATE_KEY);
        byte[] signature = Signatures.sign(PRIVATE_KEY,
                Hashes.signingMessage(GENESIS, "gzan3055", "pay bob 5", 1, key));
        byte[] otherKey = Signatures.publicKey(HEX.parseHex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"));

        assertThat(Signatures.verify(key, signature,
                Hashes.signingMessage(GENESIS, "gzan3055", "pay bob 5", 1, key))).isTrue();
        assertThat(Signatures.verify(key, signature,
                Hashes.signingMessage(GENESIS, "gzan3055", "pay bob 500", 1, key))).as("tampered content").isFalse();
        assertThat(Signatures.verify(key, signature,
                Hashes.signingMessage(OTHER_NETWORK, "gzan3055", "pay bob 5", 1, key))).as("another network").isFalse();
        assertThat(Signatures.verify(otherKey, signature,
                Hashes.signingMessage(GENESIS, "gzan3055", "pay bob 5", 1, otherKey))).as("a swapped key").isFalse();
        assertThat(Signatures.verify(key, Arrays.copyOf(signature, 63), new byte[0])).as("a short signature").isFalse();
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(part -> part.length).sum();
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }
}
