package io.meshchain.storage;

import io.meshchain.system.ConfigurationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory, {@code meshchain.storage.path}: which file in it holds what, and the claim on
 * it, {@value #LOCK_FILE}, held locked while the node runs so that two nodes never write one
 * directory (each would take the other's records for damage).
 */
final class DataDirectory {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

    /** The block log ({@link BlockLog}). */
    static final String BLOCKS_FILE = "blocks.log";
    /** The pool journal ({@link PoolJournalFile}); the file keeps the name it has always had. */
    static final String POOL_JOURNAL_FILE = "pending.log";
    /** The index ({@link BlockIndex}). */
    static final String INDEX_DIRECTORY = "index";
    /** Held locked while the node runs, so two nodes never write one directory. */
    static final String LOCK_FILE = "node.lock";
    /** The setting that names the directory: errors name it, and a failure says it in place of a path not shown. */
    static final String PROPERTY = "meshchain.storage.path";
    /** Size of the test write made while storage is failing. */
    static final int PROBE_BYTES = 4096;

    private final Path path;
    private final FileLock lock;

    private DataDirectory(Path path, FileLock lock) {
        this.path = path;
        this.lock = lock;
    }

    /**
     * Creates the directory if it is not there, checks that it can be written, and locks it.
     *
     * @throws ConfigurationException naming {@value #PROPERTY} when it cannot be written or another node holds it
     */
    static DataDirectory claim(Path directory) {
        Path path = directory.toAbsolutePath().normalize();
        checkWritable(path);
        return new DataDirectory(path, lock(path));
    }

    private static void checkWritable(Path directory) {
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ConfigurationException(PROPERTY, "cannot create or write the data directory " + directory
                    + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static FileLock lock(Path directory) {
        FileLock lock;
        try {
            FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
            }
        } catch (IOException e) {
            throw new ConfigurationException(PROPERTY, "cannot lock " + directory + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            throw new ConfigurationException(PROPERTY, directory + " is in use by another running node; "
                    + "give each node its own data directory");
        }
        return lock;
    }

    /** The directory, absolute and normalised. */
    Path path() {
        return path;
    }

    Path blocksFile() {
        return path.resolve(BLOCKS_FILE);
    }

    Path poolJournalFile() {
        return path.resolve(POOL_JOURNAL_FILE);
    }

    Path indexDirectory() {
        return path.resolve(INDEX_DIRECTORY);
    }

    /** What stops the start when the ledger's files cannot be read: they are left as they are. */
    ConfigurationException unreadable(IOException e) {
        return new ConfigurationException(PROPERTY, "cannot read the ledger in " + path + ": " + e.getMessage()
                + " (the files were left as they are)", e);
    }

    /** Writes {@value #PROBE_BYTES} bytes to a file of its own, forces them and deletes it: fails while the disk takes no writes. */
    void probeWrite(RecordLog.ChannelOpener opener) throws IOException {
        Path probe = Files.createTempFile(path, ".probe", ".tmp");
        try (FileChannel channel = opener.open(probe, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(PROBE_BYTES));
            channel.force(true);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Lets go of the directory: another node may take it. */
    void release() {
        try {
            lock.channel().close();
        } catch (IOException e) {
            log.warn("Could not release {}: {}", LOCK_FILE, e.getMessage());
        }
    }
}
