package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code promote [--force]}, asked of a backup of a cluster: it stands for election now; waits until it is primary. */
@Command(name = "promote", description = "Asks this node (a backup of a cluster with failover) to stand for election "
        + "now, and waits until it is the primary. For a planned switchover ask the primary instead: 'demote --to NAME'. "
        + "With --force the other members set aside the lease they promised the primary: only when you know it is down "
        + "(with two members, where nothing else can take over).")
final class PromoteCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--force", description = "Voters set aside their lease promise (the primary must be down).")
    boolean force;

    @Option(names = "--wait-seconds", defaultValue = "30", description = "How long to wait for the outcome "
            + "(default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        node.post("/api/v1/cluster/promote", Map.of("force", force));
        JsonNode c = ClusterWait.until(node, Duration.ofSeconds(waitSeconds),
                s -> s.path("role").asText().equals("PRIMARY") && s.path("mayWrite").asBoolean());
        PrintWriter out = spec.commandLine().getOut();
        if (c == null) {
            out.println("not primary after " + waitSeconds + " s: " + ClusterWait.describe(node));
            return Console.CONFLICT;
        }
        out.printf("%s is primary of epoch %d%n", node.base(), c.path("epoch").asLong());
        return Console.OK;
    }
}
