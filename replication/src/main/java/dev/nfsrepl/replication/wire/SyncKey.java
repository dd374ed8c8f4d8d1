package dev.nfsrepl.replication.wire;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The secret shared by the nodes of a cluster, from which every replication connection proves who
 * it is (HMAC-SHA256 challenge-response) and derives the key that authenticates its frames.
 *
 * <p>Immutable, thread-safe. {@link #toString()} never shows the secret.
 */
public final class SyncKey {

    /** Shortest secret accepted, in bytes. */
    public static final int MIN_BYTES = 16;

    private final HashFunction hmac;

    private SyncKey(byte[] secret) {
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("a sync key needs at least " + MIN_BYTES + " bytes, not " + secret.length);
        }
        this.hmac = Hashing.hmacSha256(secret);
    }

    public static SyncKey of(byte[] secret) {
        return new SyncKey(secret.clone());
    }

    /** The key in {@code file}: its bytes, without a trailing line end (so a key written by {@code echo} works). */
    public static SyncKey read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
        try {
            return new SyncKey(text.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A key of its own for another use of the same secret (the cluster's datagrams), so that nothing
     * one protocol authenticates can pass in the other: HMAC-SHA256 of {@code purpose}.
     */
    public byte[] derive(String purpose) {
        return mac(purpose.getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of the parts, each prefixed by its length (so that no two lists of parts collide). */
    byte[] mac(byte[]... parts) {
        return mac(hmac, parts);
    }

    static byte[] mac(HashFunction f, byte[]... parts) {
        Hasher h = f.newHasher();
        for (byte[] p : parts) {
            h.putInt(p.length).putBytes(p);
        }
        return h.hash().asBytes();
    }

    /** Compares two MACs in time independent of where they differ. */
    static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    @Override
    public String toString() {
        return "SyncKey[hidden]";
    }
}
