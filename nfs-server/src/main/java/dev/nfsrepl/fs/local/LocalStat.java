package dev.nfsrepl.fs.local;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Instant;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The lstat(2) of a local object, never following a symlink.
 *
 * <p>java.nio gives inode, links, ctime and rdev only through the "unix" attribute view, as a
 * map built from a parsed attribute list: on a GETATTR that costs more than the statx itself.
 * When the JVM opens {@code sun.nio.fs} to us ({@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED},
 * in jvm.options), the fields of the {@code UnixFileAttributes} that
 * {@code Files.readAttributes(p, PosixFileAttributes.class)} returns are read directly; otherwise
 * the map is used (same values, slower), and that is logged once.
 */
record LocalStat(FileType type, int mode, int nlink, int uid, int gid, long size, long ino, long dev, long rdev,
                 long atimeNanos, long mtimeNanos, long ctimeNanos) {

    private static final String ATTRS =
            "unix:mode,ino,dev,nlink,uid,gid,size,rdev,lastAccessTime,lastModifiedTime,ctime";
    private static final long BLOCK = 4096;
    private static final UnixFields FIELDS = UnixFields.find();

    static boolean fastPath() {
        return FIELDS != null;
    }

    static LocalStat of(Path p) throws IOException {
        if (FIELDS != null) {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (FIELDS.owner.isInstance(a)) {
                return FIELDS.read(a);
            }
        }
        return viaUnixView(p);
    }

    /** The slower path through the "unix:" attribute map (also the reference the fast path is tested against). */
    static LocalStat viaUnixView(Path p) throws IOException {
        Map<String, Object> m = Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) m.get("mode");
        return new LocalStat(FileType.fromUnixMode(mode), mode & 07777, (Integer) m.get("nlink"),
                (Integer) m.get("uid"), (Integer) m.get("gid"), (Long) m.get("size"), (Long) m.get("ino"),
                (Long) m.get("dev"), (Long) m.get("rdev"), nanos(m.get("lastAccessTime")),
                nanos(m.get("lastModifiedTime")), nanos(m.get("ctime")));
    }

    /** Handles on the private stat fields of sun.nio.fs.UnixFileAttributes. */
    private record UnixFields(Class<?> owner, VarHandle mode, VarHandle ino, VarHandle dev, VarHandle rdev,
                              VarHandle nlink, VarHandle uid, VarHandle gid, VarHandle size, VarHandle atimeSec,
                              VarHandle atimeNsec, VarHandle mtimeSec, VarHandle mtimeNsec, VarHandle ctimeSec,
                              VarHandle ctimeNsec) {

        static UnixFields find() {
            try {
                Class<?> c = Class.forName("sun.nio.fs.UnixFileAttributes");
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
                return new UnixFields(c, l.findVarHandle(c, "st_mode", int.class),
                        l.findVarHandle(c, "st_ino", long.class), l.findVarHandle(c, "st_dev", long.class),
                        l.findVarHandle(c, "st_rdev", long.class), l.findVarHandle(c, "st_nlink", int.class),
                        l.findVarHandle(c, "st_uid", int.class), l.findVarHandle(c, "st_gid", int.class),
                        l.findVarHandle(c, "st_size", long.class), l.findVarHandle(c, "st_atime_sec", long.class),
                        l.findVarHandle(c, "st_atime_nsec", long.class), l.findVarHandle(c, "st_mtime_sec", long.class),
                        l.findVarHandle(c, "st_mtime_nsec", long.class), l.findVarHandle(c, "st_ctime_sec", long.class),
                        l.findVarHandle(c, "st_ctime_nsec", long.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LoggerFactory.getLogger(LocalStat.class).info("reading file attributes through the slower "
                        + "\"unix:\" view ({}); start the JVM with --add-opens java.base/sun.nio.fs=ALL-UNNAMED "
                        + "(as jvm.options does) for the faster path", e.toString());
                return null;
            }
        }

        LocalStat read(Object a) {
            int m = (int) mode.get(a);
            return new LocalStat(FileType.fromUnixMode(m), m & 07777, (int) nlink.get(a), (int) uid.get(a),
                    (int) gid.get(a), (long) size.get(a), (long) ino.get(a), (long) dev.get(a), (long) rdev.get(a),
                    (long) atimeSec.get(a) * 1_000_000_000L + (long) atimeNsec.get(a),
                    (long) mtimeSec.get(a) * 1_000_000_000L + (long) mtimeNsec.get(a),
                    (long) ctimeSec.get(a) * 1_000_000_000L + (long) ctimeNsec.get(a));
        }
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
