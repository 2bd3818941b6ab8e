package io.meshchain.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MerkleTreeTest {

    private static final HexFormat HEX = HexFormat.of();
    /** RFC 6962's test leaves, as certificate-transparency's own tests use them. */
    private static final List<byte[]> RFC_LEAVES = List.of("", "00", "10", "2021", "3031", "40414243",
            "5051525354555657", "606162636465666768696a6b6c6d6e6f").stream().map(HEX::parseHex).toList();
    /** Their tree hashes for the first 1 to 8 leaves. */
    private static final List<String> RFC_ROOTS = List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    @Test
    void theTreeHashesOfRfc6962sExamples() {
        for (int n = 1; n <= 8; n++) {
            assertThat(HEX.formatHex(MerkleTree.root(RFC_LEAVES.subList(0, n)))).as(n + " leaves")
                    .isEqualTo(RFC_ROOTS.get(n - 1));
        }
        assertThat(HEX.formatHex(MerkleTree.root(List.of())))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 255, 257, 1000})
    void everyLeafHasAProofOfAtMostCeilLog2NHashesAndOnlyItHolds(int n) {
        List<byte[]> leaves = leaves(n);
        byte[] root = MerkleTree.root(leaves);
        int bound = 32 - Integer.numberOfLeadingZeros(n - 1);
        for (int i = 0; i < n; i++) {
            List<byte[]> path = MerkleTree.auditPath(leaves, i);
            assertThat(path.size()).as("path of leaf %d of %d", i, n).isLessThanOrEqualTo(bound);
            assertThat(MerkleTree.verify(leaves.get(i), i, n, path, root)).as("leaf %d of %d", i, n).isTrue();
            if (n > 1) {
                assertThat(MerkleTree.verify(leaves.get(i), (i + 1) % n, n, path, root)).as("another index").isFalse();
                assertThat(MerkleTree.verify(leaves.get((i + 1) % n), i, n, path, root)).as("another leaf").isFalse();
                List<byte[]> tampered = new ArrayList<>(path);
                byte[] first = tampered.get(0).clone();
                first[0] ^= 1;
                tampered.set(0, first);
                assertThat(MerkleTree.verify(leaves.get(i), i, n, tampered, root)).as("a tampered path").isFalse();
            }
            byte[] otherRoot = root.clone();
            otherRoot[31] ^= 1;
            assertThat(MerkleTree.verify(leaves.get(i), i, n, path, otherRoot)).as("another root").isFalse();
        }
    }

    @Test
    void noTwoListsShareARootAsBitcoinsDuplicatedLastNodeWould() {
        List<byte[]> three = leaves(3);
        List<byte[]> lastTwice = new ArrayList<>(three);
        lastTwice.add(three.get(2));
        assertThat(MerkleTree.root(three)).isNotEqualTo(MerkleTree.root(lastTwice));
    }

    private static List<byte[]> leaves(int n) {
        return IntStream.range(0, n).mapToObj(i -> MerkleTree.sha256().digest(new byte[] {(byte) i, (byte) (i >> 8)}))
                .toList();
    }
}
