package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code verify --against URL}: whether another node (a backup) holds the same tree as this one. */
@Command(name = "verify", description = "Checks that another node (a backup) holds the same tree as this one: waits "
        + "until it has applied this node's newest record, then compares the two nodes' digests of their trees "
        + "(paths, FileIds, modes, owners, sizes, mtimes, contents) and names the directories that differ. Compare "
        + "when writes have stopped: what changes meanwhile differs.")
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--against", paramLabel = "URL", required = true, description = "The other node's admin API.")
    String against;

    @Option(names = "--against-token", paramLabel = "T", description = "Its token (default: this node's).")
    String againstToken;

    @Option(names = "--export", paramLabel = "PATH", description = "The export; needed when the nodes serve several.")
    String export;

    @Option(names = "--wait-seconds", paramLabel = "S", defaultValue = "60", description = "How long to wait for the "
            + "other node to apply this one's newest record (default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Option(names = "--json", description = "JSON: {equal, objects, root, otherRoot, differing: [directories]}.")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        NodeClient other = new NodeClient(against, againstToken != null ? againstToken : console.token());
        long last = exportOf(node.get("/api/v1/status")).path("lastSeq").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        long applied;
        while ((applied = appliedOf(exportOf(other.get("/api/v1/status")))) < last) {
            if (System.nanoTime() > deadline) {
                throw new ConsoleException(Console.DIFFERENT, "node " + other.base() + " applied #" + applied + " of #"
                        + last + " after " + waitSeconds + " s: not caught up, not compared");
            }
            sleep();
        }
        String q = new Query("/api/v1/digest").param("export", export).toString();
        JsonNode mine = node.get(q);
        JsonNode theirs = other.get(q);
        boolean equal = mine.path("root").equals(theirs.path("root"));
        List<String> differing = equal ? List.of() : differing(mine.path("directories"), theirs.path("directories"));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            var doc = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            doc.put("equal", equal).put("objects", mine.path("objects").asLong())
                    .put("root", mine.path("root").asText()).put("otherRoot", theirs.path("root").asText());
            differing.forEach(doc.putArray("differing")::add);
            out.println(doc.toPrettyString());
        } else if (equal) {
            out.printf("equal: %s and %s hold the same tree as of #%d (%d objects, digest %s)%n", node.base(),
                    other.base(), last, mine.path("objects").asLong(), mine.path("root").asText());
        } else {
            out.printf("DIFFERENT: %s and %s (at #%d); directories whose entries differ:%n", node.base(), other.base(),
                    last);
            differing.forEach(d -> out.println("  " + d));
        }
        return equal ? Console.OK : Console.DIFFERENT;
    }

    private JsonNode exportOf(JsonNode status) throws ConsoleException {
        for (JsonNode e : status.path("exports")) {
            if (export == null || export.equals(e.path("path").asText())) {
                return e;
            }
        }
        throw new ConsoleException(Console.NOT_FOUND, "no export " + export + " on the node");
    }

    private static long appliedOf(JsonNode export) {
        JsonNode replica = export.path("replica");
        return replica.isObject() ? replica.path("applied").asLong() : export.path("lastSeq").asLong();
    }

    /** Directories whose digests differ (or that one side lacks), deepest first dropped when a parent explains them not. */
    private static List<String> differing(JsonNode a, JsonNode b) {
        TreeSet<String> names = new TreeSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        List<String> out = new ArrayList<>();
        for (String d : names) {
            if (!a.path(d).equals(b.path(d))) {
                out.add(d);
            }
        }
        // a directory differs whenever one below it does: keep those with no differing subdirectory
        List<String> leaves = new ArrayList<>();
        for (String d : out) {
            String prefix = d.equals("/") ? "/" : d + "/";
            if (out.stream().noneMatch(o -> !o.equals(d) && o.startsWith(prefix))) {
                leaves.add(d);
            }
        }
        return leaves;
    }

    private static void sleep() throws ConsoleException {
        try {
            Thread.sleep(200); // polling another process's progress: nothing to wait on here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsoleException(Console.UNREACHABLE, "interrupted");
        }
    }
}
