package dev.nfsrepl.fs.local;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Directory listings ordered by READDIR cookie.
 *
 * <p>A cookie is a 63-bit hash of the entry's name (as knfsd's cookies on ext4 are), not a
 * position: removing other entries never shifts it, so a client that deletes while it lists
 * ({@code rm -rf}) sees every entry exactly once. Cookies 1 and 2 are "." and ".."; hashes
 * are moved to 3 and above. The cookie verifier can therefore stay constant.
 *
 * <p>Listings are cached per directory and kept current by the server's own changes; a change
 * made outside the server is noticed by the directory's mtime/ctime and the listing re-read.
 *
 * <p>Thread-safe; updates for one directory are made under that directory's lock.
 */
final class DirectoryListings {

    static final long DOT = 1;
    static final long DOTDOT = 2;
    private static final HashFunction HASH = Hashing.murmur3_128();

    private record Listing(NavigableMap<Long, String> byCookie, long mtime, long ctime) {
    }

    private final Cache<Long, Listing> cache = CacheBuilder.newBuilder()
            .maximumWeight(4_000_000)
            .<Long, Listing>weigher((k, v) -> 1 + v.byCookie.size())
            .build();

    static long cookieOf(String name) {
        long h = HASH.hashString(name, StandardCharsets.UTF_8).asLong() & Long.MAX_VALUE;
        return h <= DOTDOT ? h + 3 : h;
    }

    /** The directory's entries (without "." and ".."), by cookie. */
    NavigableMap<Long, String> entries(long dirId, Path dir, LocalStat st) throws IOException {
        Listing l = cache.getIfPresent(dirId);
        if (l != null && l.mtime == st.mtimeNanos() && l.ctime == st.ctimeNanos()) {
            return l.byCookie;
        }
        NavigableMap<Long, String> m = new ConcurrentSkipListMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                put(m, p.getFileName().toString());
            }
        }
        cache.put(dirId, new Listing(m, st.mtimeNanos(), st.ctimeNanos()));
        return m;
    }

    /** Whether the cached listing {@code l} was current when the directory's times were {@code before}; else it is dropped. */
    private boolean wasCurrent(long dirId, Listing l, LocalStat before) {
        if (l.mtime == before.mtimeNanos() && l.ctime == before.ctimeNanos()) {
            return true;
        }
        cache.invalidate(dirId); // a READDIR stored what it saw while the directory changed: read it again
        return false;
    }

    /** Entry {@code name} was added by the server; {@code before}: the directory's times before, {@code newDirStat} after. */
    void added(long dirId, String name, LocalStat before, LocalStat newDirStat) {
        Listing l = cache.getIfPresent(dirId);
        if (l != null && wasCurrent(dirId, l, before)) {
            put(l.byCookie, name);
            cache.put(dirId, new Listing(l.byCookie, newDirStat.mtimeNanos(), newDirStat.ctimeNanos()));
        }
    }

    void removed(long dirId, String name, LocalStat before, LocalStat newDirStat) {
        Listing l = cache.getIfPresent(dirId);
        if (l != null && wasCurrent(dirId, l, before)) {
            long c = cookieOf(name);
            while (l.byCookie.containsKey(c) && !l.byCookie.get(c).equals(name)) {
                c++;
            }
            l.byCookie.remove(c);
            cache.put(dirId, new Listing(l.byCookie, newDirStat.mtimeNanos(), newDirStat.ctimeNanos()));
        }
    }

    /**
     * The directory's times were changed by the server itself (not its entries), from
     * {@code before} to {@code after}: a listing that was current before stays valid. One that was
     * not (a READDIR that scanned the directory while a change was made stored what it saw) is
     * dropped: given the new times it would pass for current, without the change's entry.
     */
    void retimed(long dirId, LocalStat before, LocalStat after) {
        Listing l = cache.getIfPresent(dirId);
        if (l != null && wasCurrent(dirId, l, before)) {
            cache.put(dirId, new Listing(l.byCookie, after.mtimeNanos(), after.ctimeNanos()));
        }
    }

    void forget(long dirId) {
        cache.invalidate(dirId);
    }

    /** Inserts a name; on the (astronomically rare) hash collision, probes to the next free cookie. */
    private static void put(NavigableMap<Long, String> m, String name) {
        long c = cookieOf(name);
        while (true) {
            String there = m.putIfAbsent(c, name);
            if (there == null || there.equals(name)) {
                return;
            }
            c++;
        }
    }
}
