package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.DirEntry;
import dev.nfsrepl.fs.DirPage;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.ReadResult;
import dev.nfsrepl.fs.error.FsException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A description of a tree as seen through {@link FileSystem}: for every path, its type, FileId
 * (hard links share one), mode, owner, size (not a directory's: that is the local file system's
 * business, and differs between copies with different histories), mtime, symlink target and a
 * SHA-256 of its content.
 * A symlink's mtime counts to the microsecond: java.nio sets a link's own times with lutimes(3),
 * so one made outside the server (nanoseconds) is copied to the microsecond.
 * Two trees are equal when their descriptions are; {@link #lines} shows where they differ. Atimes
 * and ctimes are left out (reads change the one, and no API sets the other).
 */
public final class TreeDigest {

    private TreeDigest() {
    }

    /**
     * A name as it appears in the paths of {@link #lines}: a backslash, a blank, a control
     * character or a non-ASCII byte written as {@code \\ooo} (octal, as /proc/mounts does), so that a
     * line's path ends at its first blank.
     */
    public static String escape(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '\\' || c <= ' ' || c >= 0x7f) {
                sb.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
                        .append((char) ('0' + (c & 7)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** One line per object, sorted by path (names {@link #escape escaped}): the path, then its description. */
    public static List<String> lines(FileSystem fs) throws FsException {
        return lines(describe(fs));
    }

    /** Each object's description by path (names {@link #escape escaped}; "/" the root). */
    public static SortedMap<String, String> describe(FileSystem fs) throws FsException {
        TreeMap<String, String> out = new TreeMap<>();
        walk(fs, fs.rootId(), "", out);
        return out;
    }

    /** Like {@link #describe(FileSystem)}, of the tree below the directory {@code dir}, its paths from it ("/" is {@code dir}). */
    public static SortedMap<String, String> describe(FileSystem fs, long dir) throws FsException {
        TreeMap<String, String> out = new TreeMap<>();
        walk(fs, dir, "", out);
        return out;
    }

    /**
     * The descriptions with FileIds left out, so that a copy (fresh FileIds) compares equal to its
     * original: an object with several names shows {@code link=PATH}, the first of its paths, at
     * every one of them; other objects show no id.
     */
    public static SortedMap<String, String> withoutIds(SortedMap<String, String> described) {
        Map<Long, String> firstPath = new java.util.HashMap<>();
        Map<Long, Integer> names = new java.util.HashMap<>();
        described.forEach((p, d) -> {
            firstPath.putIfAbsent(idOf(d), p);
            names.merge(idOf(d), 1, Integer::sum);
        });
        TreeMap<String, String> out = new TreeMap<>();
        described.forEach((p, d) -> {
            long id = idOf(d);
            String with = names.get(id) > 1 ? " link=" + firstPath.get(id) : "";
            out.put(p, d.replace(" id=" + Long.toHexString(id), with));
        });
        return out;
    }

    /** One line per object of a tree {@link #describe described}. */
    public static List<String> lines(SortedMap<String, String> described) {
        List<String> lines = new ArrayList<>(described.size());
        described.forEach((p, d) -> lines.add(p + " " + d));
        return lines;
    }

    /** The FileId in an object's description. */
    public static long idOf(String description) {
        int at = description.indexOf(" id=") + 4;
        int end = description.indexOf(' ', at);
        return Long.parseUnsignedLong(description.substring(at, end < 0 ? description.length() : end), 16);
    }

    /** {@link #byDirectory(List)} of a tree {@link #describe described}. */
    public static SortedMap<String, String> byDirectory(SortedMap<String, String> described) {
        return byDirectory(lines(described));
    }

    /**
     * Per-directory digests of a tree described by {@link #lines}: each directory's SHA-256 (hex)
     * over the lines of its entries in name order, a subdirectory's line followed by that
     * directory's own digest. Equal root digests mean equal trees; unequal ones are narrowed down
     * with {@link #whereTheyDiffer} without comparing whole listings.
     */
    public static SortedMap<String, String> byDirectory(List<String> lines) {
        return digests(entriesByDirectory(lines));
    }

    private static SortedMap<String, String> digests(Map<String, List<String>> entries) {
        SortedMap<String, String> digests = new TreeMap<>();
        List<String> dirs = new ArrayList<>(entries.keySet());
        dirs.sort(Comparator.comparingLong((String d) -> d.equals("/") ? 0 : d.chars().filter(c -> c == '/').count())
                .reversed());
        for (String d : dirs) { // deepest first: a directory's subdirectories are done before it
            MessageDigest md = sha256();
            for (String line : entries.get(d)) {
                md.update(line.getBytes(StandardCharsets.UTF_8));
                String sub = digests.get(pathOf(line));
                if (sub != null) {
                    md.update(sub.getBytes(StandardCharsets.US_ASCII));
                }
                md.update((byte) '\n');
            }
            digests.put(d, HexFormat.of().formatHex(md.digest()));
        }
        return digests;
    }

    /**
     * The directories whose own entries differ between two trees (an entry added, removed or
     * changed; a directory missing from one tree shows in its parent), found by descending only
     * into subdirectories whose digests differ. Empty when the trees are equal.
     */
    public static List<String> whereTheyDiffer(List<String> a, List<String> b) {
        Map<String, List<String>> ea = entriesByDirectory(a);
        Map<String, List<String>> eb = entriesByDirectory(b);
        SortedMap<String, String> da = digests(ea);
        SortedMap<String, String> db = digests(eb);
        List<String> out = new ArrayList<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of("/"));
        while (!todo.isEmpty()) {
            String d = todo.removeFirst();
            if (java.util.Objects.equals(da.get(d), db.get(d))) {
                continue;
            }
            List<String> la = ea.getOrDefault(d, List.of());
            List<String> lb = eb.getOrDefault(d, List.of());
            if (!la.equals(lb)) {
                out.add(d);
            }
            for (String line : la) {
                String p = pathOf(line);
                if (da.containsKey(p) && db.containsKey(p)) {
                    todo.addLast(p);
                }
            }
        }
        return out;
    }

    /** The lines (of {@link #lines}) of directory {@code dir}'s own entries, in name order. */
    public static List<String> entriesOf(List<String> lines, String dir) {
        return entriesByDirectory(lines).getOrDefault(dir, List.of());
    }

    private static Map<String, List<String>> entriesByDirectory(List<String> lines) {
        Map<String, List<String>> entries = new TreeMap<>();
        for (String line : lines) {
            String p = pathOf(line);
            if (line.startsWith(p + " DIRECTORY")) {
                entries.computeIfAbsent(p, k -> new ArrayList<>());
            }
            if (!p.equals("/")) {
                int slash = p.lastIndexOf('/');
                entries.computeIfAbsent(slash == 0 ? "/" : p.substring(0, slash), k -> new ArrayList<>()).add(line);
            }
        }
        return entries; // lines arrive sorted by path, so each directory's entries are in name order
    }

    private static String pathOf(String line) {
        return line.substring(0, line.indexOf(' '));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void walk(FileSystem fs, long dir, String path, TreeMap<String, String> out) throws FsException {
        out.put(path.isEmpty() ? "/" : path, describe(fs, dir, fs.getattr(dir)));
        long cookie = 0;
        while (true) {
            DirPage page = fs.readdir(Identity.ROOT, dir, cookie, 512, false);
            for (DirEntry e : page.entries()) {
                cookie = e.cookie();
                if (e.name().equals(".") || e.name().equals("..")) {
                    continue;
                }
                String p = path + "/" + escape(e.name());
                Attr a;
                try {
                    a = fs.getattr(e.fileId());
                } catch (FsException x) {
                    throw new IllegalStateException("listed " + p + " as FileId " + Long.toHexString(e.fileId())
                            + ", which then failed: " + x, x);
                }
                if (a.type() == FileType.DIRECTORY) {
                    walk(fs, e.fileId(), p, out);
                } else {
                    out.put(p, describe(fs, e.fileId(), a));
                }
            }
            if (page.eof()) {
                return;
            }
        }
    }

    private static String describe(FileSystem fs, long id, Attr a) throws FsException {
        StringBuilder sb = new StringBuilder();
        sb.append(a.type()).append(" id=").append(Long.toHexString(a.fileId()))
                .append(" mode=").append(Integer.toOctalString(a.mode()))
                .append(" owner=").append(a.uid()).append(':').append(a.gid())
                .append(a.type() == FileType.DIRECTORY ? "" : " size=" + a.size())
                .append(" mtime=").append(a.type() == FileType.SYMLINK ? a.mtimeNanos() / 1000 * 1000 : a.mtimeNanos());
        if (a.type() == FileType.SYMLINK) {
            sb.append(" -> ").append(fs.readlink(Identity.ROOT, id));
        } else if (a.type() == FileType.REGULAR) {
            sb.append(" sha256=").append(content(fs, id, a.size()));
        }
        return sb.toString();
    }

    private static String content(FileSystem fs, long id, long size) throws FsException {
        MessageDigest md = sha256();
        long off = 0;
        while (off < size) {
            ReadResult r = fs.read(Identity.ROOT, id, off, 1 << 20);
            ByteBuffer b = r.data();
            if (!b.hasRemaining()) {
                break;
            }
            off += b.remaining();
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }
}
