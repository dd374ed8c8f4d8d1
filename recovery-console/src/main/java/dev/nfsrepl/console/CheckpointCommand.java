package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code checkpoint}: makes a copy of the export's tree for restores to start from, or lists them. */
@Command(name = "checkpoint", description = "Makes a checkpoint (a copy of the export's tree, outside it, as of a "
        + "record) for restores to start from, showing progress; with --list, lists the checkpoints.")
final class CheckpointCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--list", description = "List the checkpoints instead of making one.")
    boolean list;

    @Option(names = "--export", paramLabel = "PATH", description = "The export; needed when the node serves several.")
    String export;

    @Option(names = "--json", description = "JSON: the checkpoint made (seq, startSeq, time, objects, bytes, madeFrom, dir), "
            + "or with --list all of them.")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        PrintWriter out = spec.commandLine().getOut();
        String query = new Query("/api/v1/checkpoints").param("export", export).toString();
        if (list) {
            JsonNode all = node.get(query);
            if (json) {
                out.println(all.toPrettyString());
            } else {
                out.printf("%-12s %-30s %10s %14s%n", "record", "made at", "objects", "bytes");
                for (JsonNode c : all) {
                    out.printf("#%-11d %-30s %10d %14d%n", c.path("seq").asLong(), c.path("time").asText(),
                            c.path("objects").asLong(), c.path("bytes").asLong());
                }
            }
            return Console.OK;
        }
        JsonNode c = JobWatch.run(node, query, java.util.Map.of(), spec.commandLine(), json, "checkpoint");
        if (!json) {
            out.printf("checkpoint as of #%d (made %s from the %s): %d objects, %d bytes, in %s%n",
                    c.path("seq").asLong(), c.path("time").asText(), c.path("madeFrom").asText(),
                    c.path("objects").asLong(), c.path("bytes").asLong(), c.path("dir").asText());
        }
        return Console.OK;
    }
}
