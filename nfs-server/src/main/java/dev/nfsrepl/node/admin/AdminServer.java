package dev.nfsrepl.node.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.journal.JournalSource;
import dev.nfsrepl.journal.OpsFilter;
import dev.nfsrepl.journal.OpsQuery;
import dev.nfsrepl.journal.TreeDigest;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's admin API: HTTP + JSON on its own port, every path behind the node's
 * {@link AdminToken} ({@code Authorization: Bearer TOKEN}; 401 otherwise).
 * <ul>
 * <li>{@code GET /api/v1/status}: {@link NodeStatus}.</li>
 * <li>{@code GET /api/v1/digest[?export=PATH][&dir=DIR]}: {@link Digest} of an export's tree as
 * this node has it — per-directory SHA-256 digests, so that two nodes' trees are compared by their
 * root digests and a difference is narrowed down directory by directory; with {@code dir}, also
 * the lines (path, type, FileId, mode, owner, size, mtime, content hash) of that directory's
 * entries.</li>
 * <li>{@code GET /api/v1/ops?...}: the journal's records that match the filter of {@link OpsParams},
 * a page at a time ({@code limit}, at most {@link #MAX_PAGE}; {@code next} is the {@code fromSeq}
 * of the next page), with how many records were read to find them.</li>
 * <li>{@code GET /api/v1/ops/SEQ}: one record.</li>
 * <li>{@code GET /metrics}: Prometheus text format.</li>
 * </ul>
 * Errors are JSON {@code {"error": "..."}} with 400 (bad request), 401, 404 (no such export or
 * directory), 409 (a backup without a copy yet) or 500.
 */
public final class AdminServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** The digest of a tree: its root digest, its object count and every directory's digest. */
    public record Digest(String export, String root, int objects, SortedMap<String, String> directories,
                         String dir, List<String> entries) {
    }

    private final Javalin app;
    private final String bind;

    public AdminServer(String bind, int port, AdminToken token, NodeView node) {
        this.bind = bind;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        StatusMetrics metrics = new StatusMetrics(node, registry);
        ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.host = bind;
            c.jetty.port = port;
            c.jsonMapper(new JavalinJackson(json, false));
            c.routes.before(ctx -> {
                if (!token.accepts(ctx.header("Authorization"))) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    throw new Refused(HttpStatus.UNAUTHORIZED, "missing or wrong admin token (send "
                            + "'Authorization: Bearer TOKEN', the token from the node's --admin-token-file)");
                }
            });
            c.routes.get("/api/v1/status", ctx -> ctx.json(node.status()));
            c.routes.get("/api/v1/digest", ctx -> ctx.json(digest(node, ctx)));
            c.routes.get("/api/v1/ops", ctx -> ctx.json(ops(node, ctx)));
            c.routes.get("/api/v1/ops/{seq}", ctx -> ctx.json(op(node, ctx)));
            c.routes.get("/metrics", ctx -> {
                metrics.refresh();
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
            });
            c.routes.exception(Refused.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            c.routes.exception(FsException.class, (e, ctx) -> error(ctx, HttpStatus.INTERNAL_SERVER_ERROR,
                    "reading the tree: " + e.getMessage()));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("admin API: {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, e.toString());
            });
            c.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    error(ctx, HttpStatus.NOT_FOUND, "no such path: " + ctx.path());
                }
            });
        });
    }

    public AdminServer start() {
        app.start();
        LOG.info("admin API on {}", url());
        return this;
    }

    public int port() {
        return app.port();
    }

    public String url() {
        return "http://" + (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + port();
    }

    private static Digest digest(NodeView node, Context ctx) throws FsException {
        String export = ctx.queryParam("export");
        FileSystem fs = node.tree(export);
        if (fs == null) {
            throw export == null ? new Refused(HttpStatus.CONFLICT, "this node has no tree to digest yet")
                    : new Refused(HttpStatus.NOT_FOUND, "no export " + export + " on this node");
        }
        List<String> lines = TreeDigest.lines(fs);
        SortedMap<String, String> dirs = TreeDigest.byDirectory(lines);
        String dir = ctx.queryParam("dir") == null ? null : escapePath(ctx.queryParam("dir"));
        List<String> entries = null;
        if (dir != null) {
            if (!dirs.containsKey(dir)) {
                throw new Refused(HttpStatus.NOT_FOUND, "no directory " + dir + " in the tree");
            }
            entries = TreeDigest.entriesOf(lines, dir);
        }
        return new Digest(export, dirs.get("/"), lines.size(), dirs, dir, entries);
    }

    /** The most records one page of {@code /api/v1/ops} holds. */
    static final int MAX_PAGE = 10_000;

    private static Map<String, Object> ops(NodeView node, Context ctx) throws IOException {
        JournalSource j = journal(node, ctx);
        OpsFilter f;
        int limit;
        try {
            f = OpsParams.filter(ctx::queryParam);
            limit = OpsParams.integer(ctx.queryParam("limit"), "limit", 100);
        } catch (IllegalArgumentException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new Refused(HttpStatus.BAD_REQUEST, "limit must be 1.." + MAX_PAGE + ", not " + limit);
        }
        OpsQuery.Page page = j.query(f).run(limit);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("records", page.records());
        m.put("next", page.next());
        m.put("scanned", page.scanned());
        m.put("namesFrom", page.namesFrom());
        m.put("firstSeq", j.log().firstSeq());
        m.put("lastSeq", j.log().lastSeq());
        return m;
    }

    private static Map<String, Object> op(NodeView node, Context ctx) throws IOException {
        JournalSource j = journal(node, ctx);
        long seq;
        try {
            seq = Long.parseLong(ctx.pathParam("seq"));
        } catch (NumberFormatException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, "not a record number: " + ctx.pathParam("seq"));
        }
        OpsQuery.Page page = j.query(new OpsFilter(seq, seq, Long.MIN_VALUE, Long.MAX_VALUE, null, null, null, null,
                null)).run(1);
        if (page.records().isEmpty()) {
            throw new Refused(HttpStatus.NOT_FOUND, "no record #" + seq + " in the journal (it holds #"
                    + j.log().firstSeq() + "..#" + j.log().lastSeq() + ")");
        }
        return page.records().get(0);
    }

    private static JournalSource journal(NodeView node, Context ctx) {
        String export = ctx.queryParam("export");
        JournalSource j = node.journal(export);
        if (j == null) {
            throw export == null ? new Refused(HttpStatus.CONFLICT, "this node keeps no journal (started without "
                    + "--journal, a backup before its primary's first contact, or several exports: name one with export=PATH)")
                    : new Refused(HttpStatus.NOT_FOUND, "no journaled export " + export + " on this node");
        }
        return j;
    }

    /** A path as {@link TreeDigest#lines} writes it: each name escaped; "/" the root. */
    private static String escapePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String name : path.split("/")) {
            if (!name.isEmpty()) {
                sb.append('/').append(TreeDigest.escape(name));
            }
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        ctx.status(status).json(Map.of("error", message));
    }

    @Override
    public void close() {
        app.stop();
    }

    /** A request refused with an HTTP status and a message for the caller. */
    private static final class Refused extends RuntimeException {
        final HttpStatus status;

        Refused(HttpStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
