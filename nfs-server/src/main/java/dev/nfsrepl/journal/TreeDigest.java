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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * A description of a tree as seen through {@link FileSystem}: for every path, its type, FileId
 * (hard links share one), mode, owner, size, mtime, symlink target and a SHA-256 of its content.
 * A symlink's mtime counts to the microsecond: java.nio sets a link's own times with lutimes(3),
 * so one made outside the server (nanoseconds) is copied to the microsecond.
 * Two trees are equal when their descriptions are; {@link #lines} shows where they differ. Atimes
 * and ctimes are left out (reads change the one, and no API sets the other).
 */
public final class TreeDigest {

    private TreeDigest() {
    }

    public static List<String> lines(FileSystem fs) throws FsException {
        TreeMap<String, String> out = new TreeMap<>();
        walk(fs, fs.rootId(), "", out);
        List<String> lines = new ArrayList<>();
        out.forEach((p, d) -> lines.add(p + " " + d));
        return lines;
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
                String p = path + "/" + e.name();
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
                .append(" size=").append(a.size())
                .append(" mtime=").append(a.type() == FileType.SYMLINK ? a.mtimeNanos() / 1000 * 1000 : a.mtimeNanos());
        if (a.type() == FileType.SYMLINK) {
            sb.append(" -> ").append(fs.readlink(Identity.ROOT, id));
        } else if (a.type() == FileType.REGULAR) {
            sb.append(" sha256=").append(content(fs, id, a.size()));
        }
        return sb.toString();
    }

    private static String content(FileSystem fs, long id, long size) throws FsException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
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
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
