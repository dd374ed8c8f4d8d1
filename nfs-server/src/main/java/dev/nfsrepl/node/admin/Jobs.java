package dev.nfsrepl.node.admin;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.nfsrepl.journal.Restore;
import java.io.Closeable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long work the admin API starts (restores, replays): run one at a time, in order, on a thread of
 * their own, each with its progress (phase, steps done of total) and, once over, its result or
 * error. The last 100 jobs are kept (in memory: a restart forgets them). Thread-safe.
 */
public final class Jobs implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
    private static final int KEEP = 100;

    /** The work of a job; its result is shown as JSON. */
    public interface Work {
        Object run(Restore.Progress progress) throws Exception;
    }

    /** One job. States: QUEUED, RUNNING, DONE, FAILED. */
    public static final class Job implements Restore.Progress {
        private final String id;
        private final String kind;
        private final Map<String, Object> request;
        private final Clock clock;
        private final Instant submitted;
        private volatile String state = "QUEUED";
        private volatile String phase;
        private volatile long total;
        private final AtomicLong done = new AtomicLong();
        private volatile Instant started;
        private volatile Instant finished;
        private volatile Object result;
        private volatile String error;

        Job(String id, String kind, Map<String, Object> request, Clock clock) {
            this.id = id;
            this.kind = kind;
            this.request = request;
            this.clock = clock;
            this.submitted = clock.instant();
        }

        public String id() {
            return id;
        }

        @Override
        public void phase(String name, long steps) {
            done.set(0);
            total = steps;
            phase = name;
        }

        @Override
        public void step() {
            done.incrementAndGet();
        }

        /** The job as the API shows it. */
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("kind", kind);
            m.put("request", request);
            m.put("state", state);
            m.put("phase", phase);
            m.put("done", done.get());
            m.put("total", total);
            m.put("submitted", submitted.toString());
            m.put("started", started == null ? null : started.toString());
            m.put("finished", finished == null ? null : finished.toString());
            m.put("result", result);
            m.put("error", error);
            return m;
        }

        private void run(Work work) {
            started = clock.instant();
            state = "RUNNING";
            try {
                result = work.run(this);
                state = "DONE";
            } catch (Exception | Error e) {
                error = e.getMessage() != null ? e.getMessage() : e.toString();
                state = "FAILED";
                LOG.error("job {} ({}) failed", id, kind, e);
            } finally {
                finished = clock.instant();
            }
        }
    }

    private final Clock clock;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(
            new ThreadFactoryBuilder().setNameFormat("nfsrepl-jobs").setDaemon(true).build());
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private long counter;

    public Jobs(Clock clock) {
        this.clock = clock;
    }

    public synchronized Job submit(String kind, Map<String, Object> request, Work work) {
        Job j = new Job(kind + "-" + ++counter, kind, request, clock);
        jobs.put(j.id(), j);
        while (jobs.size() > KEEP) {
            jobs.remove(jobs.keySet().iterator().next());
        }
        runner.execute(() -> j.run(work));
        LOG.info("job {} queued: {}", j.id(), request);
        return j;
    }

    public synchronized Job get(String id) {
        return jobs.get(id);
    }

    public synchronized List<Job> all() {
        return new ArrayList<>(jobs.values());
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
