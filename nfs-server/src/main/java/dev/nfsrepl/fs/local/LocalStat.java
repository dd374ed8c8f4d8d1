package dev.nfsrepl.fs.local;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/** The lstat(2) of a local object: what java.nio's "unix" attribute view gives, never following a symlink. */
record LocalStat(FileType type, int mode, int nlink, int uid, int gid, long size, long ino, long dev, long rdev,
                 long atimeNanos, long mtimeNanos, long ctimeNanos) {

    private static final String ATTRS =
            "unix:mode,ino,dev,nlink,uid,gid,size,rdev,lastAccessTime,lastModifiedTime,ctime";
    private static final long BLOCK = 4096;

    static LocalStat of(Path p) throws IOException {
        Map<String, Object> m = Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) m.get("mode");
        return new LocalStat(FileType.fromUnixMode(mode), mode & 07777, (Integer) m.get("nlink"),
                (Integer) m.get("uid"), (Integer) m.get("gid"), (Long) m.get("size"), (Long) m.get("ino"),
                (Long) m.get("dev"), (Long) m.get("rdev"), nanos(m.get("lastAccessTime")),
                nanos(m.get("lastModifiedTime")), nanos(m.get("ctime")));
    }

    Attr toAttr(long fileId) {
        long used = type == FileType.REGULAR ? (size + BLOCK - 1) / BLOCK * BLOCK : size;
        int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
        int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
        return new Attr(type, mode, nlink, uid, gid, size, used, major, minor, fileId, atimeNanos, mtimeNanos,
                ctimeNanos);
    }

    static long nanos(Object fileTime) {
        Instant i = ((FileTime) fileTime).toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static FileTime fileTime(long nanos) {
        return FileTime.from(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L)));
    }
}
