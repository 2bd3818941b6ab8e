package io.meshchain.storage;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.CompressionType;
import org.rocksdb.RocksDB;

/**
 * The index's schema: its column families, what each holds, and how their keys and values are
 * encoded. A change here is a change of {@link IndexFormat#VERSION}: an index written with another
 * layout is built again from the block log.
 */
final class IndexSchema {

    /** Position of each column family in {@link #families}, and so of its handle once the database is open. */
    static final int META = 0;
    static final int HEIGHTS = 1;
    static final int HASHES = 2;
    static final int TRANSACTIONS = 3;
    static final int SENDERS = 4;
    static final int LEAVES = 5;
    /**
     * Blocks of at least this many transactions have their leaf hashes kept, so that a proof reads
     * 32 bytes a transaction instead of the block. A smaller block is read about as fast as its
     * hashes, and a chain of small blocks, the common case, would pay for the copy in every write.
     */
    static final int LEAVES_FROM = 16;
    private static final int HASH_BYTES = 32;

    private IndexSchema() {
    }

    /**
     * The column families, in the order of the positions above: what the index covers ({@link
     * IndexFormat}); height to entry; block hash to height; transaction id to height and position;
     * sender name to key and height; height to leaf hashes.
     */
    static List<ColumnFamilyDescriptor> families(IndexOptions options) {
        return List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, options.family(CompressionType.NO_COMPRESSION, false)),
                new ColumnFamilyDescriptor(key("heights"), options.family(CompressionType.LZ4_COMPRESSION, false)),
                // Hashes and ids are random: they do not compress. Most lookups of them miss (a new
                // transaction, a block not yet seen): a bloom filter on the memtable too answers those
                // without searching it (a miss here went from 6.9 to 4.4 us).
                new ColumnFamilyDescriptor(key("hashes"), options.family(CompressionType.NO_COMPRESSION, true)),
                new ColumnFamilyDescriptor(key("transactions"), options.family(CompressionType.NO_COMPRESSION, true)),
                // Sender names bound to keys: added with signed transactions; an index without it gets it
                // empty, which is right, since no chain before held a signed transaction.
                new ColumnFamilyDescriptor(key("senders"), options.family(CompressionType.NO_COMPRESSION, true)),
                // The leaf hashes of blocks of many transactions, by height: an inclusion proof is built
                // from them without reading the block. Added with proofs; older blocks have none there,
                // and their proofs read the block, which is right, if slower.
                new ColumnFamilyDescriptor(key("leaves"), options.family(CompressionType.NO_COMPRESSION, false)));
    }

    /** The name of a column family or a key of the meta family, in ASCII. */
    static byte[] key(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** Heights are keys in big-endian order, so that the chain is stored in order. */
    static byte[] height(long height) {
        return ByteBuffer.allocate(Long.BYTES).putLong(height).array();
    }

    /** A height as {@link #height(long)} encodes it. */
    static long decodeHeight(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    /** A value of the heights family: everything of the entry but its height, which is the key. */
    static byte[] encodeEntry(BlockIndex.Entry entry) {
        byte[] work = entry.totalWork().toByteArray();
        return ByteBuffer.allocate(HASH_BYTES + 3 * Long.BYTES + 2 * Integer.BYTES + work.length)
                .put(entry.hash()).putLong(entry.timestamp()).putLong(entry.proof())
                .putLong(entry.offset()).putInt(entry.length()).putInt(entry.crc())
                .put(work).array();
    }

    static BlockIndex.Entry decodeEntry(long height, byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        byte[] hash = new byte[HASH_BYTES];
        buffer.get(hash);
        long timestamp = buffer.getLong();
        long proof = buffer.getLong();
        long offset = buffer.getLong();
        int length = buffer.getInt();
        int crc = buffer.getInt();
        BigInteger work = new BigInteger(Arrays.copyOfRange(value, buffer.position(), value.length));
        return new BlockIndex.Entry(height, hash, timestamp, proof, work, offset, length, crc);
    }

    /** A value of the transactions family: the block's height, then the position in it. */
    static byte[] encodeLocation(long height, int position) {
        return ByteBuffer.allocate(Long.BYTES + Integer.BYTES).putLong(height).putInt(position).array();
    }

    static BlockIndex.Location decodeLocation(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return new BlockIndex.Location(buffer.getLong(), buffer.getInt());
    }

    /** A key of the senders family: the sender's name in UTF-8. */
    static byte[] sender(String sender) {
        return sender.getBytes(StandardCharsets.UTF_8);
    }

    /** A value of the senders family: the key, 32 bytes, then the height of the block that bound it. */
    static byte[] encodeBinding(byte[] publicKey, long height) {
        return ByteBuffer.allocate(32 + Long.BYTES).put(publicKey).putLong(height).array();
    }

    static BlockIndex.Binding decodeBinding(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        byte[] key = new byte[32];
        buffer.get(key);
        return new BlockIndex.Binding(key, buffer.getLong());
    }

    /** A value of the leaves family: the block's leaf hashes, 32 bytes each, one after another. */
    static byte[] encodeLeaves(List<byte[]> leafHashes) {
        ByteBuffer value = ByteBuffer.allocate(32 * leafHashes.size());
        leafHashes.forEach(value::put);
        return value.array();
    }

    static List<byte[]> decodeLeaves(byte[] value) {
        List<byte[]> hashes = new ArrayList<>(value.length / 32);
        for (int offset = 0; offset < value.length; offset += 32) {
            hashes.add(Arrays.copyOfRange(value, offset, offset + 32));
        }
        return hashes;
    }
}
