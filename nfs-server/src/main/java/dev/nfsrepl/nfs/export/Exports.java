package dev.nfsrepl.nfs.export;

import dev.nfsrepl.nfs.export.ExportOptions.Squash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The export table: every export of the server, in file order, looked up by pseudo path or fsid. */
public final class Exports {

    private final List<Export> all;
    private final Map<String, Export> byPseudoPath = new HashMap<>();
    private final Map<Integer, Export> byFsid = new HashMap<>();

    private Exports(List<Export> exports) {
        this.all = List.copyOf(exports);
        for (Export e : all) {
            if (byPseudoPath.putIfAbsent(e.pseudoPath(), e) != null) {
                throw new IllegalArgumentException("duplicate pseudo path '" + e.pseudoPath() + "'");
            }
            if (byFsid.putIfAbsent(e.fsid(), e) != null) {
                throw new IllegalArgumentException("duplicate fsid " + Integer.toUnsignedString(e.fsid()));
            }
        }
    }

    /**
     * A table of the given exports.
     *
     * @throws IllegalArgumentException if two exports share a pseudo path or an fsid
     */
    public static Exports of(List<Export> exports) {
        return new Exports(exports);
    }

    /** Reads an exports file (UTF-8); syntax in the Javadoc of {@code ExportsParser}. */
    public static Exports parse(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses the text of an exports file; syntax in the Javadoc of {@code ExportsParser}.
     *
     * @param sourceName names the text in error messages, normally the file name
     */
    public static Exports parse(String text, String sourceName) throws ExportsFileException {
        return new ExportsParser(sourceName).parse(text);
    }

    /**
     * The table used without an exports file: {@code dir} exported at its absolute path, read-write
     * for loopback clients only, as if by {@code <dir> 127.0.0.0/8(rw,insecure,no_root_squash)
     * ::1(rw,insecure,no_root_squash)}.
     */
    public static Exports defaultFor(Path dir) {
        return defaultFor(dir, null, false, null);
    }

    /**
     * The export of {@code dir} to {@code clients} (client specs as in an exports file,
     * comma-separated; null: loopback, {@code 127.0.0.0/8,::1}), each {@code insecure,no_root_squash},
     * mounted as {@code pseudoPath} (null: the directory's absolute path), read-only or read-write.
     */
    public static Exports defaultFor(Path dir, String pseudoPath, boolean readOnly, String clients) {
        Path local = dir.toAbsolutePath().normalize();
        ExportOptions open = new ExportOptions(
                readOnly, Squash.NONE, ExportOptions.NOBODY, ExportOptions.NOBODY, false, true);
        List<Export.Client> list = new java.util.ArrayList<>();
        for (String spec : (clients == null ? "127.0.0.0/8,::1" : clients).split(",")) {
            if (!spec.isBlank()) {
                list.add(new Export.Client(ClientSpec.parse(spec.trim()), open));
            }
        }
        return of(List.of(new Export(local, pseudoPath != null ? pseudoPath : local.toString(), list)));
    }

    /** Every export, in file order. */
    public List<Export> all() {
        return all;
    }

    /** The export clients mount as {@code path}; trailing slashes are ignored ({@code /srv/} finds {@code /srv}). */
    public Optional<Export> byPseudoPath(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return Optional.ofNullable(byPseudoPath.get(p));
    }

    /** The export with this fsid. */
    public Optional<Export> byFsid(int fsid) {
        return Optional.ofNullable(byFsid.get(fsid));
    }

    @Override
    public String toString() {
        return "Exports" + all;
    }
}
