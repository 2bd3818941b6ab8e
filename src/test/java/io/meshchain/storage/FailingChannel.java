package io.meshchain.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file channel that behaves like a disk that fills up (writes fail once a budget of bytes is
 * spent), is slow to flush (forces wait until released), or belongs to a process that dies after a
 * given number of writes, forces and truncations (the last write is torn in half, and nothing after
 * it reaches the file), and counts the calls it gets.
 */
final class FailingChannel extends FileChannel {

    /** Shared between the channels of one test: how many more bytes the disk takes. */
    static final class Switch {
        private volatile long remaining = Long.MAX_VALUE;
        private final AtomicInteger writes = new AtomicInteger();
        private final AtomicInteger forcesStarted = new AtomicInteger();
        private volatile CountDownLatch forceGate = new CountDownLatch(0);

        /** Forces from now on wait until {@link #releaseForces()}. */
        void holdForces() {
            forceGate = new CountDownLatch(1);
        }

        void releaseForces() {
            forceGate.countDown();
        }

        /** Write calls so far. */
        int writes() {
            return writes.get();
        }

        /** Forces begun so far, including one held at the gate. */
        int forcesStarted() {
            return forcesStarted.get();
        }

        void failAfterBytes(long bytes) {
            remaining = bytes;
        }

        void failNow() {
            remaining = 0;
        }

        void heal() {
            remaining = Long.MAX_VALUE;
        }

        private final AtomicInteger operations = new AtomicInteger();
        private volatile int crashAfter = Integer.MAX_VALUE;
        private volatile boolean crashed;

        /** The process dies at the write, force or truncation after the first {@code operations}. */
        void crashAfter(int operations) {
            crashAfter = operations;
        }

        /** Whether the process died. */
        boolean crashed() {
            return crashed;
        }

        /** Counts one operation; true when it is the one the process dies in, or comes after it. */
        private boolean dies() {
            if (crashed || operations.incrementAndGet() > crashAfter) {
                crashed = true;
            }
            return crashed;
        }
    }

    private static IOException dead() {
        return new IOException("the process died here");
    }

    private final FileChannel delegate;
    private final Switch disk;

    FailingChannel(FileChannel delegate, Switch disk) {
        this.delegate = delegate;
        this.disk = disk;
    }

    private int spend(ByteBuffer source, Writer writer) throws IOException {
        disk.writes.incrementAndGet();
        if (disk.crashed) {
            throw dead();
        }
        if (disk.dies()) {
            writer.write(source.slice().limit(source.remaining() / 2)); // torn: half of it reaches the file
            throw dead();
        }
        long allowed = disk.remaining;
        if (allowed <= 0) {
            throw new IOException("No space left on device");
        }
        if (source.remaining() > allowed) {
            ByteBuffer part = source.slice().limit((int) allowed);
            int written = writer.write(part);
            source.position(source.position() + written);
            disk.remaining = 0;
            return written;
        }
        int written = writer.write(source);
        if (disk.remaining != Long.MAX_VALUE) {
            disk.remaining -= written;
        }
        return written;
    }

    private interface Writer {
        int write(ByteBuffer buffer) throws IOException;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return spend(src, buffer -> delegate.write(buffer, position));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return spend(src, delegate::write);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (disk.dies()) {
            throw dead();
        }
        disk.forcesStarted.incrementAndGet();
        try {
            disk.forceGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted at the force gate");
        }
        if (disk.remaining <= 0) {
            throw new IOException("Input/output error");
        }
        delegate.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("gathering writes are not used by the log");
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (disk.dies()) {
            throw dead();
        }
        delegate.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
