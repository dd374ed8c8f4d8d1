package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Follows a job on a node until it is over, showing its progress on stderr: a progress bar per
 * phase when stderr is a terminal, else one line per phase and one every 5 seconds.
 */
final class JobWatch {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private JobWatch() {
    }

    /**
     * Starts a job (POST {@code path} with {@code body}), follows it, prints the finished job as JSON
     * when {@code json}, and returns its result; a job that failed is a {@link Console#JOB_FAILED}
     * error naming {@code what}.
     */
    static JsonNode run(NodeClient node, String path, Object body, picocli.CommandLine cl, boolean json, String what)
            throws ConsoleException {
        JsonNode job = node.post(path, body);
        JsonNode end = follow(node, job.path("id").asText(), cl.getErr(), System.console() != null);
        if (json) {
            cl.getOut().println(end.toPrettyString());
        }
        if (end.path("state").asText().equals("FAILED")) {
            throw new ConsoleException(Console.JOB_FAILED, what + " failed on " + node.base() + ": "
                    + end.path("error").asText());
        }
        return end.path("result");
    }

    /** The job's last state (DONE or FAILED). */
    static JsonNode follow(NodeClient node, String jobId, PrintWriter err, boolean terminal) throws ConsoleException {
        String phase = null;
        ProgressBar bar = null;
        long lastLine = 0;
        try {
            while (true) {
                JsonNode job = node.get("/api/v1/jobs/" + jobId);
                String state = job.path("state").asText();
                String p = job.path("phase").isTextual() ? job.path("phase").asText() : null;
                long done = job.path("done").asLong();
                long total = job.path("total").asLong();
                if (p != null && !p.equals(phase)) {
                    if (bar != null) {
                        bar.close();
                        bar = null;
                    }
                    phase = p;
                    if (terminal) {
                        bar = new ProgressBarBuilder().setTaskName(p).setInitialMax(total)
                                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                                .build();
                    } else {
                        err.printf("%s: %d steps%n", p, total);
                        err.flush();
                        lastLine = System.nanoTime();
                    }
                }
                if (bar != null) {
                    bar.stepTo(done);
                } else if (p != null && System.nanoTime() - lastLine > PLAIN_EVERY.toNanos()) {
                    err.printf("%s: %d of %d%n", p, done, total);
                    err.flush();
                    lastLine = System.nanoTime();
                }
                if (state.equals("DONE") || state.equals("FAILED")) {
                    if (bar != null) {
                        bar.stepTo(state.equals("DONE") ? total : done);
                    }
                    return job;
                }
                Thread.sleep(POLL.toMillis()); // polling a remote job: nothing to wait on locally
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsoleException(Console.UNREACHABLE, "interrupted while following job " + jobId + " on "
                    + node.base() + " (it goes on there)");
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
