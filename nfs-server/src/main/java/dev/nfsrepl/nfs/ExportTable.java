package dev.nfsrepl.nfs;

import dev.nfsrepl.nfs.export.Exports;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The exports being served, by fsid and by the path clients mount. Replaced as a whole when the
 * exports file is re-read; readers see either the old or the new table, never a mix.
 */
public final class ExportTable {

    private volatile Map<Integer, ExportedFs> byFsid = Map.of();

    public void set(Map<Integer, ExportedFs> exports) {
        byFsid = Map.copyOf(exports);
    }

    public Optional<ExportedFs> byFsid(int fsid) {
        return Optional.ofNullable(byFsid.get(fsid));
    }

    /** The export whose client-visible path is {@code path} or its longest prefix. */
    public Optional<ExportedFs> forMountPath(String path) {
        ExportedFs best = null;
        for (ExportedFs e : byFsid.values()) {
            String p = e.export().pseudoPath();
            boolean prefix = path.equals(p) || p.equals("/") || path.startsWith(p + "/");
            if (prefix && (best == null || p.length() > best.export().pseudoPath().length())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    public Iterable<ExportedFs> all() {
        return byFsid.values();
    }

    /** Builds the table for {@code exports}, reusing the file systems of exports already served. */
    public static Map<Integer, ExportedFs> build(Exports exports, Function<dev.nfsrepl.nfs.export.Export,
            dev.nfsrepl.fs.FileSystem> open) {
        Map<Integer, ExportedFs> m = new ConcurrentHashMap<>();
        exports.all().forEach(e -> m.put(e.fsid(), new ExportedFs(e, open.apply(e))));
        return m;
    }
}
