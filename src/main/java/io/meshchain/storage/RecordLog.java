package io.meshchain.storage;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of records. The file starts with {@link #MAGIC}; each record is
 * {@code length(4) | crc32c(4) | payload}, the checksum covering the length and the payload.
 * <p>
 * Opening a log replays it and stops at the first record that is incomplete (a torn write) or
 * fails its checksum; the file is cut there, since nothing after it can be trusted. Appends only
 * write; {@link #sync} forces them to disk, and concurrent callers share one force (group commit):
 * while one thread forces, the others queue, and the next force covers all of their writes.
 */
final class RecordLog implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(RecordLog.class);

    /** First bytes of every log file: the format and its version. */
    static final byte[] MAGIC = "MESHLOG1".getBytes(StandardCharsets.US_ASCII);
    /** Bytes before each payload: length and checksum. */
    static final int RECORD_HEADER_BYTES = 8;
    /** Largest payload accepted; a larger length can only be corruption. */
    static final int MAX_RECORD_BYTES = 256 * 1024 * 1024;

    /** Opens a file channel; tests substitute one that fails like a full disk. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    /**
     * A log as opened.
     *
     * @param log          the log, positioned for appends
     * @param records      the payloads of every intact record, in order
     * @param droppedBytes bytes cut from the end because they were torn or corrupt
     */
    record Opened(RecordLog log, List<byte[]> records, long droppedBytes) {
    }

    private final Path file;
    private final FileChannel channel;
    private final boolean fsync;
    private final Object forceLock = new Object();
    private volatile long end;
    private long forced;
    private boolean retired;
    private boolean broken;

    private RecordLog(Path file, FileChannel channel, boolean fsync, long end) {
        this.file = file;
        this.channel = channel;
        this.fsync = fsync;
        this.end = end;
        this.forced = end;
    }

    static Opened open(Path file, boolean fsync) throws IOException {
        return open(file, fsync, FileChannel::open);
    }

    static Opened open(Path file, boolean fsync, ChannelOpener opener) throws IOException {
        FileChannel channel = opener.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size < MAGIC.length) {
                byte[] start = readStart(channel, (int) size);
                if (!Arrays.equals(start, Arrays.copyOf(MAGIC, start.length))) {
                    throw new IOException(file + " is not a meshchain log");
                }
                // Empty, or torn while the header was written: start afresh.
                channel.truncate(0);
                write(channel, ByteBuffer.wrap(MAGIC), 0);
                if (fsync) {
                    channel.force(true);
                }
                return new Opened(new RecordLog(file, channel, fsync, MAGIC.length), List.of(), size);
            }
            if (!Arrays.equals(readStart(channel, MAGIC.length), MAGIC)) {
                throw new IOException(file + " is not a meshchain log");
            }
            List<byte[]> records = new ArrayList<>();
            long good = replay(channel, size, records);
            if (good < size) {
                log.warn("{}: dropped {} bytes after the last intact record, at offset {} ({} records kept)",
                        file, size - good, good, records.size());
                channel.truncate(good);
                if (fsync) {
                    channel.force(true);
                }
            }
            return new Opened(new RecordLog(file, channel, fsync, good), records, size - good);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static byte[] readStart(FileChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // keep reading until the start is in
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** Reads intact records into {@code records}; returns the offset just past the last one. */
    private static long replay(FileChannel channel, long size, List<byte[]> records) throws IOException {
        long position = MAGIC.length;
        InputStream raw = Channels.newInputStream(channel.position(position));
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        CRC32C crc = new CRC32C();
        while (size - position >= RECORD_HEADER_BYTES) {
            int length = in.readInt();
            int checksum = in.readInt();
            if (length < 0 || length > MAX_RECORD_BYTES || length > size - position - RECORD_HEADER_BYTES) {
                break;
            }
            byte[] payload = new byte[length];
            try {
                in.readFully(payload);
            } catch (EOFException e) {
                break;
            }
            if (checksum(crc, length, payload) != checksum) {
                break;
            }
            records.add(payload);
            position += RECORD_HEADER_BYTES + length;
        }
        return position;
    }

    private static int checksum(CRC32C crc, int length, byte[] payload) {
        crc.reset();
        crc.update(ByteBuffer.allocate(Integer.BYTES).putInt(length).array());
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static void write(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    /**
     * Writes one record after the last. On failure (a full disk) the partial record is cut off
     * again, so later records never follow garbage.
     *
     * @return the offset just past the record, to pass to {@link #sync}
     */
    synchronized long append(byte[] payload) throws IOException {
        if (broken) {
            throw new IOException(file + " could not be repaired after a failed write; restart the node");
        }
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + payload.length);
        record.putInt(payload.length).putInt(checksum(new CRC32C(), payload.length, payload)).put(payload).flip();
        try {
            write(channel, record, end);
        } catch (IOException e) {
            try {
                channel.truncate(end);
            } catch (IOException truncateFailure) {
                broken = true;
                e.addSuppressed(truncateFailure);
            }
            throw e;
        }
        end += record.limit();
        return end;
    }

    /** Forces everything up to {@code position} to disk, sharing the force with concurrent callers. */
    void sync(long position) throws IOException {
        if (!fsync) {
            return;
        }
        synchronized (forceLock) {
            if (retired || forced >= position) {
                return;
            }
            long target = end;
            channel.force(false);
            forced = target;
        }
    }

    /** Offset just past the last record written. */
    long end() {
        return end;
    }

    Path file() {
        return file;
    }

    /**
     * Closes a log whose contents were copied into a new, forced file. Callers still waiting on
     * {@link #sync} for it return at once: their records are on disk in the new file.
     */
    void retire() throws IOException {
        synchronized (forceLock) {
            retired = true;
            channel.close();
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (forceLock) {
            retired = true;
            if (fsync && channel.isOpen()) {
                channel.force(false);
            }
            channel.close();
        }
    }
}
