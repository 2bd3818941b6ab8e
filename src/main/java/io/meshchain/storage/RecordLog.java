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
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of records. The file starts with {@link #MAGIC}; each record is
 * {@code length(4) | crc32c(4) | payload}, the checksum covering the length and the payload.
 * <p>
 * Opening a log replays its records from a given offset (the whole log, or only the tail that an
 * index has not seen) and stops at the first record that is incomplete (a torn write) or fails its
 * checksum; the file is cut there, since nothing after it can be trusted. What lies before the
 * offset is not read: records there are read back one at a time ({@link #read}). Appends queue
 * records in memory; {@link #sync} writes and forces them, and concurrent callers share one write
 * and one force (group commit): while one thread flushes, the others' records queue, and the next
 * flush writes and forces all of them at once.
 * <p>
 * While a log is open its file runs on past the last record in zeros, grown ahead so that flushes
 * overwrite space already on disk ({@link #PREALLOCATE_BYTES}). Zeros after the last record are
 * therefore not damage; a log closed cleanly is trimmed to its last record.
 */
final class RecordLog implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(RecordLog.class);

    /** First bytes of every log file: the format and its version. */
    static final byte[] MAGIC = "MESHLOG1".getBytes(StandardCharsets.US_ASCII);
    /** Bytes before each payload: length and checksum. */
    static final int RECORD_HEADER_BYTES = 8;
    /** Largest payload written or read back; a larger length in the file can only be corruption. */
    static final int MAX_RECORD_BYTES = 256 * 1024 * 1024;
    /** Offset of the first record: just after the header. */
    static final long FIRST_RECORD = MAGIC.length;
    /** Records of a batch are copied into a buffer this large and written with one call per bufferful. */
    private static final int STAGING_BYTES = 64 * 1024;
    /**
     * The file grows by zeros this many bytes at a time. A flush that only overwrites zeros already on
     * disk leaves the file's size alone, and so forces the data without a journal commit for the
     * size: on ext4 that halves the time of an fdatasync.
     */
    static final int PREALLOCATE_BYTES = 1024 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(STAGING_BYTES).asReadOnlyBuffer();

    /** Opens a file channel; tests substitute one that fails like a full disk. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    /** Receives the records a log replays when it is opened. */
    @FunctionalInterface
    interface RecordVisitor {
        /**
         * @param offset  where the payload starts in the file
         * @param payload the record's payload, whose checksum held
         */
        void record(long offset, byte[] payload) throws IOException;
    }

    /**
     * A log as opened.
     *
     * @param log          the log, positioned for appends
     * @param records      the payloads of every intact record replayed, in order (empty when a visitor took them)
     * @param droppedBytes bytes cut from the end because they were torn or corrupt
     */
    record Opened(RecordLog log, List<byte[]> records, long droppedBytes) {
    }

    private final Path file;
    private final FileChannel channel;
    private final boolean fsync;
    /** Guards every field below; never held while the file is written or forced. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flushed = lock.newCondition();
    /** Framed records appended but not yet written, oldest first. */
    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    /** Used only by the thread that is flushing. */
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
    /** The offset after the last record written. */
    private long written;
    /** The file's size: records, then zeros to write over. */
    private long allocated;
    /** Where the log ends once every queued record is written. */
    private long end;
    /** Offset up to which records are on disk (forced, or written when fsync is off). */
    private long durable;
    /** Whether a thread is writing and forcing a batch. */
    private boolean flushing;
    /** How many batches failed, the last failure, and the end that batch tried to reach. */
    private long failedBatches;
    private IOException lastFailure;
    private long lastFailedEnd;
    /** Replaced by a new file that holds everything it held: its waiting callers are done. */
    private boolean retired;
    /** Closed: nothing more is written, and a sync for a record not yet durable fails. */
    private boolean closed;
    private boolean broken;

    private RecordLog(Path file, FileChannel channel, boolean fsync, long end, long allocated) {
        this.file = file;
        this.channel = channel;
        this.fsync = fsync;
        this.allocated = allocated;
        this.written = end;
        this.end = end;
        this.durable = end;
    }

    static Opened open(Path file, boolean fsync) throws IOException {
        return open(file, fsync, FileChannel::open);
    }

    /** Opens the log and replays every record into {@link Opened#records()}. */
    static Opened open(Path file, boolean fsync, ChannelOpener opener) throws IOException {
        List<byte[]> records = new ArrayList<>();
        Opened opened = open(file, fsync, opener, FIRST_RECORD, (offset, payload) -> records.add(payload));
        return new Opened(opened.log(), records, opened.droppedBytes());
    }

    /**
     * Opens the log and replays the records from offset {@code from} on, which must be where a record
     * starts (or the end of the log); the records before it are neither read nor checked.
     *
     * @throws IOException when the file is not a meshchain log, or ends before {@code from}
     */
    static Opened open(Path file, boolean fsync, ChannelOpener opener, long from, RecordVisitor visitor)
            throws IOException {
        FileChannel channel = opener.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size < MAGIC.length) {
                byte[] start = readStart(channel, (int) size);
                if (!Arrays.equals(start, Arrays.copyOf(MAGIC, start.length))) {
                    throw new IOException(file + " is not a meshchain log");
                }
                if (from > FIRST_RECORD) {
                    throw new IOException(file + " is empty, but records up to offset " + from + " were expected");
                }
                // Empty, or torn while the header was written: start afresh.
                channel.truncate(0);
                write(channel, ByteBuffer.wrap(MAGIC), 0);
                if (fsync) {
                    channel.force(true);
                }
                return new Opened(new RecordLog(file, channel, fsync, MAGIC.length, MAGIC.length), List.of(), size);
            }
            if (!Arrays.equals(readStart(channel, MAGIC.length), MAGIC)) {
                throw new IOException(file + " is not a meshchain log");
            }
            if (from < FIRST_RECORD || from > size) {
                throw new IOException(file + " has " + size + " bytes; offset " + from + " is outside it");
            }
            long good = replay(channel, from, size, visitor);
            if (good < size && onlyZerosFrom(channel, good, size)) {
                // Space grown ahead of the records, left by a node that stopped without closing the log.
                return new Opened(new RecordLog(file, channel, fsync, good, size), List.of(), 0);
            }
            if (good < size) {
                log.warn("{}: dropped {} bytes after the last intact record, at offset {}", file, size - good, good);
                channel.truncate(good);
                if (fsync) {
                    channel.force(true);
                }
            }
            return new Opened(new RecordLog(file, channel, fsync, good, good), List.of(), size - good);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Writes a log of {@code payloads} beside {@code target} and forces it, without putting it in
     * place: the slow part of a replacement, which {@link Replacement#commit} finishes. Meanwhile
     * the old log takes appends as before.
     */
    static Replacement prepare(Path target, List<byte[]> payloads, boolean fsync, ChannelOpener opener)
            throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        FileChannel channel = opener.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            List<byte[]> content = new ArrayList<>(payloads.size() + 1);
            content.add(MAGIC);
            payloads.forEach(payload -> content.add(frame(payload)));
            RecordLog log = new RecordLog(target, channel, fsync, 0, 0);
            long end = log.writeAll(content, 0);
            if (fsync) {
                channel.force(false);
            }
            return new Replacement(log, temporary, end);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** A log written and forced beside the one it is to replace, not yet in its place. */
    static final class Replacement {

        private final RecordLog log;
        private final Path temporary;
        private final long end;

        private Replacement(RecordLog log, Path temporary, long end) {
            this.log = log;
            this.temporary = temporary;
            this.end = end;
        }

        /**
         * Appends {@code framed} (whole records as {@link #recordsAfter} gives them), forces them,
         * renames the file over the target and forces the directory. On failure the old file is
         * untouched and this one is deleted. Returns the new log, open for appends.
         */
        RecordLog commit(List<byte[]> framed) throws IOException {
            try {
                long at = end;
                if (!framed.isEmpty()) {
                    at = log.writeAll(framed, end);
                    if (log.fsync) {
                        log.channel.force(false);
                    }
                }
                Files.move(temporary, log.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (log.fsync) {
                    try (FileChannel directory = FileChannel.open(log.file.getParent(), StandardOpenOption.READ)) {
                        directory.force(true);
                    }
                }
                log.written = at;
                log.end = at;
                log.durable = at;
                log.allocated = at;
                return log;
            } catch (IOException | RuntimeException e) {
                discard();
                throw e;
            }
        }

        /** Deletes the file written: the replacement is abandoned, and the old log stays. */
        void discard() throws IOException {
            log.channel.close();
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The records appended after {@code position} (an {@link #end} taken earlier), written or still
     * queued, framed as in the file: what a replacement prepared from the log as it was then must
     * add to hold everything this log holds.
     */
    List<byte[]> recordsAfter(long position) throws IOException {
        lock.lock();
        try {
            awaitNoFlush();
            if (position < FIRST_RECORD || position > end) {
                throw new IllegalArgumentException("no record boundary at " + position + " in " + file);
            }
            List<byte[]> records = new ArrayList<>(queued.size() + 1);
            if (position < written) {
                records.add(readBytes(position, Math.toIntExact(written - position)));
            }
            // Queued records start at written; those before position were in the log already then.
            long at = written;
            for (byte[] record : queued) {
                if (at >= position) {
                    records.add(record);
                }
                at += record.length;
            }
            return records;
        } finally {
            lock.unlock();
        }
    }

    private byte[] readBytes(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException(file + " ends before offset " + (position + length));
            }
        }
        return buffer.array();
    }

    private static byte[] readStart(FileChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // keep reading until the start is in
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static boolean onlyZerosFrom(FileChannel channel, long from, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(STAGING_BYTES);
        long at = from;
        while (at < size) {
            buffer.clear();
            int read = channel.read(buffer, at);
            if (read < 0) {
                return true;
            }
            for (int i = 0; i < read; i++) {
                if (buffer.get(i) != 0) {
                    return false;
                }
            }
            at += read;
        }
        return true;
    }

    /** Hands intact records from {@code from} on to {@code visitor}; returns the offset just past the last one. */
    private static long replay(FileChannel channel, long from, long size, RecordVisitor visitor) throws IOException {
        long position = from;
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
            visitor.record(position + RECORD_HEADER_BYTES, payload);
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
     * Adds a record after the last. It reaches the file with the next {@link #sync}, together with
     * every record appended meanwhile.
     *
     * @return the offset just past the record, to pass to {@link #sync}
     * @throws IOException when the record is larger than {@link #MAX_RECORD_BYTES} (replay would take
     *                     it for corruption), when the log is closed, or when an earlier failed write
     *                     could not be cut off again
     */
    long append(byte[] payload) throws IOException {
        if (payload.length > MAX_RECORD_BYTES) {
            throw new IOException("a record of " + payload.length + " bytes is larger than the " + MAX_RECORD_BYTES
                    + " a log can read back");
        }
        byte[] record = frame(payload);
        lock.lock();
        try {
            if (closed || retired) {
                throw new IOException(file + " is closed");
            }
            if (broken) {
                throw new IOException(file + " could not be repaired after a failed write; restart the node");
            }
            queued.addLast(record);
            end += record.length;
            return end;
        } finally {
            lock.unlock();
        }
    }

    private static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(RECORD_HEADER_BYTES + payload.length).putInt(payload.length)
                .putInt(checksum(new CRC32C(), payload.length, payload)).put(payload).array();
    }

    /**
     * Returns once every record up to {@code position} is on disk (group commit). While one thread
     * writes and forces a batch, the records appended meanwhile wait in memory; then one thread
     * writes them all at once and forces them with one flush. Appends never touch the file while a
     * flush runs, which on Linux would make them wait for it.
     * <p>
     * A batch that fails (a full disk) is cut off the file again and stays queued: the callers it
     * covered get the failure, and the next sync writes it again, ahead of later records. A record
     * whose caller saw a failure may so still become durable; it is never acknowledged before.
     */
    void sync(long position) throws IOException {
        lock.lock();
        try {
            long failuresSeen = failedBatches;
            while (!retired && durable < position) {
                if (closed) {
                    throw new IOException(file + " was closed before the record was on disk");
                }
                if (failedBatches != failuresSeen && position <= lastFailedEnd) {
                    throw new IOException(lastFailure.getMessage(), lastFailure);
                }
                if (flushing) {
                    flushed.awaitUninterruptibly();
                } else {
                    flushQueued();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the queued records as one batch and forces the file: a force with nothing queued forces
     * what earlier batches wrote. Called holding the lock, which it releases meanwhile.
     */
    private void flushQueued() throws IOException {
        if (broken) {
            throw new IOException(file + " could not be repaired after a failed write; restart the node");
        }
        List<byte[]> batch = new ArrayList<>(queued);
        long from = written;
        long target = end;
        long grownTo = target > allocated ? target + PREALLOCATE_BYTES : allocated;
        long zerosFrom = Math.max(allocated, target);
        flushing = true;
        lock.unlock();
        IOException failure = null;
        boolean repaired = true;
        try {
            writeAll(batch, from);
            if (grownTo > zerosFrom) {
                writeZeros(zerosFrom, grownTo);
            }
            if (fsync) {
                channel.force(false);
            }
        } catch (IOException e) {
            failure = e;
            repaired = cutBack(from, e);
        } finally {
            lock.lock();
            flushing = false;
            flushed.signalAll();
        }
        if (failure == null) {
            for (int i = 0; i < batch.size(); i++) {
                queued.removeFirst();
            }
            written = target;
            durable = target;
            allocated = grownTo;
        } else {
            allocated = from;
            broken |= !repaired;
            failedBatches++;
            lastFailure = failure;
            lastFailedEnd = target;
            throw failure;
        }
    }

    /**
     * Writes records one after another from {@code position}, in as few system calls as the staging
     * buffer allows; returns the offset after the last.
     */
    private long writeAll(List<byte[]> records, long position) throws IOException {
        staging.clear(); // a failed write may have left it half drained
        long at = position;
        for (byte[] record : records) {
            if (record.length > staging.remaining()) {
                at += drain(at);
                if (record.length > staging.capacity()) {
                    write(channel, ByteBuffer.wrap(record), at);
                    at += record.length;
                    continue;
                }
            }
            staging.put(record);
        }
        return at + drain(at);
    }

    private int drain(long position) throws IOException {
        staging.flip();
        int bytes = staging.remaining();
        write(channel, staging, position);
        staging.clear();
        return bytes;
    }

    private void writeZeros(long from, long to) throws IOException {
        for (long at = from; at < to; ) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), to - at));
            write(channel, zeros, at);
            at += zeros.limit();
        }
    }

    /** After a failed write, cuts the file back to its last whole record, so later records never follow garbage. */
    private boolean cutBack(long length, IOException failure) {
        try {
            channel.truncate(length);
            return true;
        } catch (IOException truncateFailure) {
            failure.addSuppressed(truncateFailure);
            return false;
        }
    }

    /**
     * Appends a record and syncs it; when that fails the record is forgotten, as if never appended.
     * For a log whose callers append one at a time (the block log, under the ledger's lock).
     */
    void appendAndSync(byte[] payload) throws IOException {
        long position = append(payload);
        try {
            sync(position);
        } catch (IOException e) {
            lock.lock();
            try {
                queued.clear();
                end = written;
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /**
     * Cuts off the last record, written and synced before: for a change whose other half could not be
     * made. On failure the log is broken and takes no more records.
     *
     * @param position where the record starts: the end of the log before it was appended
     */
    void cutBackTo(long position) throws IOException {
        lock.lock();
        try {
            awaitNoFlush();
            if (!queued.isEmpty() || position > written || position < FIRST_RECORD) {
                throw new IllegalStateException("only the last record written can be cut off");
            }
            try {
                channel.truncate(position);
                if (fsync) {
                    channel.force(true);
                }
            } catch (IOException e) {
                broken = true;
                throw e;
            }
            written = position;
            end = position;
            durable = position;
            allocated = position;
        } finally {
            lock.unlock();
        }
    }

    /** Offset just past the last record appended: a sync to it covers every record so far. */
    long end() {
        lock.lock();
        try {
            return end;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes a log whose contents were copied into a new, forced file. Callers still waiting on
     * {@link #sync} for it return at once: their records are on disk in the new file.
     */
    void retire() throws IOException {
        lock.lock();
        try {
            awaitNoFlush();
            retired = true;
            shut();
        } finally {
            lock.unlock();
        }
    }

    /** Writes and forces what is still queued, then closes the file. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            awaitNoFlush();
            if (closed) {
                return;
            }
            try {
                if (!broken && (!queued.isEmpty() || durable < written)) {
                    flushQueued();
                }
                if (!broken && allocated > written) {
                    channel.truncate(written); // a log closed cleanly ends at its last record
                    if (fsync) {
                        channel.force(true);
                    }
                }
            } finally {
                shut();
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitNoFlush() {
        while (flushing) {
            flushed.awaitUninterruptibly();
        }
    }

    private void shut() throws IOException {
        closed = true;
        flushed.signalAll();
        channel.close();
    }
}
