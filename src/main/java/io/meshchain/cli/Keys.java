package io.meshchain.cli;

import io.meshchain.crypto.Signatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The client's signing keys, one file per sender name in a directory ({@code ~/.meshchain/keys} by
 * default): {@code NAME.key} holds the Ed25519 private key (RFC 8032's 32-byte seed) in base64url,
 * readable by its owner only. A key is never overwritten: losing it loses the name for good.
 */
final class Keys {

    /** Where keys live unless {@code --keys} says otherwise. */
    static final Path DEFAULT_DIRECTORY = Path.of(System.getProperty("user.home"), ".meshchain", "keys");

    private final Path directory;

    Keys(Path directory) {
        this.directory = directory;
    }

    Path file(String name) {
        return directory.resolve(name + ".key");
    }

    /**
     * Makes a key for {@code name} and writes it, readable and writable by its owner only.
     *
     * @return the public key, base64url
     * @throws FileAlreadyExistsException when the name has a key already
     */
    String generate(String name) throws IOException {
        Files.createDirectories(directory);
        restrict(directory, "rwx------");
        byte[] privateKey = Signatures.newPrivateKey(new SecureRandom());
        Path file = file(name);
        Path written;
        try {
            written = Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            written = Files.createFile(file);
        }
        Files.writeString(written, Signatures.encode(privateKey) + System.lineSeparator(), StandardCharsets.US_ASCII);
        return Signatures.encode(Signatures.publicKey(privateKey));
    }

    /** The private key of {@code name}, if there is one. */
    Optional<byte[]> privateKey(String name) throws IOException {
        Path file = file(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        try {
            return Optional.of(Signatures.decode(lines.isEmpty() ? "" : lines.get(0).strip(),
                    Signatures.PRIVATE_KEY_BYTES));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a meshchain key (" + e.getMessage() + ")");
        }
    }

    private static void restrict(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // A file system without POSIX permissions: the user's own protections apply.
        }
    }
}
