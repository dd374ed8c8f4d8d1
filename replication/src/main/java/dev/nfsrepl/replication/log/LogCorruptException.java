package dev.nfsrepl.replication.log;

import java.io.IOException;
import java.nio.file.Path;

/** A record of a log could not be read back: it names the segment file and the byte. */
public final class LogCorruptException extends IOException {

    private static final long serialVersionUID = 1L;
    private final Path segment;
    private final long position;

    public LogCorruptException(Path segment, long position, String reason) {
        super(segment + ": damaged record at byte " + position + ": " + reason);
        this.segment = segment;
        this.position = position;
    }

    public Path segment() {
        return segment;
    }

    public long position() {
        return position;
    }
}
