package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code show SEQ}: every field of one logged operation. */
@Command(name = "show", description = "Every field of one logged operation.")
final class ShowCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SEQ", description = "The operation's record number (as 'ops' shows it, with or without '#').")
    String seq;

    @Option(names = "--export", paramLabel = "PATH", description = "The export; needed when the node serves several.")
    String export;

    @Option(names = "--json", description = "The record as JSON.")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        String n = seq.startsWith("#") ? seq.substring(1) : seq;
        if (!n.matches("\\d{1,18}")) {
            throw new ConsoleException(Console.USAGE, "not a record number: " + seq);
        }
        JsonNode r = console.client().get(new Query("/api/v1/ops/" + n).param("export", export).toString());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(r.toPrettyString());
            return Console.OK;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.printf("%-8s %s%n", f.getKey(), f.getValue().asText());
        }
        return Console.OK;
    }
}
