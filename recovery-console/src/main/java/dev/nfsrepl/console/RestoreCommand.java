package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code restore}: a path as it was at a time, copied into a directory of the export. */
@Command(name = "restore", description = "Copies a path as it was at a time (or a record) into a directory of the "
        + "export, with fresh FileIds; the copy is journaled and replicated like a client's change. Shows progress "
        + "on stderr and what was restored on stdout.")
final class RestoreCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--path", paramLabel = "P", required = true, description = "The path to restore, e.g. /proj "
            + "(/ for the whole export).")
    String path;

    static final class When {
        @Option(names = "--at", paramLabel = "TIME", required = true, description = "As it was at this time: "
                + "2026-11-30T10:04:00Z, '2026-11-30 10:04' or 10:04 (local time), or -15m, -2h.")
        String at;

        @Option(names = "--at-seq", paramLabel = "N", required = true, description = "As it was after record N.")
        Long atSeq;

        @Option(names = "--at-point", paramLabel = "NAME", required = true, description = "As it was at the restore "
                + "point NAME (see 'restore-point').")
        String point;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    When when;

    @Option(names = "--into", paramLabel = "DIR", required = true, description = "Where to put it, a path of the "
            + "export (made when missing; must be empty unless --force).")
    String into;

    @Option(names = "--force", description = "Restore into a directory that is not empty: entries with the same "
            + "names are replaced, others stay.")
    boolean force;

    @Option(names = "--export", paramLabel = "PATH", description = "The export; needed when the node serves several.")
    String export;

    @Option(names = "--json", description = "The finished job as JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("export", export);
        body.put("path", path);
        if (when.at != null) {
            try {
                body.put("at", TimeArg.parse(when.at, Clock.systemDefaultZone()).toString());
            } catch (IllegalArgumentException e) {
                throw new ConsoleException(Console.USAGE, "--at: " + e.getMessage());
            }
        } else if (when.point != null) {
            body.put("point", when.point);
        } else {
            body.put("atSeq", when.atSeq);
        }
        body.put("into", into);
        body.put("force", force);
        JsonNode r = JobWatch.run(node, "/api/v1/restore", body, spec.commandLine(), json, "restore of " + path);
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            JsonNode c = r.path("copied");
            long cp = r.path("checkpoint").asLong();
            out.printf("restored %s as of #%d (%s) into %s, from %s: %d directories, %d files (%d bytes), %d symlinks, "
                            + "%d FIFOs/sockets, %d further hard links%n", path, r.path("seq").asLong(),
                    r.path("time").asText(), into, cp == 0 ? "the journal's start" : "checkpoint #" + cp,
                    c.path("directories").asLong(), c.path("files").asLong(),
                    c.path("bytes").asLong(), c.path("symlinks").asLong(), c.path("specials").asLong(),
                    c.path("hardLinks").asLong());
            for (JsonNode p : r.path("problems")) {
                out.println("  note: " + p.asText());
            }
            if (r.path("problemCount").asLong() > r.path("problems").size()) {
                out.printf("  (%d notes in all; the node's log has every one)%n", r.path("problemCount").asLong());
            }
        }
        return Console.OK;
    }
}
