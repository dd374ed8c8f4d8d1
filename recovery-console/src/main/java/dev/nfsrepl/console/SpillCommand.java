package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code spill}: per backup of a primary, what waits for it: records, their age, its spill file, a resync. */
@Command(name = "spill", description = "Per backup of the primary: what waits for it (records, the age of the "
        + "oldest), whether it goes to its spill file and how big that is, whether only a full resync can bring it back.")
final class SpillCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "JSON: per export its path and backups (name, state, lagRecords, "
            + "lagSeconds, spilling, spillBytes, needsResync, why).")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        JsonNode s = node.get("/api/v1/status");
        PrintWriter out = spec.commandLine().getOut();
        if (!"primary".equals(s.path("role").asText())) {
            throw new ConsoleException(Console.CONFLICT, "node " + node.base() + " is a " + s.path("role").asText()
                    + ": spill files are kept by the primary");
        }
        ArrayNode doc = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
        for (JsonNode e : s.path("exports")) {
            doc.addObject().put("export", e.path("path").asText()).set("backups", e.path("backups"));
            if (!json) {
                out.printf("export %s%n  %-12s %-12s %12s %10s %8s %12s  %s%n", e.path("path").asText(), "backup",
                        "state", "behind", "oldest", "spilling", "spill file", "");
                for (JsonNode b : e.path("backups")) {
                    String note = b.path("needsResync").asBoolean() ? "needs a full resync"
                            + (b.path("why").isTextual() ? ": " + b.path("why").asText() : "")
                            : b.path("why").isTextual() ? b.path("why").asText() : "";
                    out.printf("  %-12s %-12s %12d %9.1fs %8s %12d  %s%n", b.path("name").asText(),
                            b.path("state").asText(), b.path("lagRecords").asLong(), b.path("lagSeconds").asDouble(),
                            b.path("spilling").asBoolean() ? "yes" : "no", b.path("spillBytes").asLong(), note);
                }
            }
        }
        if (json) {
            out.println(doc.toPrettyString());
        }
        return Console.OK;
    }
}
