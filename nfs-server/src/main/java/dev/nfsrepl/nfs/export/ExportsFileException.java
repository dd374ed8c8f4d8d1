package dev.nfsrepl.nfs.export;

import java.io.IOException;

/**
 * An exports file that cannot be used. The message has the compiler-style form
 * {@code <source>:<line>: <detail>}, e.g. {@code /etc/nfsrepl/exports:3: unknown option 'rww'}.
 */
public final class ExportsFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final int lineNumber;
    private final String detail;

    public ExportsFileException(String sourceName, int lineNumber, String detail) {
        super(sourceName + ":" + lineNumber + ": " + detail);
        this.sourceName = sourceName;
        this.lineNumber = lineNumber;
        this.detail = detail;
    }

    /** The file name (or other source name) given to the parser. */
    public String sourceName() {
        return sourceName;
    }

    /** The 1-based line the problem was found on. */
    public int lineNumber() {
        return lineNumber;
    }

    /** What was wrong, without the {@code source:line: } prefix. */
    public String detail() {
        return detail;
    }
}
