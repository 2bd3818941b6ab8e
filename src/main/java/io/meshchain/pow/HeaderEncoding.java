package io.meshchain.pow;

import io.meshchain.crypto.Hex;
import java.nio.ByteBuffer;

/**
 * The one byte encoding of a block header that is hashed. It is explicit and versioned so that
 * every node, whatever its JSON library or locale, hashes exactly the same bytes.
 *
 * <pre>
 * version(1) | index(8) | timestamp(8) | previousHash(32) | difficulty(4) | transactionsRoot(32) | proof(8)
 * </pre>
 * All integers are big-endian. The proof comes last, so a miner changes only the final eight
 * bytes between attempts.
 */
final class HeaderEncoding {

    /**
     * 2: the transactions root is RFC 6962's Merkle tree hash ({@link io.meshchain.crypto.MerkleTree}); 1 hashed the
     * version, the count and the ids in one digest. Chains of version 1 are refused at start.
     */
    static final byte VERSION = 2;
    static final int LENGTH = 1 + 8 + 8 + 32 + 4 + 32 + 8;
    static final int PROOF_OFFSET = LENGTH - Long.BYTES;

    private HeaderEncoding() {
    }

    static byte[] encode(BlockHeader header) {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.put(VERSION)
                .putLong(header.index())
                .putLong(header.timestamp())
                .put(Hex.decode32(header.previousHash()))
                .putInt(header.difficulty())
                .put(Hex.decode32(header.transactionsRoot()))
                .putLong(header.proof());
        return buffer.array();
    }

    /** Bytes of one SHA-256 block. */
    static final int SHA256_BLOCK = 64;

    /**
     * The encoded header's second SHA-256 block, as SHA-256 pads it: the rest of the header, the
     * byte 0x80, zeros, and the header's length in bits. Only the proof in it changes between attempts.
     */
    static byte[] paddedSecondBlock(byte[] encoded) {
        if (encoded.length != LENGTH) {
            throw new IllegalArgumentException("a header is " + LENGTH + " bytes");
        }
        byte[] block = new byte[SHA256_BLOCK];
        int rest = LENGTH - SHA256_BLOCK;
        System.arraycopy(encoded, SHA256_BLOCK, block, 0, rest);
        block[rest] = (byte) 0x80;
        long bits = LENGTH * 8L;
        for (int i = 0; i < Long.BYTES; i++) {
            block[SHA256_BLOCK - 1 - i] = (byte) (bits >>> (8 * i));
        }
        return block;
    }

    /** Writes {@code proof} into an encoded header in place, without allocating. */
    static void putProof(byte[] encoded, long proof) {
        for (int i = 0; i < Long.BYTES; i++) {
            encoded[PROOF_OFFSET + i] = (byte) (proof >>> (56 - 8 * i));
        }
    }
}
