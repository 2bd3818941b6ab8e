package io.meshchain.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The index's format metadata, kept in its meta column family: the layout it was written with, the
 * network its chain belongs to, how far into the block log it is up to date, and whether a full check
 * of the chain against it is still due. Start-up reads it to decide whether the index can be trusted,
 * caught up from the log's tail, or must be built again.
 */
final class IndexFormat {

    /** Layout of keys and values ({@link IndexSchema}); a directory written with another is rebuilt from the block log. */
    static final int VERSION = 1;

    static final byte[] FORMAT_KEY = IndexSchema.key("format");
    static final byte[] GENESIS_KEY = IndexSchema.key("genesis");
    static final byte[] TIP_KEY = IndexSchema.key("tip");
    static final byte[] LOG_END_KEY = IndexSchema.key("log-end");
    /** Present from the start of a rebuild until the ledger has checked every block against the new index. */
    static final byte[] FULL_CHECK_KEY = IndexSchema.key("full-check-due");
    /** Written and deleted again to find out whether the database takes writes. */
    static final byte[] PROBE_KEY = IndexSchema.key("probe");

    private IndexFormat() {
    }

    /**
     * What the index covers.
     *
     * @param format  the layout it was written with
     * @param genesis the genesis hash of the network its chain belongs to
     * @param tip     the height of its chain's tip
     * @param logEnd  the offset in the block log up to which it is up to date
     */
    record Meta(int format, byte[] genesis, long tip, long logEnd) {
    }

    /** Reads one key of the meta family; null when it is absent. */
    @FunctionalInterface
    interface MetaReader {
        byte[] get(byte[] key) throws IOException;
    }

    /** What the index covers, read with {@code reader}; empty for an index just created. */
    static Optional<Meta> read(MetaReader reader) throws IOException {
        byte[] format = reader.get(FORMAT_KEY);
        if (format == null) {
            return Optional.empty();
        }
        return Optional.of(new Meta(ByteBuffer.wrap(format).getInt(), reader.get(GENESIS_KEY),
                IndexSchema.decodeHeight(reader.get(TIP_KEY)), IndexSchema.decodeHeight(reader.get(LOG_END_KEY))));
    }

    /** The value of {@link #FORMAT_KEY} for this version. */
    static byte[] version() {
        return ByteBuffer.allocate(Integer.BYTES).putInt(VERSION).array();
    }

    /** The tip's height as a snapshot of the meta family holds it: 0 while no block is indexed. */
    static long tip(byte[] value) {
        return value == null ? 0 : IndexSchema.decodeHeight(value);
    }
}
