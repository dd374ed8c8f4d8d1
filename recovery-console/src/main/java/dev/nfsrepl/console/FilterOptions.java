package dev.nfsrepl.console;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The filters that choose logged operations, shared by {@code ops} and {@code replay} (a picocli mixin). */
final class FilterOptions {

    @Option(names = "--export", paramLabel = "PATH", description = "The export (the path clients mount); needed when "
            + "the node serves several.")
    String export;

    @Option(names = "--path", paramLabel = "P", description = "Operations on P or below it, e.g. /proj, as paths were "
            + "at each operation's time.")
    String path;

    @Option(names = "--glob", paramLabel = "G", description = "Operations on paths that match G ('*' within a name, "
            + "'**' across names), e.g. '/proj/**.c'.")
    String glob;

    @Option(names = "--op", paramLabel = "OP", split = ",", description = "Operation types: CREATE, MKDIR, SYMLINK, "
            + "MKNOD, WRITE, SETATTR, REMOVE, RMDIR, RENAME, LINK, COMMIT, ADOPT, ABORT (comma-separated).")
    List<String> ops;

    @Option(names = "--uid", paramLabel = "N", description = "The caller's uid.")
    Long uid;

    @Option(names = "--client", paramLabel = "ADDRESS", description = "The client's IP address.")
    String client;

    @Option(names = "--from", paramLabel = "TIME", description = "From this time: 2026-11-30T10:04:00Z, "
            + "'2026-11-30 10:04' or 10:04 (local time), or -15m, -2h, -1d.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Up to this time (same forms).")
    String to;

    @Option(names = "--from-seq", paramLabel = "N", description = "From this record number.")
    Long fromSeq;

    @Option(names = "--to-seq", paramLabel = "N", description = "Up to this record number.")
    Long toSeq;

    /** The filters given, by the admin API's parameter names (times as ISO-8601 instants). */
    Map<String, Object> params(Clock clock) throws ConsoleException {
        Map<String, Object> p = new LinkedHashMap<>();
        put(p, "export", export);
        put(p, "path", path);
        put(p, "glob", glob);
        put(p, "op", ops == null ? null : String.join(",", ops));
        put(p, "uid", uid);
        put(p, "client", client);
        put(p, "from", time("--from", from, clock));
        put(p, "to", time("--to", to, clock));
        put(p, "fromSeq", fromSeq);
        put(p, "toSeq", toSeq);
        return p;
    }

    private static void put(Map<String, Object> p, String name, Object value) {
        if (value != null) {
            p.put(name, value);
        }
    }

    private static String time(String option, String value, Clock clock) throws ConsoleException {
        if (value == null) {
            return null;
        }
        try {
            return TimeArg.parse(value, clock).toString();
        } catch (IllegalArgumentException e) {
            throw new ConsoleException(Console.USAGE, option + ": " + e.getMessage());
        }
    }
}
