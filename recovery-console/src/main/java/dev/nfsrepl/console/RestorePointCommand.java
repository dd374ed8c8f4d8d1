package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code restore-point NAME}: names the present state, to restore to by name later; {@code --list}: the names. */
@Command(name = "restore-point", description = "Names the export's present state (a record in the journal, "
        + "replicated like any change), so that 'restore --at-point NAME' brings a path back to it; with --list, "
        + "lists the names.")
final class RestorePointCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "The name (printable, at most 200 bytes, used once).")
    String name;

    @Option(names = "--list", description = "List the restore points instead.")
    boolean list;

    @Option(names = "--export", paramLabel = "PATH", description = "The export; needed when the node serves several.")
    String export;

    @Option(names = "--json", description = "JSON: the restore point made ({name, seq, time}), or all of them.")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        if (list == (name != null)) {
            throw new ConsoleException(Console.USAGE, "give a NAME to make a restore point, or --list");
        }
        NodeClient node = console.client();
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            JsonNode all = node.get(new Query("/api/v1/restore-points").param("export", export).toString());
            if (json) {
                out.println(all.toPrettyString());
            } else {
                for (JsonNode p : all) {
                    out.printf("#%-10d %s  %s%n", p.path("seq").asLong(), p.path("time").asText(), p.path("name").asText());
                }
            }
            return Console.OK;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("export", export);
        JsonNode p = node.post("/api/v1/restore-points", body);
        if (json) {
            out.println(p.toPrettyString());
        } else {
            out.printf("restore point '%s' at #%d (%s)%n", p.path("name").asText(), p.path("seq").asLong(),
                    p.path("time").asText());
        }
        return Console.OK;
    }
}
