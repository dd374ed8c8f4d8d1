package dev.nfsrepl.console;

/** A failure the console reports in one line, with the exit code scripts see (see {@link Console}). */
final class ConsoleException extends Exception {

    private final int exitCode;

    ConsoleException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
