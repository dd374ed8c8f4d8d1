package dev.nfsrepl.journal;

import dev.nfsrepl.replication.io.Durable;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The {@code identity} file of a journal directory (grammar in {@link Journal}).
 * {@code startedEmpty}: the export held nothing when the journal began, so that its records alone
 * rebuild the tree (false when the file does not say: older files, or a tree that held files).
 */
public record JournalIdentity(long rootId, int generation, String export, boolean startedEmpty) {

    static final String FILE = "identity";

    /** Writes the identity on first use; afterwards checks that the journal belongs to this export. Returns it. */
    static JournalIdentity ensure(Path dir, long rootId, int generation, Path export) throws IOException {
        Path f = dir.resolve(FILE);
        if (Files.exists(f)) {
            JournalIdentity id = read(dir);
            if (id.rootId != rootId || id.generation != generation) {
                throw new IOException(f + ": this journal belongs to an export with root "
                        + Long.toHexString(id.rootId) + " generation " + Integer.toHexString(id.generation)
                        + " (" + id.export + "), not to " + export + " (root " + Long.toHexString(rootId)
                        + " generation " + Integer.toHexString(generation) + ")");
            }
            return id;
        }
        boolean empty;
        try (var entries = Files.list(export)) {
            empty = entries.findAny().isEmpty();
        }
        Properties p = new Properties();
        p.setProperty("rootId", Long.toHexString(rootId));
        p.setProperty("generation", Integer.toHexString(generation));
        p.setProperty("export", export.toString());
        p.setProperty("tree", empty ? "empty" : "held files");
        StringWriter w = new StringWriter();
        p.store(w, "nfsrepl journal identity: the export's root FileId and handle generation");
        Durable.replace(f, w.toString().getBytes(StandardCharsets.UTF_8));
        return new JournalIdentity(rootId, generation, export.toString(), empty);
    }

    public static JournalIdentity read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return new JournalIdentity(Long.parseUnsignedLong(p.getProperty("rootId").trim(), 16),
                    Integer.parseUnsignedInt(p.getProperty("generation").trim(), 16), p.getProperty("export", "?"),
                    "empty".equals(p.getProperty("tree")));
        } catch (NullPointerException | NumberFormatException e) {
            throw new IOException(f + ": malformed (want rootId= and generation= in hex)", e);
        }
    }
}
