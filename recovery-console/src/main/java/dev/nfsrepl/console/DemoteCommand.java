package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code demote [--to NAME]}, asked of a cluster's primary: a planned switchover that loses nothing. */
@Command(name = "demote", description = "A planned switchover, asked of the primary of a cluster with failover: it "
        + "stops taking changes at once, waits until the successor (--to, or the backup furthest ahead) holds every "
        + "record, and hands over; the successor takes over at once. Waits until this node is a backup.")
final class DemoteCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--to", paramLabel = "NAME", description = "The member to hand over to (default: the backup "
            + "furthest ahead).")
    String to;

    @Option(names = "--wait-seconds", defaultValue = "30", description = "How long to wait for the outcome "
            + "(default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        Map<String, Object> body = new HashMap<>();
        body.put("successor", to);
        JsonNode answer = node.post("/api/v1/cluster/demote", body);
        String successor = answer.path("successor").asText();
        JsonNode c = ClusterWait.until(node, Duration.ofSeconds(waitSeconds),
                s -> s.path("primary").asText("").equals(successor));
        PrintWriter out = spec.commandLine().getOut();
        if (c == null) {
            out.println("handed over to " + successor + ", but this node does not follow it after " + waitSeconds
                    + " s: " + ClusterWait.describe(node));
            return Console.CONFLICT;
        }
        out.printf("%s is primary of epoch %d; %s is a backup%n", successor, c.path("epoch").asLong(), node.base());
        return Console.OK;
    }
}
