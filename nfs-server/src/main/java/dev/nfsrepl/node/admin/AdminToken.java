package dev.nfsrepl.node.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The secret that admin API callers present as {@code Authorization: Bearer TOKEN}: the first line
 * of a file (surrounding blanks ignored). {@link #loadOrCreate} writes a random one (mode 0600)
 * when the file does not exist yet.
 */
public final class AdminToken {

    private final String token;
    private final byte[] secret;

    private AdminToken(String token) {
        this.token = token;
        this.secret = token.getBytes(StandardCharsets.UTF_8);
    }

    public static AdminToken loadOrCreate(Path file) throws IOException {
        SecretFiles.createRandom(file, 24);
        String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
        if (first.length() < 16) {
            throw new IOException("admin token file " + file + ": the token (its first line) must have at least 16 "
                    + "characters");
        }
        return new AdminToken(first);
    }

    /** The token itself (for what tells callers, like the demo's demo.env). */
    public String value() {
        return token;
    }

    /** Whether an {@code Authorization} header value presents this token (compared in constant time). */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, secret);
    }
}
