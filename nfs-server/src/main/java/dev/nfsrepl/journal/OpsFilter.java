package dev.nfsrepl.journal;

import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.OpType;
import java.net.InetAddress;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which records an administrator asks for. Every condition given must hold; a null one holds for
 * every record. Ranges are inclusive.
 *
 * @param fromSeq    first seq (1: from the start)
 * @param toSeq      last seq ({@link Long#MAX_VALUE}: to the end)
 * @param fromMicros first time, µs since the epoch ({@link Long#MIN_VALUE}: from the start)
 * @param toMicros   last time ({@link Long#MAX_VALUE}: to the end)
 * @param path       the record acts on this path or below it, as the path was named at the record's
 *                   time (a RENAME: on either side); "/" is the whole export
 * @param glob       the record's path (or a RENAME's destination) matches this glob
 *                   ({@link java.nio.file.FileSystem#getPathMatcher} syntax: {@code *} within a
 *                   name, {@code **} across names)
 * @param ops        the record's type is one of these
 * @param uid        the caller's uid
 * @param client     the client's address
 */
public record OpsFilter(long fromSeq, long toSeq, long fromMicros, long toMicros, String path, String glob,
                        Set<OpType> ops, Integer uid, InetAddress client) {

    public static final OpsFilter ALL = new OpsFilter(1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, null, null,
            null, null, null);

    public OpsFilter {
        if (path != null) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a path filter starts at the export's root ('/'): " + path);
            }
            path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }
        if (glob != null) {
            matcher(glob); // checks the syntax now, with a clear message
        }
        ops = ops == null || ops.isEmpty() ? null : EnumSet.copyOf(ops);
    }

    /** This filter, for the records from {@code from} to {@code to}. */
    public OpsFilter withSeqs(long from, long to) {
        return new OpsFilter(from, to, fromMicros, toMicros, path, glob, ops, uid, client);
    }

    /** This filter, for records of these types. */
    public OpsFilter withOps(Set<OpType> types) {
        return new OpsFilter(fromSeq, toSeq, fromMicros, toMicros, path, glob, types, uid, client);
    }

    /** The path filter must be resolved for every record (else only for those that match the rest). */
    boolean needsPaths() {
        return path != null || glob != null;
    }

    /** Whether the conditions that do not depend on paths hold. */
    boolean matchesRecord(OpRecord r) {
        return r.seq() >= fromSeq && r.seq() <= toSeq && r.timeMicros() >= fromMicros && r.timeMicros() <= toMicros
                && (ops == null || ops.contains(r.type()))
                && (uid == null || r.origin().uid() == uid)
                && (client == null || Arrays.equals(r.origin().address(), client.getAddress()));
    }

    /** Whether a record acting on {@code path} (and moving it to {@code to}, or null) is under the path filter. */
    boolean underPath(String recordPath, String to) {
        return path == null || under(recordPath) || (to != null && under(to));
    }

    private boolean under(String p) {
        return path.equals("/") ? p.startsWith("/") : p.equals(path) || p.startsWith(path + "/");
    }

    /** The glob as a matcher of paths, or null. */
    PathMatcher globMatcher() {
        return glob == null ? null : matcher(glob);
    }

    private static PathMatcher matcher(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad glob '" + glob + "': " + e.getMessage(), e);
        }
    }
}
