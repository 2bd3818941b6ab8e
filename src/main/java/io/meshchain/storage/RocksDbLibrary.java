package io.meshchain.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.NativeLibraryLoader;
import org.rocksdb.RocksDB;
import org.springframework.util.FileSystemUtils;

/**
 * Loads RocksDB's native library, once, without leaving a copy behind. RocksDB's own loader extracts
 * it to a new temporary file at every start and deletes it only when the JVM exits normally: a node
 * killed or crash-looping would leave 15 MB in {@code /tmp} each time.
 */
final class RocksDbLibrary {

    private static boolean loaded;

    private RocksDbLibrary() {
    }

    /**
     * Loads the library (from {@code java.library.path} when it is there, else from the jar) unless
     * it is loaded already. It is extracted into a directory of its own, which is deleted as soon as
     * the library is loaded (the loaded copy stays mapped).
     *
     * @throws IllegalStateException when it cannot be loaded
     */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        Path extracted = null;
        try {
            extracted = Files.createTempDirectory("meshchain-rocksdb");
            NativeLibraryLoader.getInstance().loadLibrary(extracted.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot load RocksDB's native library: " + e.getMessage(), e);
        } finally {
            if (extracted != null) {
                FileSystemUtils.deleteRecursively(extracted.toFile());
            }
        }
        RocksDB.loadLibrary();
        loaded = true;
    }
}
