package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code status}: the node's role, epoch and newest record; per export its backups (a primary) or its copy (a backup). */
@Command(name = "status", description = "The node's role, epoch and newest record, and per export its backups "
        + "(a primary) or its copy (a backup).")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "The node's status document as JSON (node, role, epoch, lastSeq, "
            + "exports: path, dir, lastSeq, appliedSeq, journalBytes, backups or replica).")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        JsonNode s = node.get("/api/v1/status");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(s.toPrettyString());
            return Console.OK;
        }
        out.printf("node %s (%s): %s, epoch %d, newest record #%d%n", s.path("node").asText("?"), node.base(),
                s.path("role").asText("?"), s.path("epoch").asInt(), s.path("lastSeq").asLong());
        JsonNode c = s.path("cluster");
        if (c.isObject()) {
            out.printf("cluster %s: %s in epoch %d, primary %s, %s; epochs %s%n", c.path("members"), c.path("role").asText(),
                    c.path("epoch").asLong(), c.path("primary").asText("none known"),
                    c.path("mayWrite").asBoolean() ? "taking changes" : "not taking changes", c.path("history").asText());
        }
        for (JsonNode e : s.path("exports")) {
            out.printf("export %s (%s): journal #%d, applied #%d, %s%n", e.path("path").asText(), e.path("dir").asText(),
                    e.path("lastSeq").asLong(), e.path("appliedSeq").asLong(), bytes(e.path("journalBytes").asLong()));
            JsonNode replica = e.path("replica");
            if (!replica.isMissingNode() && !replica.isNull()) {
                out.printf("  copy: %s, received #%d, applied #%d, commit point #%d%s%n", replica.path("state").asText(),
                        replica.path("received").asLong(), replica.path("applied").asLong(),
                        replica.path("commitPoint").asLong(), replica.path("diverged").isTextual()
                                ? "; DIVERGED: " + replica.path("diverged").asText() : "");
            }
            JsonNode backups = e.path("backups");
            if (backups.isArray() && !backups.isEmpty()) {
                out.printf("  %-12s %-12s %12s %12s %10s %10s  %s%n", "backup", "state", "acked", "applied", "lag",
                        "spill", "why");
                for (JsonNode b : backups) {
                    String state = b.path("state").asText() + (b.path("diverged").asBoolean() ? " DIVERGED" : "");
                    out.printf("  %-12s %-12s %12d %12d %10d %10s  %s%n", b.path("name").asText(), state,
                            b.path("acked").asLong(), b.path("applied").asLong(), b.path("lagRecords").asLong(),
                            b.path("spilling").asBoolean() ? bytes(b.path("spillBytes").asLong()) : "-",
                            b.path("why").isTextual() ? b.path("why").asText() : "");
                }
            }
        }
        return Console.OK;
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format("%.1f GiB", n / (1024.0 * 1024 * 1024));
    }
}
