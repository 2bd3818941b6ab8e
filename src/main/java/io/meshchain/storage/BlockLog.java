package io.meshchain.storage;

import io.meshchain.ledger.PoolJournal.Durability;
import io.meshchain.primitives.Block;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The block log, {@value DataDirectory#BLOCKS_FILE}: the chain as records of blocks, appended and
 * never rewritten (as Bitcoin Core keeps its block files), and blocks read back from it where the
 * index places them, each checked against the checksum the index recorded for its bytes: a damaged
 * block is reported, never served. A record means "from this height on, the chain is these blocks":
 * a plain append, or a whole reorganisation in one record. The genesis block is not in the log.
 */
final class BlockLog implements Closeable {

    private final Path file;
    private final boolean fsync;
    private final RecordLog.ChannelOpener opener;
    private final Block genesis;
    private final StorageReadiness readiness;
    /** Reads blocks wherever they lie, apart from the appends. */
    private final FileChannel reader;
    /** Appends; null until {@link #openFrom} has replayed the log's tail. */
    private volatile RecordLog log;

    private BlockLog(Path file, boolean fsync, RecordLog.ChannelOpener opener, Block genesis,
                     StorageReadiness readiness, FileChannel reader) {
        this.file = file;
        this.fsync = fsync;
        this.opener = opener;
        this.genesis = genesis;
        this.readiness = readiness;
        this.reader = reader;
    }

    /** Opens the block log in {@code file} for reads, creating it if it is not there; {@link #openFrom} opens it for appends. */
    static BlockLog open(Path file, boolean fsync, RecordLog.ChannelOpener opener, Block genesis,
                         StorageReadiness readiness) throws IOException {
        FileChannel reader = opener.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new BlockLog(file, fsync, opener, genesis, readiness, reader);
    }

    /**
     * Opens the log for appends, replaying its records from offset {@code from} on into {@code
     * visitor}: the tail the index has not taken in.
     *
     * @return bytes cut from the end because they were torn or corrupt
     */
    long openFrom(long from, RecordLog.RecordVisitor visitor) throws IOException {
        RecordLog.Opened opened = RecordLog.open(file, fsync, opener, from, visitor);
        log = opened.log();
        return opened.droppedBytes();
    }

    /** The file's size, as it is on disk. */
    long size() throws IOException {
        return Files.size(file);
    }

    /** Whether the bytes {@code entry} points at have the checksum the index recorded for them. */
    boolean holds(BlockIndex.Entry entry) throws IOException {
        byte[] bytes = read(entry.offset(), entry.length());
        return crc(bytes, 0, bytes.length) == entry.crc();
    }

    /** The blocks of {@code entries}, reading runs of neighbouring blocks with one read each. */
    List<Block> read(List<BlockIndex.Entry> entries) throws IOException {
        List<Block> result = new ArrayList<>(entries.size());
        int i = 0;
        while (i < entries.size()) {
            BlockIndex.Entry first = entries.get(i);
            if (first.height() == 0) {
                result.add(genesis);
                i++;
                continue;
            }
            int last = i;
            while (last + 1 < entries.size()
                    && entries.get(last + 1).offset() == entries.get(last).offset() + entries.get(last).length()) {
                last++;
            }
            BlockIndex.Entry end = entries.get(last);
            byte[] bytes = read(first.offset(), Math.toIntExact(end.offset() + end.length() - first.offset()));
            for (int k = i; k <= last; k++) {
                BlockIndex.Entry entry = entries.get(k);
                result.add(decode(entry, bytes, (int) (entry.offset() - first.offset())));
            }
            i = last + 1;
        }
        return result;
    }

    /** The block of {@code entry}, which is in the log (not genesis). */
    Block read(BlockIndex.Entry entry) throws IOException {
        return decode(entry, read(entry.offset(), entry.length()), 0);
    }

    private Block decode(BlockIndex.Entry entry, byte[] bytes, int at) throws IOException {
        if (crc(bytes, at, entry.length()) != entry.crc()) {
            throw new IOException("block " + entry.height() + " in " + DataDirectory.BLOCKS_FILE + " at offset "
                    + entry.offset() + " does not have the checksum the index recorded");
        }
        Block block = LedgerCodec.decodeBlock(bytes, at, entry.length());
        if (block.index() != entry.height()) {
            throw new IOException("the index places block " + block.index() + " at height " + entry.height());
        }
        return block;
    }

    private byte[] read(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (reader.read(buffer, position + buffer.position()) < 0) {
                throw new IOException(DataDirectory.BLOCKS_FILE + " ends before offset " + (position + length));
            }
        }
        return buffer.array();
    }

    /** CRC32C of a block's bytes, as the index records it. */
    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /**
     * A block record appended and forced.
     *
     * @param start where the record starts: the end of the log before it
     * @param end   where it ends
     */
    record Appended(long start, long end) {
    }

    /** Appends a block record and forces it; when that fails, the log is as it was. */
    Appended append(byte[] payload) {
        RecordLog blocks = log;
        long start = blocks.end();
        try {
            blocks.appendAndSync(payload);
            return new Appended(start, blocks.end());
        } catch (IOException e) {
            throw readiness.failed("cannot write blocks", e);
        }
    }

    /** Cuts off the record just appended from {@code start}: the change it was half of could not be made. */
    void cutBackTo(long start) throws IOException {
        log.cutBackTo(start);
    }

    /** The wait until the log is on disk up to {@code end}. */
    Durability durableTo(long end) {
        RecordLog blocks = log;
        return () -> sync(blocks, end);
    }

    /** The wait until every record appended so far is on disk. */
    Durability written() {
        RecordLog blocks = log;
        long end = blocks.end();
        return () -> sync(blocks, end);
    }

    private void sync(RecordLog blocks, long position) {
        try {
            blocks.sync(position);
        } catch (IOException e) {
            throw readiness.failed("cannot force blocks", e);
        }
        readiness.wrote();
    }

    /** Offset just past the last record, 0 before the log is open for appends. */
    long end() {
        RecordLog blocks = log;
        return blocks == null ? 0 : blocks.end();
    }

    /** Closes the reader, and the log for appends if it was opened, after writing what is queued. */
    @Override
    public void close() throws IOException {
        reader.close();
        RecordLog blocks = log;
        if (blocks != null) {
            blocks.close();
        }
    }
}
