package dev.nfsrepl.node.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Files only their owner may read or write (mode 0600), written whole or not at all. */
public final class SecretFiles {

    private SecretFiles() {
    }

    /** Writes {@code text} to {@code file} through a temporary file of mode 0600 moved into its place. */
    public static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Unless {@code file} exists, writes a new random secret into it: {@code bytes} random bytes in hex, one line. */
    public static void createRandom(Path file, int bytes) throws IOException {
        if (!Files.exists(file)) {
            byte[] secret = new byte[bytes];
            new SecureRandom().nextBytes(secret);
            write(file, HexFormat.of().formatHex(secret) + "\n");
        }
    }
}
