package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code divergence [NAME]}: what a returning old primary wrote that the new primary never received. */
@Command(name = "divergence", description = "Lists the records this node wrote as an older primary that the primary "
        + "after it never received (kept when it returned as a backup, before its copy was replaced); with NAME, "
        + "every record of one of them.")
final class DivergenceCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "One divergence's name (from the list).")
    String name;

    @Option(names = "--export", paramLabel = "PATH", description = "The export; needed when the node serves several.")
    String export;

    @Option(names = "--json", description = "JSON: the list ({name, records, firstSeq, lastSeq, from, to, byType, dir}), "
            + "or the records.")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        PrintWriter out = spec.commandLine().getOut();
        String path = name == null ? "/api/v1/divergence" : "/api/v1/divergence/" + name;
        JsonNode all = node.get(new Query(path).param("export", export).toString());
        if (json) {
            out.println(all.toPrettyString());
            return Console.OK;
        }
        if (name == null) {
            if (all.isEmpty()) {
                out.println("no divergence: this node holds no record a newer primary lacks");
            }
            for (JsonNode d : all) {
                out.printf("%s: %d records, #%d..#%d, %s .. %s, %s%n", d.path("name").asText(), d.path("records").asLong(),
                        d.path("firstSeq").asLong(), d.path("lastSeq").asLong(), d.path("from").asText(),
                        d.path("to").asText(), d.path("byType"));
            }
        } else {
            for (JsonNode r : all) {
                out.printf("#%-10d %s %-8s %s%n", r.path("seq").asLong(), r.path("time").asText(), r.path("op").asText(), r);
            }
        }
        return Console.OK;
    }
}
