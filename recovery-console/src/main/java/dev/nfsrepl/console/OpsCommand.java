package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ops}: the logged operations that match filters, oldest first, as a table or JSON. */
@Command(name = "ops", description = "The logged operations that match the filters, oldest first. Paths are as "
        + "they were at each operation's time (a file moved into --path is found there from then on).")
final class OpsCommand implements Callable<Integer> {

    /** Page size asked of the node (its maximum). */
    private static final int PAGE = 10_000;

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Mixin
    FilterOptions filters;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N operations "
            + "(default: ${DEFAULT-VALUE}; 0: all).")
    long limit;

    @Option(names = "--json", description = "JSON: {\"records\": [{seq, time, op, path, to, client, uid, ...}], "
            + "\"next\": the --from-seq to go on from (when --limit stopped it), \"scanned\": records read}.")
    boolean json;

    private final Clock clock = Clock.systemDefaultZone();

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        Map<String, Object> params = filters.params(clock);
        Long start = (Long) params.remove("fromSeq");
        Query q = new Query("/api/v1/ops");
        for (Map.Entry<String, Object> e : params.entrySet()) {
            q = q.param(e.getKey(), e.getValue());
        }
        if (limit < 0) {
            throw new ConsoleException(Console.USAGE, "--limit must be 0 (all) or more, not " + limit);
        }
        ArrayNode records = new ObjectMapper().createArrayNode();
        long scanned = 0;
        Long next = start == null ? 1L : start;
        PrintWriter out = spec.commandLine().getOut();
        while (next != null && (limit == 0 || records.size() < limit)) {
            long want = limit == 0 ? PAGE : Math.min(PAGE, limit - records.size());
            JsonNode page = node.get(q.param("fromSeq", next).param("limit", want).toString());
            scanned += page.path("scanned").asLong();
            next = page.path("next").isNumber() ? page.path("next").asLong() : null;
            for (JsonNode r : page.path("records")) {
                records.add(r);
                if (!json) {
                    out.println(line(r));
                }
            }
        }
        if (json) {
            ObjectNode doc = records.objectNode();
            doc.set("records", records);
            if (next != null) {
                doc.put("next", next);
            }
            doc.put("scanned", scanned);
            out.println(doc.toPrettyString());
        } else {
            out.printf("(%d operation%s; %d records read%s)%n", records.size(), records.size() == 1 ? "" : "s", scanned,
                    next != null ? "; more from --from-seq " + next : "");
        }
        return Console.OK;
    }

    /** One record on one line: seq, time, op, path (-> to), client, uid, then the op's own fields. */
    static String line(JsonNode r) {
        StringBuilder rest = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = r.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!List.of("seq", "time", "op", "path", "to", "epoch", "client", "uid", "gid", "xid").contains(f.getKey())) {
                rest.append(' ').append(f.getKey()).append('=').append(f.getValue().asText());
            }
        }
        String where = r.path("path").asText() + (r.has("to") ? " -> " + r.path("to").asText() : "");
        return String.format("#%-9d %s %-7s %s  (%s uid %s)%s", r.path("seq").asLong(), r.path("time").asText(),
                r.path("op").asText(), where, r.path("client").asText(), r.path("uid").asText(), rest);
    }
}
