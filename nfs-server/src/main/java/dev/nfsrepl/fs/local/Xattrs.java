package dev.nfsrepl.fs.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/**
 * nfsrepl's user extended attributes ({@code user.nfsrepl.*}) on regular files and directories.
 * Symlinks, FIFOs and sockets cannot carry them; callers keep those in {@link IdentityIndex}.
 */
final class Xattrs {

    /** The object's FileId: 8 bytes, big-endian. */
    static final String FILE_ID = "nfsrepl.id";
    /** On the export root only: the export's generation, 4 bytes big-endian. */
    static final String GENERATION = "nfsrepl.gen";
    /** On the export root only: the highest FileId epoch that served it, 4 bytes big-endian. */
    static final String EPOCH = "nfsrepl.epoch";
    /** The verifier of an exclusive CREATE, 8 bytes, until the file's first SETATTR. */
    static final String CREATE_VERIFIER = "nfsrepl.cverf";
    /** On a directory: which journal records its entries have seen applied (journal's AppliedSet). */
    static final String APPLIED_SEQ = "nfsrepl.seq";

    private Xattrs() {
    }

    /** The attribute's value, or null if the object does not have it. */
    static byte[] read(Path p, String name) throws IOException {
        UserDefinedFileAttributeView v = view(p);
        ByteBuffer buf = ByteBuffer.allocate(64);
        try {
            int n = v.read(name, buf);
            byte[] out = new byte[n];
            buf.flip().get(out);
            return out;
        } catch (FileSystemException e) {
            if (isMissing(e)) {
                return null;
            }
            throw e;
        }
    }

    static void write(Path p, String name, byte[] value) throws IOException {
        view(p).write(name, ByteBuffer.wrap(value));
    }

    static void remove(Path p, String name) throws IOException {
        try {
            view(p).delete(name);
        } catch (FileSystemException e) {
            if (!isMissing(e)) {
                throw e;
            }
        }
    }

    static long readLong(Path p, String name) throws IOException {
        byte[] b = read(p, name);
        return b != null && b.length == 8 ? ByteBuffer.wrap(b).getLong() : 0;
    }

    static int readInt(Path p, String name) throws IOException {
        byte[] b = read(p, name);
        return b != null && b.length == 4 ? ByteBuffer.wrap(b).getInt() : 0;
    }

    static void writeLong(Path p, String name, long value) throws IOException {
        write(p, name, ByteBuffer.allocate(8).putLong(value).array());
    }

    private static UserDefinedFileAttributeView view(Path p) {
        return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isMissing(FileSystemException e) {
        String r = e.getReason() == null ? "" : e.getReason();
        return r.contains("No data available") || r.contains("Attribute not found")
                || r.contains("Result too large");
    }
}
