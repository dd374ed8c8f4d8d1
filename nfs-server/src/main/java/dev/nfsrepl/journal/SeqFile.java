package dev.nfsrepl.journal;

import dev.nfsrepl.replication.io.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file holding one record number ({@code applied}, {@code fuzzy}), replaced atomically.
 * <pre>
 *   file := decimal-seq LF
 * </pre>
 */
final class SeqFile {

    private SeqFile() {
    }

    /** The number in {@code f}, or {@code ifMissing} when there is no such file. */
    static long read(Path f, long ifMissing) throws IOException {
        if (!Files.exists(f)) {
            return ifMissing;
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(f + ": not a sequence number: '" + text + "'", e);
        }
    }

    static void write(Path f, long seq) throws IOException {
        Durable.replace(f, (seq + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
