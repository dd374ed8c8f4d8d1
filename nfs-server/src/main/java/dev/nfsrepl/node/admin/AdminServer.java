package dev.nfsrepl.node.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.journal.Checkpoints;
import dev.nfsrepl.journal.Journal;
import dev.nfsrepl.journal.JournalSource;
import dev.nfsrepl.journal.OpsFilter;
import dev.nfsrepl.journal.OpsQuery;
import dev.nfsrepl.journal.Restore;
import dev.nfsrepl.journal.RestoreException;
import dev.nfsrepl.journal.SelectiveReplay;
import dev.nfsrepl.journal.TreeCopy;
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
 * <li>{@code GET /api/v1/digest[?export=PATH][&dir=DIR][&subtree=DIR][&ids=false]}: {@link Digest} of an export's tree (or of
 * the tree below {@code subtree}, its paths from there; with {@code ids=false} FileIds are left out,
 * so a restored copy compares equal to its original) as
 * this node has it — per-directory SHA-256 digests, so that two nodes' trees are compared by their
 * root digests and a difference is narrowed down directory by directory; with {@code dir}, also
 * the lines (path, type, FileId, mode, owner, size, mtime, content hash) of that directory's
 * entries.</li>
 * <li>{@code GET /api/v1/ops?...}: the journal's records that match the filter of {@link OpsParams},
 * a page at a time ({@code limit}, at most {@link #MAX_PAGE}; {@code next} is the {@code fromSeq}
 * of the next page), with how many records were read to find them.</li>
 * <li>{@code GET /api/v1/ops/SEQ}: one record.</li>
 * <li>{@code POST /api/v1/restore}: starts a {@link Restore} job ({@link RestoreBody}); 202 with the job.</li>
 * <li>{@code POST /api/v1/replay}: starts a {@link SelectiveReplay} job (a dry run with {@code dryRun}).</li>
 * <li>{@code GET /api/v1/checkpoints}: the checkpoints of the export's tree; {@code POST}: a job making one.</li>
 * <li>{@code GET /api/v1/restore-points}: the named restore points; {@code POST}: names the present.</li>
 * <li>{@code GET /api/v1/jobs[/ID]}: jobs and their progress ({@link Jobs}).</li>
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
    private final Jobs jobs = new Jobs(java.time.Clock.systemUTC());
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
            c.http.maxRequestSize = 64L << 20; // (a divergence's records travel in one request)
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
            c.routes.post("/api/v1/restore", ctx -> ctx.status(HttpStatus.ACCEPTED).json(restore(node, ctx)));
            c.routes.post("/api/v1/replay", ctx -> ctx.status(HttpStatus.ACCEPTED).json(replay(node, ctx)));
            c.routes.get("/api/v1/checkpoints", ctx -> ctx.json(checkpoints(node, ctx.queryParam("export"))));
            c.routes.post("/api/v1/checkpoints", ctx -> {
                String export = ctx.queryParam("export");
                Journal j = node.liveJournal(export);
                if (j == null) {
                    throw new Refused(HttpStatus.CONFLICT, "this node makes no checkpoints (a backup, or no journal"
                            + (export == null ? ", or several exports: name one with export=PATH" : "") + ")");
                }
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("export", export);
                ctx.status(HttpStatus.ACCEPTED).json(jobs.submit("checkpoint", request, progress -> {
                    Checkpoints.Info made = j.checkpoints().make(j, progress);
                    j.checkpoints().prune(j.log().firstSeq(), 1);
                    return view(made);
                }).view());
            });
            c.routes.get("/api/v1/restore-points", ctx -> ctx.json(journal(node, ctx.queryParam("export")).restorePoints()));
            c.routes.post("/api/v1/restore-points", ctx -> ctx.status(HttpStatus.CREATED).json(restorePoint(node, ctx)));
            c.routes.get("/api/v1/jobs", ctx -> ctx.json(jobs.all().stream().map(Jobs.Job::view).toList()));
            c.routes.get("/api/v1/jobs/{id}", ctx -> {
                Jobs.Job j = jobs.get(ctx.pathParam("id"));
                if (j == null) {
                    throw new Refused(HttpStatus.NOT_FOUND, "no job " + ctx.pathParam("id") + " (a node keeps its "
                            + "last 100 jobs, until it restarts)");
                }
                ctx.json(j.view());
            });
            c.routes.get("/api/v1/ops/{seq}", ctx -> ctx.json(op(node, ctx)));
            c.routes.get("/api/v1/divergence", ctx -> ctx.json(dev.nfsrepl.journal.Divergence.list(
                    journal(node, ctx).dir())));
            c.routes.get("/api/v1/divergence/{name}", ctx -> {
                try {
                    ctx.json(dev.nfsrepl.journal.Divergence.records(journal(node, ctx).dir(), ctx.pathParam("name")));
                } catch (RestoreException e) {
                    throw refused(e);
                }
            });
            c.routes.get("/api/v1/divergence/{name}/records", ctx -> {
                try {
                    JournalSource j = journal(node, ctx);
                    List<dev.nfsrepl.replication.record.OpRecord> rs = dev.nfsrepl.journal.Divergence.read(j.dir(),
                            ctx.pathParam("name"));
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", ctx.pathParam("name"));
                    m.put("fork", dev.nfsrepl.journal.Divergence.fork(j.dir(), ctx.pathParam("name"), rs));
                    m.put("firstSeq", rs.isEmpty() ? null : rs.get(0).seq());
                    m.put("rootId", Long.toHexString(j.identity().rootId()));
                    m.put("generation", Integer.toHexString(j.identity().generation()));
                    m.put("records", rs.size());
                    m.put("batches", dev.nfsrepl.journal.Divergence.encode(rs));
                    ctx.json(m);
                } catch (RestoreException e) {
                    throw refused(e);
                }
            });
            c.routes.post("/api/v1/divergence/replay", ctx -> ctx.status(HttpStatus.ACCEPTED)
                    .json(divergenceReplay(node, ctx)));
            c.routes.post("/api/v1/cluster/promote", ctx -> {
                Map<?, ?> b = body(ctx);
                try {
                    node.promote(Boolean.TRUE.equals(b.get("force")));
                } catch (IllegalStateException e) {
                    throw new Refused(HttpStatus.CONFLICT, e.getMessage());
                }
                ctx.status(HttpStatus.ACCEPTED).json(Map.of("standing", true, "force", Boolean.TRUE.equals(b.get("force"))));
            });
            c.routes.post("/api/v1/cluster/demote", ctx -> {
                Map<?, ?> b = body(ctx);
                String to;
                try {
                    to = node.demote(b.get("successor") instanceof String s ? s : null);
                } catch (IllegalStateException e) {
                    throw new Refused(HttpStatus.CONFLICT, e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new Refused(HttpStatus.BAD_REQUEST, e.getMessage());
                }
                ctx.json(Map.of("successor", to));
            });
            c.routes.get("/metrics", ctx -> {
                metrics.refresh();
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
            });
            c.routes.exception(Refused.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            c.routes.exception(FsException.class, (e, ctx) -> error(ctx, e instanceof dev.nfsrepl.fs.error.StaleException
                    ? HttpStatus.CONFLICT : HttpStatus.INTERNAL_SERVER_ERROR, "reading the tree: " + e.getMessage()));
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
        String subtree = ctx.queryParam("subtree");
        SortedMap<String, String> described;
        if (subtree == null) {
            described = TreeDigest.describe(fs);
        } else {
            long top;
            try {
                top = TreeCopy.resolve(fs, subtree);
            } catch (dev.nfsrepl.fs.error.NoEntException e) {
                throw new Refused(HttpStatus.NOT_FOUND, "no directory " + subtree + " in the tree");
            }
            if (fs.getattr(top).type() != dev.nfsrepl.fs.FileType.DIRECTORY) {
                throw new Refused(HttpStatus.BAD_REQUEST, subtree + " is not a directory");
            }
            described = TreeDigest.describe(fs, top);
        }
        if ("false".equals(ctx.queryParam("ids"))) {
            described = TreeDigest.withoutIds(described);
        }
        List<String> lines = TreeDigest.lines(described);
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
        OpsQuery.Page page = j.query(OpsFilter.ALL.withSeqs(seq, seq)).run(1);
        if (page.records().isEmpty()) {
            throw new Refused(HttpStatus.NOT_FOUND, "no record #" + seq + " in the journal (it holds #"
                    + j.log().firstSeq() + "..#" + j.log().lastSeq() + ")");
        }
        return page.records().get(0);
    }

    /** The body of {@code POST /api/v1/restore}. */
    record RestoreBody(String export, String path, String at, Long atSeq, String point, String into, Boolean force) {
    }

    private Map<String, Object> restore(NodeView node, Context ctx) throws FsException, IOException {
        RestoreBody b;
        try {
            b = ctx.bodyAsClass(RestoreBody.class);
        } catch (RuntimeException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, "the body must be JSON: {\"path\": \"/P\", \"at\": \"ISO-8601 "
                    + "instant\" or \"atSeq\": N, \"into\": \"/DIR\", \"force\": false, \"export\": \"/PATH\"}");
        }
        if (b == null || b.path() == null || b.into() == null
                || (b.at() == null ? 0 : 1) + (b.atSeq() == null ? 0 : 1) + (b.point() == null ? 0 : 1) != 1) {
            throw new Refused(HttpStatus.BAD_REQUEST, "give path, into, and one of at (an ISO-8601 instant), atSeq or "
                    + "point (a restore point's name)");
        }
        Long atMicros = null;
        if (b.at() != null) {
            try {
                atMicros = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH,
                        java.time.Instant.parse(b.at()));
            } catch (java.time.format.DateTimeParseException e) {
                throw new Refused(HttpStatus.BAD_REQUEST, "at is not an ISO-8601 instant such as 2026-11-30T10:04:00Z: "
                        + b.at());
            }
        }
        JournalSource j = journal(node, b.export());
        Long atSeq = b.atSeq();
        if (b.point() != null) {
            atSeq = j.restorePoint(b.point());
            if (atSeq == null) {
                throw new Refused(HttpStatus.NOT_FOUND, "no restore point named '" + b.point() + "' in the journal");
            }
        }
        FileSystem target = node.recorded(b.export());
        if (target == null) {
            throw new Refused(HttpStatus.CONFLICT, "this node's copy is read-only (a backup): restore on the primary");
        }
        Restore restore = new Restore(j, target, java.time.Clock.systemUTC());
        Restore.Request q = new Restore.Request(b.path(), atSeq, atMicros, b.into(), Boolean.TRUE.equals(b.force()));
        try {
            restore.check(q);
        } catch (RestoreException e) {
            throw refused(e);
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("path", b.path());
        if (b.point() != null) {
            request.put("point", b.point());
        }
        request.put(b.at() != null ? "at" : "atSeq", b.at() != null ? b.at() : atSeq);
        request.put("into", b.into());
        request.put("force", q.force());
        return jobs.submit("restore", request, progress -> restore.run(q, progress)).view();
    }

    /**
     * {@code POST /api/v1/replay}: a JSON object with the filter of {@link OpsParams} (the same names),
     * {@code into} (a directory of the export, or null: in place) and {@code dryRun}.
     */
    private Map<String, Object> replay(NodeView node, Context ctx) {
        Map<String, Object> body;
        try {
            body = ctx.bodyAsClass(Map.class);
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null) {
            throw new Refused(HttpStatus.BAD_REQUEST, "the body must be a JSON object: the filter (path, glob, op, uid, "
                    + "client, from, to, fromSeq, toSeq), into, dryRun, export");
        }
        Map<String, Object> b = body;
        OpsFilter f;
        try {
            f = OpsParams.filter(name -> b.get(name) == null ? null : String.valueOf(b.get(name)));
        } catch (IllegalArgumentException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        String export = (String) b.get("export");
        String into = (String) b.get("into");
        boolean dry = Boolean.TRUE.equals(b.get("dryRun"));
        JournalSource j = journal(node, export);
        FileSystem target = node.recorded(export);
        if (target == null) {
            throw new Refused(HttpStatus.CONFLICT, "this node's copy is read-only (a backup): replay on the primary");
        }
        SelectiveReplay replay;
        try {
            replay = new SelectiveReplay(j, target, f, into, dry);
        } catch (RestoreException e) {
            throw refused(e);
        }
        return jobs.submit(dry ? "dry-run" : "replay", new LinkedHashMap<>(b),
                progress -> SelectiveReplay.view(replay.run(progress))).view();
    }

    /**
     * {@code POST /api/v1/divergence/replay}: JSON {@code {"name": N, "batches": [...], "dryRun": B,
     * "export": P}}, the batches as {@code GET /api/v1/divergence/NAME/records} on the node that kept
     * them gave them; replays those records here, in place (see {@link SelectiveReplay#divergence}).
     */
    private Map<String, Object> divergenceReplay(NodeView node, Context ctx) throws IOException {
        Map<?, ?> b = body(ctx);
        if (!(b.get("batches") instanceof List<?> batches) || !(b.get("name") instanceof String name)
                || !(b.get("fork") instanceof Number fork) || !(b.get("rootId") instanceof String rootId)
                || !(b.get("generation") instanceof String generation)) {
            throw new Refused(HttpStatus.BAD_REQUEST, "the body must be JSON: {\"name\": N, \"fork\": SEQ, "
                    + "\"rootId\": HEX, \"generation\": HEX, \"batches\": [...], \"dryRun\": true|false}, as GET "
                    + "/api/v1/divergence/N/records gave them");
        }
        String export = b.get("export") instanceof String e ? e : null;
        boolean dry = Boolean.TRUE.equals(b.get("dryRun"));
        JournalSource j = journal(node, export);
        FileSystem target = node.recorded(export);
        if (target == null) {
            throw new Refused(HttpStatus.CONFLICT, "this node's copy is read-only (a backup): a divergence is "
                    + "replayed on the primary");
        }
        SelectiveReplay replay;
        List<dev.nfsrepl.replication.record.OpRecord> records;
        try {
            records = dev.nfsrepl.journal.Divergence.decode(batches);
            try {
                dev.nfsrepl.journal.Divergence.checkReplayable(j.identity(), Long.parseUnsignedLong(rootId, 16),
                        Integer.parseUnsignedInt(generation, 16), fork.longValue(), records);
            } catch (NumberFormatException e) {
                throw new Refused(HttpStatus.BAD_REQUEST, "rootId and generation are hexadecimal: " + e.getMessage());
            }
            dev.nfsrepl.journal.Divergence.checkForeign(j.log(), records);
            replay = SelectiveReplay.divergence(j, records, target, dry);
        } catch (RestoreException e) {
            throw refused(e);
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("divergence", name);
        request.put("fork", records.get(0).seq());
        request.put("records", records.size());
        request.put("dryRun", dry);
        request.put("export", export);
        return jobs.submit(dry ? "divergence-dry-run" : "divergence-replay", request,
                progress -> SelectiveReplay.view(replay.run(progress))).view();
    }

    /** {@code POST /api/v1/restore-points}: JSON {@code {"name": N, "export": P}}; a name is used once. */
    private static synchronized Map<String, Object> restorePoint(NodeView node, Context ctx) throws IOException {
        Map<?, ?> b;
        try {
            b = ctx.bodyAsClass(Map.class);
        } catch (RuntimeException e) {
            b = null;
        }
        if (b == null || !(b.get("name") instanceof String name)) {
            throw new Refused(HttpStatus.BAD_REQUEST, "the body must be JSON: {\"name\": \"NAME\"}");
        }
        String export = b.get("export") instanceof String e ? e : null;
        Journal j = node.liveJournal(export);
        if (j == null) {
            throw new Refused(HttpStatus.CONFLICT, "restore points are made on the primary (this node has no journal "
                    + "it writes" + (export == null ? ", or several exports: name one" : "") + ")");
        }
        if (j.source().restorePoint(name) != null) {
            throw new Refused(HttpStatus.CONFLICT, "there is a restore point named '" + name + "' already");
        }
        dev.nfsrepl.replication.record.OpRecord r;
        try {
            r = j.mark(name);
        } catch (IllegalArgumentException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("seq", r.seq());
        m.put("time", java.time.Instant.ofEpochSecond(0, r.timeMicros() * 1000).toString());
        return m;
    }

    private static List<Map<String, Object>> checkpoints(NodeView node, String export) throws IOException {
        JournalSource j = journal(node, export);
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (Checkpoints.Info i : new Checkpoints(j.dir(), java.time.Clock.systemUTC()).list()) {
            out.add(view(i));
        }
        return out;
    }

    private static Map<String, Object> view(Checkpoints.Info i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", i.seq());
        m.put("startSeq", i.startSeq());
        m.put("time", i.time());
        m.put("objects", i.objects());
        m.put("bytes", i.bytes());
        m.put("madeFrom", i.madeFrom());
        m.put("dir", i.dir().toString());
        return m;
    }

    private static Refused refused(RestoreException e) {
        return new Refused(switch (e.kind()) {
            case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
        }, e.getMessage());
    }

    private static JournalSource journal(NodeView node, Context ctx) {
        return journal(node, ctx.queryParam("export"));
    }

    private static JournalSource journal(NodeView node, String export) {
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

    /** The request's JSON object body; an empty or missing body is an empty object. */
    private static Map<?, ?> body(Context ctx) {
        if (ctx.body().isBlank()) {
            return Map.of();
        }
        try {
            Map<?, ?> b = ctx.bodyAsClass(Map.class);
            return b == null ? Map.of() : b;
        } catch (RuntimeException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, "the body must be a JSON object");
        }
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        ctx.status(status).json(Map.of("error", message));
    }

    @Override
    public void close() {
        app.stop();
        jobs.close();
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
