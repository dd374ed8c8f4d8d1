package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.function.Predicate;

/** Waiting on a node's view of its cluster ({@code cluster} in its status). */
final class ClusterWait {

    private ClusterWait() {
    }

    /** The node's cluster view once {@code ok} holds for it, or null after {@code within}. */
    static JsonNode until(NodeClient node, Duration within, Predicate<JsonNode> ok) throws ConsoleException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            JsonNode c = node.get("/api/v1/status").path("cluster");
            if (c.isMissingNode() || c.isNull()) {
                throw new ConsoleException(Console.CONFLICT, node.base() + " is not a member of a cluster with failover");
            }
            if (ok.test(c)) {
                return c;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            try {
                Thread.sleep(100); // (polling a remote node's status: there is nothing to wait on here)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** One line: the node's role, epoch and primary. */
    static String describe(NodeClient node) throws ConsoleException {
        JsonNode c = node.get("/api/v1/status").path("cluster");
        return c.path("role").asText("?") + " in epoch " + c.path("epoch").asLong() + ", following "
                + c.path("primary").asText("no one");
    }
}
