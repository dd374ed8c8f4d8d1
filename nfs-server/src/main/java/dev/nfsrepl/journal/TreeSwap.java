package dev.nfsrepl.journal;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.nfsrepl.replication.io.Durable;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Puts a new copy of a tree (built beside it by a full resync) in place of the old one, so that a
 * crash at any point leaves something the next start completes: the export directory itself stays
 * (its own attributes are set from the copy's root), its entries are swapped. The copy and the
 * old entries' place ({@code .NAME.old}) are the export's siblings and must be on its file system
 * (each move one rename): an export that is a mount point is refused. A marker file, written before anything moves,
 * says where the swap is:
 * <pre>
 *   marker = "asOf = " DECIMAL NL "phase = " ("1" | "2") NL
 *            "mode = " PERMS NL "uid = " DECIMAL NL "gid = " DECIMAL NL
 *            "mtimeNanos = " DECIMAL NL "atimeNanos = " DECIMAL NL   ; the new root's, before the moves
 *            ("xattr." NAME " = " BASE64 NL)*                         ; the new root's user xattrs
 * </pre>
 * The root's extended attributes travel too: they hold what the copy's root has seen applied (a
 * root that kept the old tree's stamp would skip the records that follow the copy's point).
 * Phase 1 moves the old entries into {@code .NAME.old}; phase 2 (recorded once phase 1 is whole) the
 * new entries into the export. Each move is one rename, so a phase done again moves what is left.
 * Then the new copy's state directory replaces the old one, the caller updates its journal files,
 * the old entries and the emptied copy are deleted, and the marker last.
 */
final class TreeSwap {

    /** How an entry moves (a rename; a test makes it fail after some). */
    interface Mover {
        void move(Path from, Path to) throws IOException;
    }

    /** The caller's part, after the trees and states are in place and before the marker goes. */
    interface Then {
        void done(long asOf) throws IOException;
    }

    static final Mover RENAME = (from, to) -> Files.move(from, to, LinkOption.NOFOLLOW_LINKS);

    private final Path export;
    private final Path stateDir;
    private final Path copy;
    private final Path copyState;
    private final Path marker;
    private final Mover mover;

    TreeSwap(Path export, Path stateDir, Path copy, Path copyState, Path marker, Mover mover) {
        this.export = export;
        this.stateDir = stateDir;
        this.copy = copy;
        this.copyState = copyState;
        this.marker = marker;
        this.mover = mover;
    }

    private Path old() {
        return export.resolveSibling("." + export.getFileName() + ".old");
    }

    /** Whether a swap was begun and not finished (the next {@link #complete} finishes it). */
    boolean pending() {
        return Files.exists(marker);
    }

    /** Begins a swap of the (synced) new copy, which holds the tree as of record {@code asOf}. */
    void begin(long asOf) throws IOException {
        if (pending()) {
            throw new IOException("a swap into " + export + " is already under way (" + marker + ")");
        }
        if (!Files.getFileStore(copy).equals(Files.getFileStore(export))) {
            throw new IOException("the copy " + copy + " is on another file system than " + export + " (a mount "
                    + "point?): its entries cannot be moved in by renames; export a directory below the mount point");
        }
        delete(old()); // (left by a swap of an older version)
        Properties p = new Properties();
        p.setProperty("asOf", Long.toString(asOf));
        p.setProperty("phase", "1");
        var a = Files.readAttributes(copy, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        p.setProperty("mode", PosixFilePermissions.toString(a.permissions()));
        p.setProperty("uid", Files.getAttribute(copy, "unix:uid", LinkOption.NOFOLLOW_LINKS).toString());
        p.setProperty("gid", Files.getAttribute(copy, "unix:gid", LinkOption.NOFOLLOW_LINKS).toString());
        p.setProperty("mtimeNanos", Long.toString(a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
        p.setProperty("atimeNanos", Long.toString(a.lastAccessTime().to(TimeUnit.NANOSECONDS)));
        UserDefinedFileAttributeView x = Files.getFileAttributeView(copy, UserDefinedFileAttributeView.class);
        for (String name : x.list()) {
            ByteBuffer b = ByteBuffer.allocate(x.size(name));
            x.read(name, b);
            p.setProperty("xattr." + name, Base64.getEncoder().encodeToString(b.array()));
        }
        write(p);
    }

    /** Completes the swap begun (now or before a crash); nothing when none is pending. Returns its asOf, or -1. */
    long complete(Then then) throws IOException {
        if (!pending()) {
            return -1;
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(marker, StandardCharsets.UTF_8)));
        long asOf;
        try {
            asOf = Long.parseLong(p.getProperty("asOf"));
        } catch (RuntimeException e) {
            throw new IOException(marker + " is damaged (no asOf): the swap of the copy " + copy + " into " + export
                    + " cannot be completed", e);
        }
        if ("1".equals(p.getProperty("phase"))) {
            if (!Files.isDirectory(copy)) { // (moving the tree aside would leave nothing in its place)
                throw new IOException(marker + " says a swap of " + copy + " into " + export + " began, but the copy "
                        + "is gone; the tree is left as it is (remove the marker to serve it, then resync)");
            }
            Files.createDirectories(old());
            moveEntries(export, old());
            Durable.syncDirectory(export);
            Durable.syncDirectory(old());
            p.setProperty("phase", "2");
            write(p);
        }
        if (Files.isDirectory(copy)) {
            moveEntries(copy, export);
        }
        restoreRoot(p);
        Journal.syncFileSystem(export);
        if (Files.isDirectory(copyState)) {
            delete(stateDir);
            Files.move(copyState, stateDir);
            Durable.syncDirectory(stateDir.toAbsolutePath().getParent());
        }
        then.done(asOf);
        try { // (the swap is done: leftovers must not keep the copy from opening)
            delete(old());
            delete(copy);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(TreeSwap.class).warn("the swap into {} is done, but {} or {} could not "
                    + "be removed ({}); remove them by hand", export, old(), copy, e.toString());
        }
        Files.delete(marker);
        Durable.syncDirectory(marker.toAbsolutePath().getParent());
        return asOf;
    }

    private void moveEntries(Path from, Path to) throws IOException {
        List<Path> entries;
        try (var s = Files.list(from)) {
            entries = s.toList();
        }
        for (Path e : entries) {
            mover.move(e, to.resolve(e.getFileName()));
        }
    }

    private void restoreRoot(Properties p) throws IOException {
        try {
            Files.setPosixFilePermissions(export, PosixFilePermissions.fromString(p.getProperty("mode")));
            Files.setAttribute(export, "unix:uid", Integer.parseInt(p.getProperty("uid")), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(export, "unix:gid", Integer.parseInt(p.getProperty("gid")), LinkOption.NOFOLLOW_LINKS);
            Files.getFileAttributeView(export, BasicFileAttributeView.class).setTimes(
                    FileTime.from(Long.parseLong(p.getProperty("mtimeNanos")), TimeUnit.NANOSECONDS),
                    FileTime.from(Long.parseLong(p.getProperty("atimeNanos")), TimeUnit.NANOSECONDS), null);
            UserDefinedFileAttributeView x = Files.getFileAttributeView(export, UserDefinedFileAttributeView.class);
            for (String name : x.list()) { // the old root's own, which the copy's root does not have
                if (name.startsWith("nfsrepl.") && p.getProperty("xattr." + name) == null) {
                    x.delete(name);
                }
            }
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith("xattr.")) {
                    x.write(k.substring("xattr.".length()), ByteBuffer.wrap(Base64.getDecoder().decode(p.getProperty(k))));
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(marker + " is damaged (" + e.getMessage() + "): cannot give " + export
                    + " its new attributes", e);
        }
    }

    private void write(Properties p) throws IOException {
        StringBuilder b = new StringBuilder("# nfsrepl: a full resync's copy is being swapped into " + export + "\n");
        for (String k : List.of("asOf", "phase", "mode", "uid", "gid", "mtimeNanos", "atimeNanos")) {
            b.append(k).append(" = ").append(p.getProperty(k)).append('\n');
        }
        for (String k : new java.util.TreeSet<>(p.stringPropertyNames())) {
            if (k.startsWith("xattr.")) {
                b.append(k).append(" = ").append(p.getProperty(k)).append('\n');
            }
        }
        Durable.replace(marker, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void delete(Path p) throws IOException {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            MoreFiles.deleteRecursively(p, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }
}
