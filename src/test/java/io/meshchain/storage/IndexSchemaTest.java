package io.meshchain.storage;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The index's encodings: each value reads back as it was written, and heights sort as the chain runs. */
class IndexSchemaTest {

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) seed);
        return bytes;
    }

    @Test
    void anEntryReadsBackAsWritten() {
        BlockIndex.Entry entry = new BlockIndex.Entry(42, bytes(32, 7), 1_700_000_000_000L, 99,
                new BigInteger("123456789012345678901234567890"), 4_096, 431, -5);

        BlockIndex.Entry read = IndexSchema.decodeEntry(42, IndexSchema.encodeEntry(entry));

        assertThat(read.hash()).isEqualTo(entry.hash());
        assertThat(read).usingRecursiveComparison().ignoringFields("hash").isEqualTo(entry);
    }

    @Test
    void locationsBindingsAndLeavesReadBackAsWritten() {
        assertThat(IndexSchema.decodeLocation(IndexSchema.encodeLocation(7, 3))).isEqualTo(new BlockIndex.Location(7, 3));

        BlockIndex.Binding binding = IndexSchema.decodeBinding(IndexSchema.encodeBinding(bytes(32, 9), 12));
        assertThat(binding.publicKey()).isEqualTo(bytes(32, 9));
        assertThat(binding.height()).isEqualTo(12);

        List<byte[]> leaves = List.of(bytes(32, 1), bytes(32, 2), bytes(32, 3));
        assertThat(IndexSchema.decodeLeaves(IndexSchema.encodeLeaves(leaves))).containsExactlyElementsOf(leaves);
    }

    @Test
    void heightKeysSortInChainOrder() {
        assertThat(Arrays.compareUnsigned(IndexSchema.height(255), IndexSchema.height(256))).isNegative();
        assertThat(Arrays.compareUnsigned(IndexSchema.height(1), IndexSchema.height(1L << 40))).isNegative();
        assertThat(IndexSchema.decodeHeight(IndexSchema.height(1L << 40))).isEqualTo(1L << 40);
    }
}
